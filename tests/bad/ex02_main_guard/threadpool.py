"""Erreur : main() utilise un ThreadPool (des threads) au lieu d'un Pool de processus."""

import multiprocessing.pool


def double(x: int) -> int:
    return 2 * x


def main() -> list[int]:
    with multiprocessing.pool.ThreadPool(2) as pool:
        resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
