"""Variante correcte : arguments par mots-clés (kwds=...), alias et partial des tâches.

Exercice 5 — apply, apply_async et map_async. `attendre` est un alias de `tache` défini à
l'import ; carres_async reçoit un functools.partial de `carre` en argument par défaut.
"""

import functools
import multiprocessing
import time

DUREE = 0.1


def tache(duree: float) -> str:
    """Dort `duree` secondes et renvoie f"Tâche de {duree}s terminée"."""
    time.sleep(duree)
    return f"Tâche de {duree}s terminée"


attendre = tache


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause de DUREE secondes."""
    time.sleep(DUREE)
    return x * x


def executer_bloquant(durees, processes: int = 2) -> list[str]:
    """Une tâche après l'autre avec pool.apply (arguments par mots-clés)."""
    with multiprocessing.Pool(processes=processes) as pool:
        return [pool.apply(attendre, kwds={"duree": duree}) for duree in durees]


def executer_async(durees, processes: int = 2, pendant_ce_temps=None) -> list[str]:
    """Soumet tout avec apply_async(kwds=...), appelle pendant_ce_temps, puis lit dans l'ordre."""
    with multiprocessing.Pool(processes=processes) as pool:
        futurs = {i: pool.apply_async(attendre, kwds={"duree": duree}) for i, duree in enumerate(durees)}
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        return [futurs[i].get() for i in range(len(durees))]


def carres_async(nombres, processes: int = 4, pendant_ce_temps=None,
                 fonction=functools.partial(carre)) -> list[int]:
    """map_async de `fonction` (un partial de carre), pendant_ce_temps, puis .get()."""
    with multiprocessing.Pool(processes=processes) as pool:
        attente = pool.map_async(fonction, list(nombres))
        if callable(pendant_ce_temps):
            pendant_ce_temps()
        return attente.get()


if __name__ == '__main__':
    print(executer_bloquant([0.1, 0.1]))
    print(executer_async([0.2, 0.1], pendant_ce_temps=lambda: print("en attendant...")))
    print(carres_async([1, 2, 3]))
