"""sys.exit() au niveau du module, ligne 5."""
import sys


sys.exit(1)


def double(x):
    return 2 * x


def main():
    return [0, 2, 4, 6, 8]
