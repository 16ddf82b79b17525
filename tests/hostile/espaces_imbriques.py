"""Espaces imbriqués : carres_paralleles calcule en séquence, puis crée un processus par travailleur
imaginaire, chacun dans un espace de pids à lui (unshare d'un espace utilisateur et d'un espace de
pids, permis sans privilège) : chacun y a le pid 1. Chacun envoie par la sonde, à son vrai nom, les
tâches d'un travailleur, quatre à la fois, aux instants de l'appel : le noyau atteste l'expéditeur,
et le pid 1 de l'un se confond avec celui des autres."""
import ctypes
import os
import sys
import time

DUREE = 0.1
CLONE_NEWUSER, CLONE_NEWPID = 0x10000000, 0x20000000


def carre(x):
    time.sleep(DUREE)
    return x * x


def _imaginaire(sonde, taches):
    """Dans un processus neuf : un espace de pids à soi, puis son premier processus (pid 1) qui
    déclare ``taches`` (instant de début, instant de fin, nombre)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0:
        os._exit(1)
    premier = os.fork()
    if premier == 0:
        debut = taches[0][0]
        sonde.record("boot", t=debut - 0.001)
        for t0, t1, x in taches:
            sonde.record("call", fn="carre", t0=t0, t1=t1, error=None, tid=1, args=[x], kwargs={})
        sonde.record("exit", t=taches[-1][1] + 0.001)
        os._exit(0)
    os.waitpid(premier, 0)
    os._exit(0)


def carres_paralleles(nombres, processes=4):
    sonde = sys.modules.get("mpgrade_probe")
    debut = time.monotonic()
    calcul = getattr(carre, "__wrapped__", carre)  # l'original, sans les enregistrements
    resultats = [calcul(x) for x in nombres]
    if sonde is None:
        return resultats
    for travailleur in range(processes):
        taches = [(debut + 0.05 + rang * DUREE, debut + 0.05 + (rang + 1) * DUREE, x)
                  for rang, x in enumerate(nombres[travailleur::processes])]
        if not taches:
            continue
        enfant = os.fork()
        if enfant == 0:
            _imaginaire(sonde, taches)
        os.waitpid(enfant, 0)
    return resultats


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print("rien à démontrer")
