"""Variante correcte : carre décorée (functools.wraps), functools.partial de la tâche.

Exercice 3 — Les Pool de workers et pool.map. Le décorateur compte les appels dans le
journal ; le Pool reçoit un functools.partial de carre créé à l'import.
"""

import functools
import logging
import time
from multiprocessing import Pool

DUREE = 0.1


def journalise(fonction):
    """Journalise chaque appel de `fonction` (nom et arguments conservés grâce à wraps)."""
    @functools.wraps(fonction)
    def enveloppe(*args, **kwargs):
        logging.debug("appel de %s%s", fonction.__name__, args)
        return fonction(*args, **kwargs)
    return enveloppe


@journalise
def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause."""
    time.sleep(DUREE)
    return x * x


TACHE = functools.partial(carre)


def carres_paralleles(nombres, processes: int = 4) -> list[int]:
    """Calcule les carrés avec pool.map sur un partial de carre."""
    with Pool(processes=processes) as pool:
        resultats = pool.map(TACHE, nombres)
    return resultats


def carres_sequentiels(nombres) -> list[int]:
    """Version séquentielle de référence."""
    return [carre(x) for x in nombres]


if __name__ == '__main__':
    print(carres_paralleles([1, 2, 3, 4, 5]))
    print(carres_sequentiels([1, 2, 3, 4, 5]))
