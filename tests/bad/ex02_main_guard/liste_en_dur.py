"""Erreur : main() affiche et renvoie la liste écrite en dur, sans aucun Pool."""

import multiprocessing


def double(x: int) -> int:
    return 2 * x


def main() -> list[int]:
    resultats = [0, 2, 4, 6, 8]
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
