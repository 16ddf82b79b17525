"""Variante correcte : Pool d'un contexte spawn, sous-classe de Pool, fonctions dans un autre ordre.

Exercice 5 — apply, apply_async et map_async. Les résultats asynchrones sont attendus
avec wait() puis lus avec get().
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import time
from typing import Callable, Optional

DUREE = 0.1
CONTEXTE = multiprocessing.get_context("spawn")


class PoolDeCours(multiprocessing.pool.Pool):
    """Sous-classe de Pool (aucun changement de comportement)."""


def carres_async(nombres, processes: int = 4,
                 pendant_ce_temps: Optional[Callable[[], None]] = None) -> list[int]:
    """map_async sur un Pool du contexte spawn ; pendant_ce_temps ; puis .get()."""
    with CONTEXTE.Pool(processes) as pool:
        asynchrone = pool.map_async(carre, nombres)
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        asynchrone.wait()
        return asynchrone.get()


def executer_async(durees, processes: int = 2,
                   pendant_ce_temps: Optional[Callable[[], None]] = None) -> list[str]:
    """apply_async pour chaque durée sur une sous-classe de Pool, puis collecte dans l'ordre."""
    with PoolDeCours(processes) as pool:
        soumis = [pool.apply_async(tache, (duree,)) for duree in durees]
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        return [resultat.get() for resultat in soumis]


def executer_bloquant(durees, processes: int = 2) -> list[str]:
    """pool.apply, une tâche après l'autre, sur un Pool du contexte spawn."""
    with CONTEXTE.Pool(processes) as pool:
        return [pool.apply(tache, (duree,)) for duree in durees]


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause de DUREE secondes."""
    time.sleep(DUREE)
    return x * x


def tache(duree: float) -> str:
    """Dort `duree` secondes et renvoie f"Tâche de {duree}s terminée"."""
    time.sleep(duree)
    return f"Tâche de {duree}s terminée"


if __name__ == '__main__':
    print(executer_bloquant([0.1, 0.2]))
    print(executer_async([0.3, 0.1], pendant_ce_temps=lambda: print("…")))
    print(carres_async(range(6), pendant_ce_temps=lambda: print("…")))
