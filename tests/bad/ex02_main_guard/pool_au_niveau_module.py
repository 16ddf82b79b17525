"""Erreur : main() est correcte, mais un Pool créé au niveau du module est resté (le bug du fichier de départ)."""

import multiprocessing


def double(x: int) -> int:
    return 2 * x


pool = multiprocessing.Pool(2)


def main() -> list[int]:
    with multiprocessing.Pool(2) as pool:
        resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
