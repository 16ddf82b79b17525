"""Erreur de syntaxe ligne 5."""
import multiprocessing


def double(x)
    return 2 * x
