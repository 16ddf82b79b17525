"""Erreur : la démonstration (un Pool(4) et map) est au niveau du module, sans la garde if __name__ == "__main__":."""

import multiprocessing
import time

DUREE = 0.1


def carre(x: int) -> int:
    time.sleep(DUREE)
    return x * x


def carres_paralleles(nombres, processes: int = 4) -> list[int]:
    with multiprocessing.Pool(processes=processes) as pool:
        return pool.map(carre, nombres)


def carres_sequentiels(nombres) -> list[int]:
    return [carre(x) for x in nombres]


nombres = range(10)
with multiprocessing.Pool(4) as pool:
    print(pool.map(carre, nombres))
