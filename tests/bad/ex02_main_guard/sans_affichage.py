"""Erreur : main() renvoie la liste mais ne l'affiche pas."""

import multiprocessing


def double(x: int) -> int:
    return 2 * x


def main() -> list[int]:
    with multiprocessing.Pool(2) as pool:
        resultats = pool.map(double, range(5))
    return resultats


if __name__ == "__main__":
    main()
