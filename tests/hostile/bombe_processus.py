"""Bombe de processus : lancer_worker crée 400 processus (os.fork), chacun dans sa propre session
(il quitte le groupe de processus du correcteur), et certains se dédoublent encore avant de mourir
(leurs enfants deviennent orphelins). Aucun ne doit survivre à la correction."""
import multiprocessing
import os
import time

BOMBE = 400


def info_processus(titre):
    return {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom, duree=0.2):
    print(f"Worker {nom}: Démarrage")
    time.sleep(duree)
    print(f"Worker {nom}: Fin")


def _dormir_longtemps():
    os.setsid()
    if os.getpid() % 3 == 0 and os.fork() != 0:
        os._exit(0)  # l'enfant devient orphelin
    time.sleep(120)
    os._exit(0)


def lancer_worker(nom, duree=0.2):
    for _ in range(BOMBE):
        if os.fork() == 0:
            _dormir_longtemps()
    return 0


def lancer_plusieurs(noms, duree=0.2):
    return [lancer_worker(nom, duree) for nom in noms]


if __name__ == "__main__":
    p = multiprocessing.Process(target=worker_function, args=("A",))
    p.start()
    p.join()
