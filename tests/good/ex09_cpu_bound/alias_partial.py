"""Variante correcte : travail_cpu par un alias et un functools.partial, tâche en argument par défaut.

Exercice 9 — threading vs multiprocessing sur une tâche CPU-bound. Les threads viennent de
concurrent.futures, les processus d'un Pool dont on lit les résultats avec map_async().get().
"""

import concurrent.futures
import functools
import multiprocessing
import time


def travail_cpu(n: int) -> int:
    """Tâche CPU-bound en pur Python (ne pas modifier)."""
    # Ne pas modifier : cette fonction sert de référence aux vérifications.
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


calcul = travail_cpu  # alias
CALCUL_PARTIEL = functools.partial(travail_cpu)


def sequentiel(taches, fonction=travail_cpu):
    """Exécute `fonction` (travail_cpu) sur chaque tâche, l'une après l'autre."""
    return [fonction(n) for n in taches]


def avec_threads(taches, workers=2):
    """ThreadPoolExecutor de `workers` threads sur l'alias ; résultats dans l'ordre."""
    with concurrent.futures.ThreadPoolExecutor(workers) as executeur:
        return list(executeur.map(calcul, taches))


def avec_processus(taches, workers=2):
    """Pool de `workers` processus sur un partial de travail_cpu ; résultats dans l'ordre."""
    with multiprocessing.Pool(workers) as pool:
        return pool.map_async(CALCUL_PARTIEL, taches).get()


if __name__ == '__main__':
    taches = [2_000_000] * 4
    debut = time.perf_counter()
    assert sequentiel(taches) == avec_threads(taches) == avec_processus(taches)
    print(f"Trois versions identiques en {time.perf_counter() - debut:.2f} s")
