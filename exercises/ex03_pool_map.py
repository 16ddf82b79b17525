"""Exercice 3 — Les Pool de workers et pool.map.

Gérer manuellement des dizaines de processus peut être fastidieux. Le
multiprocessing.Pool est une abstraction de haut niveau qui simplifie
grandement la parallélisation de tâches : il gère un ensemble de processus
"workers", vous lui soumettez des tâches et il les distribue automatiquement
aux workers disponibles.

pool.map(func, iterable) est bloquant : il applique func à chaque élément de
iterable et retourne une liste de résultats dans le même ordre.

Avec 4 workers et 10 tâches de 0.1 s, le temps total est d'environ 0.3 s,
bien plus rapide que les 1.0 s d'une exécution séquentielle.
"""

import multiprocessing
import time

DUREE = 0.1


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause.

    Attend DUREE secondes (time.sleep(DUREE)), puis renvoie x * x.
    """
    # TODO : time.sleep(DUREE) puis renvoyer x * x.
    raise NotImplementedError("À faire : carre")


def carres_paralleles(nombres, processes: int = 4) -> list[int]:
    """Calcule les carrés de `nombres` en parallèle avec un Pool.

    Créez un pool avec `with multiprocessing.Pool(processes=processes) as pool:`
    et utilisez pool.map(carre, nombres). Renvoie la liste des carrés dans le
    même ordre que `nombres` (une liste vide si `nombres` est vide).
    """
    # TODO : un Pool de `processes` workers dans un bloc `with`, puis pool.map(carre, nombres).
    raise NotImplementedError("À faire : carres_paralleles")


def carres_sequentiels(nombres) -> list[int]:
    """Calcule les carrés de `nombres` l'un après l'autre, sans Pool.

    C'est la version séquentielle de référence pour comparer les temps :
    renvoie [carre(x) for x in nombres].
    """
    # TODO : appeler carre sur chaque nombre, dans ce processus, et renvoyer la liste.
    raise NotImplementedError("À faire : carres_sequentiels")


if __name__ == '__main__':
    nombres = range(10)

    start_time = time.time()
    resultats = carres_sequentiels(nombres)
    end_time = time.time()
    print("Version séquentielle")
    print(f"Résultats : {resultats}")
    print(f"Temps écoulé : {end_time - start_time:.2f} secondes")

    start_time = time.time()
    resultats = carres_paralleles(nombres, processes=4)
    end_time = time.time()
    print("Version parallèle (Pool de 4 workers)")
    print(f"Résultats : {resultats}")
    print(f"Temps écoulé : {end_time - start_time:.2f} secondes")
