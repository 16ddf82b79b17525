"""Gouffre de mémoire : carre garde en mémoire, d'un appel à l'autre, des blocs de 512 Mio (remplis)
jusqu'à 8 Gio, dans le processus principal comme dans chaque worker."""
import multiprocessing
import time

DUREE = 0.1
BLOC = 512 * 1024 * 1024
_fuite = []


def carre(x):
    while len(_fuite) < 16:  # 8 Gio
        _fuite.append(bytearray(BLOC))
    time.sleep(DUREE)
    return x * x


def carres_paralleles(nombres, processes=4):
    with multiprocessing.Pool(processes) as pool:
        return pool.map(carre, nombres)


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print("rien à démontrer")
