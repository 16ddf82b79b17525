"""double prend deux paramètres."""


def double(x, y):
    return 2 * x


def main():
    return [0, 2, 4, 6, 8]
