"""Variante correcte : Pool d'un contexte spawn, chunksize explicite, close()/join() explicites.

Exercice 3 — Les Pool de workers et pool.map.
"""

import multiprocessing
import time

DUREE = 0.1


def carre(x):
    """Calcule le carré d'un nombre après une petite pause."""
    time.sleep(DUREE)
    return x ** 2


def carres_paralleles(nombres, processes=4):
    """Calcule les carrés avec un Pool du contexte spawn, une tâche à la fois par worker."""
    contexte = multiprocessing.get_context("spawn")
    pool = contexte.Pool(processes)
    try:
        resultats = pool.map(carre, nombres, chunksize=1)
    finally:
        pool.close()
        pool.join()
    return resultats


def carres_sequentiels(nombres):
    """Version séquentielle : une boucle for classique."""
    resultats = []
    for x in nombres:
        resultats.append(carre(x))
    return resultats


if __name__ == '__main__':
    for nom, fonction in (("séquentiel", carres_sequentiels), ("parallèle", carres_paralleles)):
        debut = time.perf_counter()
        print(f"[{nom}] {fonction(range(10))} en {time.perf_counter() - debut:.2f} s")
