"""Enregistré en latin-1 : l'accent de la ligne 1 n'est pas de l'UTF-8."""


def double(x):
    return 2 * x


def main():
    return [0, 2, 4, 6, 8]
