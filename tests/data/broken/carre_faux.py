"""carre renvoie x * x + 1 : le message montre les entrées tirées au hasard."""
import multiprocessing
import time

DUREE = 0.1


def carre(x):
    time.sleep(DUREE)
    return x * x + 1


def carres_paralleles(nombres, processes=4):
    with multiprocessing.Pool(processes) as pool:
        return pool.map(carre, nombres)


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]
