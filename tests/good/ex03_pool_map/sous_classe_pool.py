"""Variante correcte : une sous-classe de multiprocessing.pool.Pool, annotations, ordre inversé.

Exercice 3 — Les Pool de workers et pool.map. La sous-classe ne fait que journaliser sa
création ; les fonctions sont définies de la plus générale à la plus simple.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from multiprocessing.pool import Pool

DUREE = 0.1
journal = logging.getLogger(__name__)


class PoolJournalise(Pool):
    """Un Pool qui note sa taille dans le journal."""

    def __init__(self, processes: int | None = None, *args, **kwargs) -> None:
        super().__init__(processes, *args, **kwargs)
        journal.info("Pool de %s workers créé", processes)


def carres_paralleles(nombres: Iterable[int], processes: int = 4) -> list[int]:
    """Calcule les carrés de `nombres` avec un Pool de `processes` workers (ordre conservé)."""
    with PoolJournalise(processes=processes) as pool:
        return pool.map(carre, list(nombres))


def carres_sequentiels(nombres: Iterable[int]) -> list[int]:
    """Version séquentielle de référence."""
    return list(map(carre, nombres))


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause."""
    time.sleep(DUREE)
    return x * x


if __name__ == '__main__':
    logging.basicConfig(level=logging.INFO)
    print("Séquentiel :", carres_sequentiels(range(10)))
    print("Parallèle  :", carres_paralleles(range(10), processes=4))
