"""Variante correcte : close()/join() explicites, logging, boucles for au lieu de compréhensions.

Exercice 5 — apply, apply_async et map_async.
"""

import logging
import multiprocessing
import time

DUREE = 0.1
journal = logging.getLogger(__name__)


def tache(duree):
    """Dort `duree` secondes et renvoie f"Tâche de {duree}s terminée"."""
    time.sleep(duree)
    return "Tâche de {}s terminée".format(duree)


def executer_bloquant(durees, processes=2):
    """Exécute les tâches une par une avec pool.apply (bloquant)."""
    pool = multiprocessing.Pool(processes)
    resultats = []
    try:
        for duree in durees:
            resultats.append(pool.apply(tache, args=(duree,)))
    finally:
        pool.close()
        pool.join()
    return resultats


def executer_async(durees, processes=2, pendant_ce_temps=None):
    """Soumet toutes les tâches avec apply_async, travaille pendant ce temps, puis collecte."""
    pool = multiprocessing.Pool(processes)
    try:
        en_cours = []
        for duree in durees:
            en_cours.append(pool.apply_async(tache, args=(duree,)))
        journal.info("%d tâches soumises", len(en_cours))
        if pendant_ce_temps:
            pendant_ce_temps()
        resultats = []
        for resultat in en_cours:
            resultats.append(resultat.get(timeout=60))
    finally:
        pool.close()
        pool.join()
    return resultats


def carre(x):
    """Calcule le carré d'un nombre après une petite pause de DUREE secondes."""
    time.sleep(DUREE)
    return x * x


def carres_async(nombres, processes=4, pendant_ce_temps=None):
    """Calcule les carrés avec map_async, travaille pendant ce temps, puis renvoie la liste."""
    pool = multiprocessing.Pool(processes)
    try:
        resultat = pool.map_async(carre, nombres)
        if pendant_ce_temps:
            pendant_ce_temps()
        return resultat.get()
    finally:
        pool.close()
        pool.join()


if __name__ == '__main__':
    logging.basicConfig(level=logging.INFO)
    print(executer_bloquant([0.1, 0.2]))
    print(executer_async([0.2, 0.1, 0.3], pendant_ce_temps=lambda: print("je travaille...")))
    print(carres_async(range(8), pendant_ce_temps=lambda: print("toujours...")))
