"""Erreur : carres_async envoie toute la liste en un seul paquet (chunksize=len(nombres)) : un seul worker calcule tout."""

import multiprocessing
import time

DUREE = 0.1


def tache(duree: float) -> str:
    """Dort `duree` secondes et renvoie f"Tâche de {duree}s terminée"."""
    time.sleep(duree)
    return f"Tâche de {duree}s terminée"


def executer_bloquant(durees, processes: int = 2) -> list[str]:
    """Exécute les tâches une par une avec pool.apply (bloquant) et renvoie leurs résultats."""
    with multiprocessing.Pool(processes) as pool:
        # Chaque apply attend la fin de sa tâche avant de passer à la suivante :
        # les tâches ne s'exécutent donc jamais en même temps.
        return [pool.apply(tache, (duree,)) for duree in durees]


def executer_async(durees, processes: int = 2, pendant_ce_temps=None) -> list[str]:
    """Soumet toutes les tâches avec apply_async, travaille pendant ce temps, puis collecte."""
    with multiprocessing.Pool(processes) as pool:
        # 1. On soumet TOUTES les tâches : chaque appel est non-bloquant et
        #    renvoie immédiatement un AsyncResult.
        resultats = [pool.apply_async(tache, (duree,)) for duree in durees]
        # 2. Le programme principal continue pendant que les workers travaillent.
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        # 3. .get() est bloquant : il attend que chaque résultat soit disponible.
        #    On les lit dans l'ordre de soumission.
        return [r.get() for r in resultats]


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause de DUREE secondes."""
    time.sleep(DUREE)
    return x * x


def carres_async(nombres, processes: int = 4, pendant_ce_temps=None) -> list[int]:
    """Calcule les carrés avec map_async, travaille pendant ce temps, puis renvoie la liste."""
    with multiprocessing.Pool(processes) as pool:
        # map_async rend la main tout de suite avec un seul AsyncResult.
        resultat = pool.map_async(carre, nombres, chunksize=max(1, len(nombres)))
        if pendant_ce_temps is not None:
            pendant_ce_temps()
        # .get() attend la fin de toutes les tâches ; l'ordre de `nombres` est conservé.
        return resultat.get()


if __name__ == '__main__':
    def continuer():
        print("Le programme principal continue pendant que les workers travaillent...")

    durees = [0.2, 0.3, 0.2, 0.3]

    start_time = time.time()
    print(executer_bloquant(durees, processes=2))
    print(f"pool.apply (bloquant) : {time.time() - start_time:.2f} secondes")

    start_time = time.time()
    print(executer_async(durees, processes=2, pendant_ce_temps=continuer))
    print(f"pool.apply_async : {time.time() - start_time:.2f} secondes")

    start_time = time.time()
    print(carres_async(range(10), processes=4, pendant_ce_temps=continuer))
    print(f"pool.map_async : {time.time() - start_time:.2f} secondes")
    print("Toutes les tâches sont finies.")
