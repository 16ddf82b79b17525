"""Variante correcte : la tâche par un alias et par un argument par défaut capturé à l'import.

Exercice 3 — Les Pool de workers et pool.map. `calcul` est un alias de `carre` ; la
fonction parallèle reçoit la tâche en argument par défaut (évalué à l'import).
"""

import multiprocessing
import time

DUREE = 0.1


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause."""
    time.sleep(DUREE)
    return x * x


calcul = carre  # alias


def carres_paralleles(nombres, processes: int = 4, fonction=carre) -> list[int]:
    """Applique `fonction` (carre par défaut) à `nombres` avec un Pool de `processes` workers."""
    with multiprocessing.Pool(processes) as pool:
        return pool.map(fonction, nombres)


def carres_sequentiels(nombres) -> list[int]:
    """Version séquentielle, par l'alias."""
    return [calcul(x) for x in nombres]


if __name__ == '__main__':
    print(carres_sequentiels(range(10)))
    print(carres_paralleles(range(10)))
