"""ex03 whose carre computes for ever, and whose demonstration calls it: the script run (graded
with the guard checks, in the first phase) is the first to wait for the loop."""

import multiprocessing

DUREE = 0.1


def carre(x: int) -> int:
    while True:
        x = x * x % 1_000_003


def carres_paralleles(nombres, processes=4):
    with multiprocessing.Pool(processes) as pool:
        return pool.map(carre, nombres)


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print(carre(3))
