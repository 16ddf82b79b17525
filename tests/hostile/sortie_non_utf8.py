"""Sortie qui n'est pas de l'UTF-8 : main() écrit des octets invalides (latin-1 et octets isolés),
et double renvoie une chaîne qui contient un demi-caractère (surrogate) isolé."""
import multiprocessing
import sys


def double(x):
    return "\udcff" * 2 + str(2 * x)


def main():
    with multiprocessing.Pool(2) as pool:
        resultats = pool.map(int, range(0, 10, 2))
    sys.stdout.flush()
    sys.stdout.buffer.write(b"r\xe9sultat \xff\xfe : " + str(resultats).encode() + b"\n")
    sys.stdout.buffer.flush()
    return resultats


if __name__ == "__main__":
    main()
