"""Exercice 9 — threading vs multiprocessing sur une tâche CPU-bound.

threading : concurrence. Utile pour les tâches I/O-bound. Plusieurs threads
s'exécutent dans le même processus, partagent la même mémoire, mais sont
limités par le GIL (Global Interpreter Lock) : un seul thread exécute du code
Python à la fois.

multiprocessing : parallélisme. La solution pour les tâches CPU-bound.
Plusieurs processus sont créés. Chaque processus a son propre interpréteur
Python, sa propre mémoire et son propre GIL. Ils peuvent donc s'exécuter en
véritable parallèle sur plusieurs cœurs de CPU.

Inconvénient : la communication entre processus est plus complexe et plus
lente que la communication entre threads, car les données doivent être
sérialisées (avec pickle) pour passer d'un processus à l'autre.

Dans cet exercice, vous exécutez la même tâche CPU-bound (travail_cpu, fournie)
de trois façons et comparez les temps.
"""

import concurrent.futures
import multiprocessing
import os
import time


def travail_cpu(n: int) -> int:
    """Tâche CPU-bound en pur Python (ne pas modifier)."""
    # Ne pas modifier : cette fonction sert de référence aux vérifications.
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def sequentiel(taches) -> list[int]:
    """Version séquentielle de référence.

    Renvoie [travail_cpu(n) for n in taches], calculé dans ce processus.
    """
    # TODO : appeler travail_cpu sur chaque élément de taches, l'un après l'autre.
    raise NotImplementedError("À faire : sequentiel")


def avec_threads(taches, workers: int = 2) -> list[int]:
    """Version avec des threads.

    Utilisez `with concurrent.futures.ThreadPoolExecutor(max_workers=workers)
    as executor:` et executor.map(travail_cpu, taches). Renvoie la liste des
    résultats dans l'ordre de `taches`. À cause du GIL, elle ne devrait pas
    être plus rapide que la version séquentielle.
    """
    # TODO : un ThreadPoolExecutor de `workers` threads, puis list(executor.map(travail_cpu, taches)).
    raise NotImplementedError("À faire : avec_threads")


def avec_processus(taches, workers: int = 2) -> list[int]:
    """Version avec des processus.

    Utilisez `with multiprocessing.Pool(workers) as pool:` et
    pool.map(travail_cpu, taches). Renvoie la liste des résultats dans l'ordre
    de `taches`. Avec plusieurs cœurs, elle devrait être nettement plus rapide.
    """
    # TODO : un Pool de `workers` processus dans un bloc `with`, puis pool.map(travail_cpu, taches).
    raise NotImplementedError("À faire : avec_processus")


if __name__ == '__main__':
    taches = [4_000_000] * 4
    workers = 2
    print(f"{len(taches)} tâches CPU-bound, {workers} workers, {os.cpu_count()} cœurs")

    debut = time.perf_counter()
    attendu = sequentiel(taches)
    t_seq = time.perf_counter() - debut
    print(f"Séquentiel      : {t_seq:.2f} s")

    debut = time.perf_counter()
    resultats = avec_threads(taches, workers)
    t_threads = time.perf_counter() - debut
    assert resultats == attendu
    print(f"Threads         : {t_threads:.2f} s (accélération ×{t_seq / t_threads:.2f})")

    debut = time.perf_counter()
    resultats = avec_processus(taches, workers)
    t_proc = time.perf_counter() - debut
    assert resultats == attendu
    print(f"Processus       : {t_proc:.2f} s (accélération ×{t_seq / t_proc:.2f})")

    print("À cause du GIL, les threads n'accélèrent pas ce calcul ; les processus, si,")
    print("dès que plusieurs cœurs sont libres.")
