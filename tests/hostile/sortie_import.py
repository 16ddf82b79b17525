"""Quitte à l'import : os._exit(0) au niveau du module, sans garde."""
import multiprocessing
import os
import time

DUREE = 0.1


def puissance(base, exposant):
    time.sleep(DUREE)
    return base ** exposant


def puissances(paires, processes=4):
    with multiprocessing.Pool(processes) as pool:
        return pool.starmap(puissance, paires)


os._exit(0)
