"""Variante correcte : ThreadPool pour les threads, Pool d'un contexte spawn et imap pour les processus.

Exercice 9 — threading vs multiprocessing sur une tâche CPU-bound. Affichage en tableau
(le format n'est pas imposé).
"""

import multiprocessing
import time
from multiprocessing.pool import ThreadPool


def sequentiel(taches):
    """Exécute travail_cpu sur chaque élément de taches, l'un après l'autre."""
    return list(map(travail_cpu, taches))


def avec_threads(taches, workers=2):
    """Exécute travail_cpu avec un ThreadPool de `workers` threads ; résultats dans l'ordre."""
    with ThreadPool(workers) as pool:
        return pool.map(travail_cpu, taches, chunksize=1)


def avec_processus(taches, workers=2):
    """Exécute travail_cpu avec un Pool (contexte spawn) de `workers` processus, par imap."""
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        return list(pool.imap(travail_cpu, taches))


def travail_cpu(n: int) -> int:
    """Tâche CPU-bound en pur Python (ne pas modifier)."""
    # Ne pas modifier : cette fonction sert de référence aux vérifications.
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


if __name__ == '__main__':
    taches = [2_000_000] * 4
    print("| version | durée (s) |")
    for fonction in (sequentiel, avec_threads, avec_processus):
        debut = time.perf_counter()
        fonction(taches)
        print(f"| {fonction.__name__} | {time.perf_counter() - debut:.2f} |")
