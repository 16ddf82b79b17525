"""Variante correcte : la tâche passée par un functools.partial créé à l'import.

Exercice 4 — pool.starmap. `calcul_puissance` est un partial de `puissance` sans argument
figé : starmap l'appelle avec chaque paire déballée.
"""

import functools
import multiprocessing
import time

DUREE = 0.1


def puissance(base: int, exposant: int) -> int:
    """Calcule base ** exposant après une petite pause de DUREE secondes."""
    time.sleep(DUREE)
    return base ** exposant


calcul_puissance = functools.partial(puissance)


def puissances(paires, processes: int = 4) -> list[int]:
    """Calcule base ** exposant pour chaque paire, en parallèle (ordre conservé)."""
    with multiprocessing.Pool(processes) as pool:
        return pool.starmap(calcul_puissance, paires)


if __name__ == '__main__':
    paires = [(2, 3), (3, 2), (5, 2), (10, 3)]
    for (base, exposant), resultat in zip(paires, puissances(paires)):
        print(f"{base}^{exposant} -> {resultat}")
