"""Erreur : les codes de sortie sont écrits en dur (0) au lieu de lire p.exitcode."""

import multiprocessing
import os
import time


def info_processus(titre: str) -> dict:
    print(titre)
    print('Nom du module:', __name__)
    print('ID du processus parent:', os.getppid())
    print('ID du processus:', os.getpid())
    print("-" * 20)
    return {"titre": titre, "module": __name__,
            "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom: str, duree: float = 0.2) -> None:
    info_processus(f'Fonction worker {nom}')
    print(f'Worker {nom}: Démarrage')
    time.sleep(duree)
    print(f'Worker {nom}: Fin')


def lancer_worker(nom: str, duree: float = 0.2) -> int:
    p = multiprocessing.Process(target=worker_function, args=(nom, duree))
    p.start()
    p.join()
    return 0


def lancer_plusieurs(noms: list[str], duree: float = 0.2) -> list[int]:
    processus = [multiprocessing.Process(target=worker_function, args=(nom, duree))
                 for nom in noms]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return [0] * len(noms)


if __name__ == '__main__':
    print(f"Code de sortie du worker : {lancer_worker('P1')}")
    print(f"Codes de sortie : {lancer_plusieurs(['A', 'B', 'C'])}")
