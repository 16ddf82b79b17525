"""Erreur : DUREE passe de 0.1 à 0.02 pour aller plus vite."""

import multiprocessing
import time

DUREE = 0.02


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause."""
    time.sleep(DUREE)
    return x * x


def carres_paralleles(nombres, processes: int = 4) -> list[int]:
    """Calcule les carrés de `nombres` avec un Pool de `processes` workers (ordre conservé)."""
    # Le gestionnaire de contexte (with) libère les workers à la sortie.
    with multiprocessing.Pool(processes=processes) as pool:
        # pool.map attend que tous les résultats soient prêts.
        return pool.map(carre, nombres)


def carres_sequentiels(nombres) -> list[int]:
    """Version séquentielle de référence : un carré après l'autre, dans ce processus."""
    return [carre(x) for x in nombres]


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
