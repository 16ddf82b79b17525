"""Déluge de sortie : main() affiche 500 Mo de texte avant de calculer quoi que ce soit."""
import multiprocessing
import sys

LIGNE = "déluge " * 150_000  # environ 1 Mo


def double(x):
    return 2 * x


def main():
    for _ in range(500):
        sys.stdout.write(LIGNE + "\n")
    with multiprocessing.Pool(2) as pool:
        resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
