"""Erreur : puissances calcule les puissances une par une dans le processus principal, sans Pool."""

import multiprocessing
import time

DUREE = 0.1


def puissance(base: int, exposant: int) -> int:
    time.sleep(DUREE)
    return base ** exposant


def puissances(paires, processes: int = 4) -> list[int]:
    return [puissance(b, e) for b, e in paires]


if __name__ == '__main__':
    paires = [(2, 3), (3, 2), (5, 2), (10, 3), (2, 10), (7, 0), (4, 4), (9, 2)]
    debut = time.time()
    print(puissances(paires, processes=4), f"{time.time() - debut:.2f} s")
