"""Erreur : main() crée un Pool de 3 workers au lieu de 2."""

import multiprocessing


def double(x: int) -> int:
    return 2 * x


def main() -> list[int]:
    with multiprocessing.Pool(3) as pool:
        resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
