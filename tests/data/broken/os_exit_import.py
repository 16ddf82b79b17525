"""os._exit(3) au niveau du module."""
import os

os._exit(3)


def double(x):
    return 2 * x


def main():
    return [0, 2, 4, 6, 8]
