"""Variante correcte : threading.Thread à la main (fonctions d'aide), Pool avec close()/join().

Exercice 9 — threading vs multiprocessing sur une tâche CPU-bound. Les threads se
partagent les tâches par indices ; le Pool reçoit un chunksize explicite.
"""

from __future__ import annotations

import multiprocessing
import threading
import time


def travail_cpu(n: int) -> int:
    """Tâche CPU-bound en pur Python (ne pas modifier)."""
    # Ne pas modifier : cette fonction sert de référence aux vérifications.
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def _travailler(taches: list[int], indices: range, resultats: list[int | None]) -> None:
    """Calcule les tâches d'indices donnés et range chaque résultat à sa place."""
    for i in indices:
        resultats[i] = travail_cpu(taches[i])


def sequentiel(taches) -> list[int]:
    """Exécute travail_cpu sur chaque élément de taches, l'un après l'autre."""
    resultats = []
    for n in taches:
        resultats.append(travail_cpu(n))
    return resultats


def avec_threads(taches, workers: int = 2) -> list[int]:
    """`workers` threading.Thread, chacun prend une tâche sur `workers` ; résultats dans l'ordre."""
    taches = list(taches)
    resultats: list[int | None] = [None] * len(taches)
    threads = [threading.Thread(target=_travailler,
                                args=(taches, range(k, len(taches), workers), resultats))
               for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return resultats


def avec_processus(taches, workers: int = 2) -> list[int]:
    """Un Pool de `workers` processus, fermé explicitement ; résultats dans l'ordre."""
    pool = multiprocessing.Pool(processes=workers)
    try:
        return pool.map(travail_cpu, taches, chunksize=1)
    finally:
        pool.close()
        pool.join()


if __name__ == '__main__':
    taches = [2_000_000] * 4
    for fonction in (sequentiel, avec_threads, avec_processus):
        debut = time.perf_counter()
        fonction(taches)
        print(f"{fonction.__name__:>15} : {time.perf_counter() - debut:.2f} s")
