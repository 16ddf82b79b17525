"""Trafique les horloges : à l'import, time.time, time.monotonic, time.perf_counter,
time.clock_gettime et os.getpid sont remplacées pour faire croire que les carrés, calculés en
séquence dans le processus principal, l'ont été dans quatre processus en même temps."""
import itertools
import os
import time

DUREE = 0.1
_vraie_horloge = time.monotonic
_debut = _vraie_horloge()
_faux_pids = itertools.cycle([os.getpid() + 1, os.getpid() + 2, os.getpid() + 3, os.getpid() + 4])


def _horloge_ralentie(*_):
    return _debut + (_vraie_horloge() - _debut) / 4  # quatre fois moins de temps écoulé


time.time = time.monotonic = time.perf_counter = _horloge_ralentie
time.clock_gettime = _horloge_ralentie
os.getpid = lambda: next(_faux_pids)


def carre(x):
    time.sleep(DUREE)
    return x * x


def carres_paralleles(nombres, processes=4):
    return [carre(x) for x in nombres]


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print("rien à démontrer")
