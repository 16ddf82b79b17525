"""Variante correcte : sous-classe de multiprocessing.pool.Pool et tâche en argument par défaut.

Exercice 4 — pool.starmap. La tâche est capturée comme valeur par défaut à l'import.
"""

import multiprocessing.pool
import time
from typing import Callable, Iterable

DUREE = 0.1


class MonPool(multiprocessing.pool.Pool):
    """Un Pool ordinaire, sous un autre nom."""


def puissance(base: int, exposant: int) -> int:
    """Calcule base ** exposant après une petite pause de DUREE secondes."""
    time.sleep(DUREE)
    return base ** exposant


def puissances(paires: Iterable[tuple[int, int]], processes: int = 4,
               fonction: Callable[[int, int], int] = puissance) -> list[int]:
    """Calcule fonction(base, exposant) pour chaque paire avec un MonPool de `processes` workers."""
    with MonPool(processes) as pool:
        return pool.starmap(fonction, paires)


if __name__ == '__main__':
    print(puissances([(2, 3), (3, 2), (5, 2), (10, 3)], processes=2))
