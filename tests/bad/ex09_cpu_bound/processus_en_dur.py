"""Erreur : avec_processus crée un Pool() d'autant de processus que de cœurs, sans le paramètre workers."""

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
    """Exécute travail_cpu sur chaque élément de taches, l'un après l'autre."""
    return [travail_cpu(n) for n in taches]


def avec_threads(taches, workers: int = 2) -> list[int]:
    """Exécute travail_cpu avec `workers` threads ; résultats dans l'ordre de taches."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        # À cause du GIL, ces threads ne calculent jamais en même temps.
        return list(executor.map(travail_cpu, taches))


def avec_processus(taches, workers: int = 2) -> list[int]:
    """Exécute travail_cpu avec un Pool de `workers` processus ; résultats dans l'ordre."""
    with multiprocessing.Pool() as pool:
        return pool.map(travail_cpu, taches)


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
