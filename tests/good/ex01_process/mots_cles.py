"""Variante correcte : Process(target=..., kwargs=...), args en liste, annotations de type.

Exercice 1 — La classe Process. Les arguments du worker sont passés par mots-clés
(kwargs) ou sous forme de liste, au lieu d'un tuple positionnel.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any


def info_processus(titre: str) -> dict[str, Any]:
    """Affiche le titre, le nom du module et les identifiants du processus."""
    infos: dict[str, Any] = {"titre": titre, "module": __name__,
                             "ppid": os.getppid(), "pid": os.getpid()}
    print(infos["titre"])
    print('Nom du module:', infos["module"])
    print('ID du processus parent:', infos["ppid"])
    print('ID du processus:', infos["pid"])
    print("-" * 20)
    return infos


def worker_function(nom: str, duree: float = 0.2) -> None:
    """Travail du processus enfant : s'identifie, dort `duree` secondes."""
    info_processus(f'Fonction worker {nom}')
    print(f'Worker {nom}: Démarrage')
    time.sleep(duree)
    print(f'Worker {nom}: Fin')


def lancer_worker(nom: str, duree: float = 0.2) -> int:
    """Lance worker_function (arguments par mots-clés), attend sa fin, renvoie son exitcode."""
    p = multiprocessing.Process(target=worker_function, kwargs={"nom": nom, "duree": duree})
    p.start()
    p.join()
    return p.exitcode


def lancer_plusieurs(noms: list[str], duree: float = 0.2) -> list[int]:
    """Un processus par nom (args en liste), tous démarrés avant le premier join."""
    processus: list[multiprocessing.Process] = []
    for nom in noms:
        p = multiprocessing.Process(target=worker_function, args=[nom, duree], name=f"worker-{nom}")
        processus.append(p)
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    codes: list[int] = [p.exitcode for p in processus]
    return codes


if __name__ == '__main__':
    info_processus('Fonction principale')
    print(f"Code de sortie du worker : {lancer_worker(nom='P1', duree=0.1)}")
    print(f"Codes de sortie : {lancer_plusieurs(noms=['A', 'B', 'C'], duree=0.1)}")
