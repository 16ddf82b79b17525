"""Erreur : un print de débogage au niveau du module affiche quelque chose dès l'import."""

import multiprocessing


def double(x: int) -> int:
    return 2 * x


print("Module chargé :", __name__)


def main() -> list[int]:
    with multiprocessing.Pool(2) as pool:
        resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
