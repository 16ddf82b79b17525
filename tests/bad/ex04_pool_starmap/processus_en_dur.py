"""Erreur : le Pool prend autant de workers que de cœurs (Pool()), sans le paramètre processes."""

import multiprocessing
import time

DUREE = 0.1


def puissance(base: int, exposant: int) -> int:
    """Calcule base ** exposant après une petite pause de DUREE secondes."""
    time.sleep(DUREE)
    return base ** exposant


def puissances(paires, processes: int = 4) -> list[int]:
    """Calcule base ** exposant pour chaque paire (base, exposant), en parallèle (ordre conservé)."""
    with multiprocessing.Pool() as pool:
        # starmap « déballe » chaque tuple : puissance(*paire).
        return pool.starmap(puissance, paires)


if __name__ == '__main__':
    paires = [(2, 3), (3, 2), (5, 2), (10, 3), (2, 10), (7, 0), (4, 4), (9, 2)]

    start_time = time.time()
    resultats = puissances(paires, processes=4)
    end_time = time.time()
    print("pool.starmap (Pool de 4 workers)")
    for (base, exposant), resultat in zip(paires, resultats):
        print(f"{base} ** {exposant} = {resultat}")
    print(f"Temps écoulé : {end_time - start_time:.2f} secondes")
