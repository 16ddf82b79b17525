"""Variante correcte : les résultats d'apply_async arrivent par des callbacks, dans l'ordre où
les tâches finissent, et chacun est rangé à l'indice de sa tâche : la liste rendue suit l'ordre de
soumission sans appeler get().

Exercice 5 — apply, apply_async et map_async.
"""

import multiprocessing
import time
from functools import partial

DUREE = 0.1


def tache(duree):
    time.sleep(duree)
    return f"Tâche de {duree}s terminée"


def executer_bloquant(durees, processes=2):
    with multiprocessing.Pool(processes) as pool:
        return [pool.apply(tache, (duree,)) for duree in durees]


def _ranger(resultats, indice, message):
    resultats[indice] = message


def executer_async(durees, processes=2, pendant_ce_temps=None):
    resultats = [None] * len(durees)
    with multiprocessing.Pool(processes) as pool:
        for indice, duree in enumerate(durees):
            pool.apply_async(tache, (duree,), callback=partial(_ranger, resultats, indice))
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        pool.close()
        pool.join()  # après join, chaque callback a rangé son résultat
    return resultats


def carre(x):
    time.sleep(DUREE)
    return x * x


def carres_async(nombres, processes=4, pendant_ce_temps=None):
    with multiprocessing.Pool(processes) as pool:
        en_cours = pool.map_async(carre, nombres)
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        return en_cours.get()


if __name__ == "__main__":
    print(executer_bloquant([0.1, 0.2]))
    print(executer_async([0.3, 0.1, 0.2], pendant_ce_temps=lambda: print("pendant ce temps...")))
    print(carres_async(range(8), pendant_ce_temps=lambda: print("toujours...")))
