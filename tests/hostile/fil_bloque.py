"""Un thread non-daemon bloqué : worker_function lance un thread qui ne finit jamais. Le processus
enfant ne peut pas se terminer (Python attend ses threads non-daemon), et le join() de
lancer_worker attend pour toujours."""
import multiprocessing
import os
import threading
import time


def info_processus(titre):
    return {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom, duree=0.2):
    print(f"Worker {nom}: Démarrage")
    threading.Thread(target=time.sleep, args=(10**6,), name="bloque").start()
    time.sleep(duree)
    print(f"Worker {nom}: Fin")


def lancer_worker(nom, duree=0.2):
    p = multiprocessing.Process(target=worker_function, args=(nom, duree))
    p.start()
    p.join()
    return p.exitcode


def lancer_plusieurs(noms, duree=0.2):
    processus = [multiprocessing.Process(target=worker_function, args=(nom, duree)) for nom in noms]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return [p.exitcode for p in processus]


if __name__ == "__main__":
    print(lancer_worker("A"))
