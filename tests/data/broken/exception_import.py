"""Une exception à l'import."""
import multiprocessing

TAILLE = int("deux")


def double(x):
    return 2 * x


def main():
    return [0, 2, 4, 6, 8]
