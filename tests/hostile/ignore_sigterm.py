"""Un enfant qui ignore SIGTERM : lancer_worker attend qu'il soit prêt, le termine avec terminate(),
qui n'a aucun effet, puis l'attend avec join() pour toujours."""
import multiprocessing
import os
import signal
import time


def info_processus(titre):
    return {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom, duree=0.2, pret=None):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(f"Worker {nom}: Démarrage")
    if pret is not None:
        pret.set()
    while True:
        time.sleep(1)


def lancer_worker(nom, duree=0.2):
    pret = multiprocessing.Event()
    p = multiprocessing.Process(target=worker_function, args=(nom, duree, pret))
    p.start()
    pret.wait()
    p.terminate()
    p.join()
    return p.exitcode


def lancer_plusieurs(noms, duree=0.2):
    return [lancer_worker(nom, duree) for nom in noms]


if __name__ == "__main__":
    print("rien à démontrer")
