"""carre ne se termine jamais : chaque appel dort indéfiniment."""
import multiprocessing
import time

DUREE = 0.1


def carre(x):
    time.sleep(10**6)
    return x * x


def carres_paralleles(nombres, processes=4):
    with multiprocessing.Pool(processes) as pool:
        return pool.map(carre, nombres)


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]
