"""Variante correcte : Pool d'un contexte, close()/join() explicites, chunksize, liste de paires.

Exercice 4 — pool.starmap. Les paires sont converties en liste de tuples, le Pool est
fermé dans un finally.
"""

from multiprocessing import get_context
from time import sleep

DUREE = 0.1


def puissances(paires, processes=4):
    """Calcule base ** exposant pour chaque paire (base, exposant), en parallèle."""
    paires = [tuple(paire) for paire in paires]
    pool = get_context().Pool(processes=processes)
    try:
        return pool.starmap(puissance, paires, chunksize=1)
    finally:
        pool.close()
        pool.join()


def puissance(base, exposant):
    """Calcule base ** exposant après une petite pause de DUREE secondes."""
    sleep(DUREE)
    resultat = 1
    for _ in range(exposant):
        resultat *= base
    return resultat


if __name__ == '__main__':
    print(puissances([(2, 3), (3, 2), (5, 2), (10, 3), (7, 0)]))
