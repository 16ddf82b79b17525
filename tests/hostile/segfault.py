"""Erreur de segmentation : carre lit l'adresse 0 avec ctypes, dans le processus principal comme
dans les workers d'un Pool (qui attend alors pour toujours la tâche du worker mort)."""
import ctypes
import multiprocessing
import time

DUREE = 0.1


def carre(x):
    time.sleep(DUREE)
    ctypes.string_at(0)
    return x * x


def carres_paralleles(nombres, processes=4):
    with multiprocessing.Pool(processes) as pool:
        return pool.map(carre, nombres)


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print("rien à démontrer")
