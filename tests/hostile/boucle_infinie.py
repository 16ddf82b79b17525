"""Boucle infinie : carre ne rend jamais la main et brûle le processeur, dans le processus principal
comme dans les workers."""
import multiprocessing

DUREE = 0.1


def carre(x):
    while True:
        x = x * x % 1_000_003


def carres_paralleles(nombres, processes=4):
    with multiprocessing.Pool(processes) as pool:
        return pool.map(carre, nombres)


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print("rien à démontrer")
