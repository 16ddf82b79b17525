"""Exercice 4 — pool.starmap : des tâches à plusieurs arguments.

pool.map(func, iterable) applique func à chaque élément de iterable : il ne
convient qu'aux fonctions à un seul argument.

pool.starmap(func, iterable_de_tuples) est similaire à map, mais pour les
fonctions qui prennent plusieurs arguments : chaque élément de l'itérable est
un tuple d'arguments. Comme map, c'est une opération bloquante qui retourne
une liste de résultats dans le même ordre.

Exemple : pool.starmap(puissance, [(2, 3), (3, 2)]) appelle puissance(2, 3)
et puissance(3, 2) dans les workers et renvoie [8, 9].
"""

import multiprocessing
import time

DUREE = 0.1


def puissance(base: int, exposant: int) -> int:
    """Calcule base ** exposant après une petite pause.

    Attend DUREE secondes (time.sleep(DUREE)), puis renvoie base ** exposant.
    """
    # TODO : time.sleep(DUREE) puis renvoyer base ** exposant.
    raise NotImplementedError("À faire : puissance")


def puissances(paires, processes: int = 4) -> list[int]:
    """Calcule base ** exposant pour chaque paire (base, exposant), en parallèle.

    Créez un pool avec `with multiprocessing.Pool(processes) as pool:` et
    utilisez pool.starmap(puissance, paires). Renvoie la liste des résultats
    dans le même ordre que `paires` (une liste vide si `paires` est vide).
    """
    # TODO : un Pool de `processes` workers dans un bloc `with`, puis pool.starmap(puissance, paires).
    raise NotImplementedError("À faire : puissances")


if __name__ == '__main__':
    paires = [(2, 3), (3, 2), (5, 2), (10, 3), (2, 10), (7, 0), (4, 4), (9, 2)]

    start_time = time.time()
    resultats = puissances(paires, processes=4)
    end_time = time.time()
    print("pool.starmap (Pool de 4 workers)")
    for (base, exposant), resultat in zip(paires, resultats):
        print(f"{base} ** {exposant} = {resultat}")
    print(f"Temps écoulé : {end_time - start_time:.2f} secondes")
