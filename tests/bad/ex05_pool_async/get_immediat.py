"""Erreur : executer_async appelle .get() juste après chaque apply_async : chaque tâche est attendue avant de soumettre la suivante."""

import multiprocessing
import time

DUREE = 0.1


def tache(duree: float) -> str:
    time.sleep(duree)
    return f"Tâche de {duree}s terminée"


def executer_bloquant(durees, processes: int = 2) -> list[str]:
    with multiprocessing.Pool(processes) as pool:
        return [pool.apply(tache, (duree,)) for duree in durees]


def executer_async(durees, processes: int = 2, pendant_ce_temps=None) -> list[str]:
    with multiprocessing.Pool(processes) as pool:
        resultats = [pool.apply_async(tache, (duree,)).get() for duree in durees]
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        return resultats


def carre(x: int) -> int:
    time.sleep(DUREE)
    return x * x


def carres_async(nombres, processes: int = 4, pendant_ce_temps=None) -> list[int]:
    with multiprocessing.Pool(processes) as pool:
        resultat = pool.map_async(carre, nombres)
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        return resultat.get()


if __name__ == '__main__':
    def continuer():
        print("Le programme principal continue pendant que les workers travaillent...")

    durees = [0.2, 0.3, 0.2, 0.3]
    for f, args in ((executer_bloquant, (durees,)), (executer_async, (durees, 2, continuer)),
                    (carres_async, (range(10), 4, continuer))):
        debut = time.time()
        print(f.__name__, f(*args), f"{time.time() - debut:.2f} s")
