"""Interblocage : le parent attend (join) un enfant qui attend une donnée que personne n'envoie."""
import multiprocessing
import os


def info_processus(titre):
    return {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom, duree=0.2):
    print(f"Worker {nom}: Démarrage")


def attendre_un_message(file):
    file.get()


def lancer_worker(nom, duree=0.2):
    file = multiprocessing.Queue()
    p = multiprocessing.Process(target=attendre_un_message, args=(file,))
    p.start()
    p.join()
    return p.exitcode


def lancer_plusieurs(noms, duree=0.2):
    return [lancer_worker(nom, duree) for nom in noms]
