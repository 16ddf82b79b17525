"""Erreur : carres_paralleles utilise concurrent.futures.ProcessPoolExecutor au lieu de multiprocessing.Pool."""

import concurrent.futures
import time

DUREE = 0.1


def carre(x: int) -> int:
    time.sleep(DUREE)
    return x * x


def carres_paralleles(nombres, processes: int = 4) -> list[int]:
    with concurrent.futures.ProcessPoolExecutor(max_workers=processes) as executor:
        return list(executor.map(carre, nombres))


def carres_sequentiels(nombres) -> list[int]:
    return [carre(x) for x in nombres]


if __name__ == '__main__':
    for f in (carres_sequentiels, carres_paralleles):
        debut = time.time()
        print(f.__name__, f(range(10)), f"{time.time() - debut:.2f} s")
