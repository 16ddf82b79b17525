"""Erreur : main() crée le Pool sans with et ne le ferme jamais (ni close() ni join())."""

import multiprocessing


def double(x: int) -> int:
    return 2 * x


def main() -> list[int]:
    pool = multiprocessing.Pool(2)
    resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
