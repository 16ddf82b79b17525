"""Trafique la sonde du correcteur : carres_paralleles calcule en séquence (avec la fonction carre
d'origine, que la sonde n'observe pas), envoie lui-même, par la sonde et au nom d'autres pids, les
enregistrements d'un Pool de quatre processus imaginaires qui auraient tout calculé en trois
vagues, et recule l'horloge de la sonde pour que l'appel semble avoir duré 0,8 s."""
import os
import sys
import time

DUREE = 0.1


def carre(x):
    time.sleep(DUREE)
    return x * x


def _ecrire(sonde, pid, ev, **champs):
    """Un enregistrement au nom du processus ``pid``, par le chemin même de la sonde (la socket du
    correcteur, ou les fichiers où il n'y en a pas)."""
    vrai_getpid = sonde._getpid
    sonde._getpid = lambda: pid
    try:
        sonde.record(ev, **champs)
    finally:
        sonde._getpid = vrai_getpid


def carres_paralleles(nombres, processes=4):
    sonde = sys.modules.get("mpgrade_probe")
    vraie_horloge = time.monotonic
    debut = vraie_horloge()
    calcul = getattr(carre, "__wrapped__", carre)  # l'original, sans les enregistrements
    resultats = [calcul(x) for x in nombres]
    if sonde is None:
        return resultats
    moi = os.getpid()
    faux = [32001 + i for i in range(processes)]
    _ecrire(sonde, moi, "pool", op="create", cls="Pool", pool=1, processes=processes,
            caller=__name__, t=debut + 0.01)
    _ecrire(sonde, moi, "pool", op="map", cls="Pool", pool=1, func="carre", caller=__name__,
            t=debut + 0.02)
    for i, pid in enumerate(faux):
        _ecrire(sonde, moi, "start", child=pid, caller="multiprocessing.pool", cls="Process",
                t=debut + 0.01, target="worker")
    for i, x in enumerate(nombres):
        t0 = debut + 0.05 + (i // processes) * DUREE
        _ecrire(sonde, faux[i % processes], "call", fn="carre", t0=t0, t1=t0 + DUREE,
                error=None, tid=1, args=[x], kwargs={})
    _ecrire(sonde, moi, "pool", op="__exit__", cls="Pool", pool=1, func=None, caller=__name__,
            t=debut + 0.7)
    recul = (vraie_horloge() - debut) - 0.8
    sonde.now = lambda: vraie_horloge() - recul  # la fin de l'appel sera datée de début + 0,8 s
    return resultats


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print("rien à démontrer")
