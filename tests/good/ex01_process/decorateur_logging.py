"""Variante correcte : décorateurs (avec et sans functools.wraps), logging, contexte spawn.

Exercice 1 — La classe Process. worker_function est décorée avec functools.wraps (elle
doit rester sérialisable sous spawn) ; lancer_plusieurs est chronométrée par un décorateur
sans wraps. Les messages de suivi passent par logging (sur la sortie d'erreur).
"""

import functools
import logging
import multiprocessing
import os
import time

journal = logging.getLogger(__name__)
CONTEXTE = multiprocessing.get_context("spawn")


def trace(fonction):
    """Journalise l'entrée et la sortie de `fonction` (garde son nom grâce à wraps)."""
    @functools.wraps(fonction)
    def enveloppe(*args, **kwargs):
        journal.debug("début de %s", fonction.__name__)
        resultat = fonction(*args, **kwargs)
        journal.debug("fin de %s", fonction.__name__)
        return resultat
    return enveloppe


def chronometre(fonction):
    """Affiche dans le journal la durée de `fonction` (sans functools.wraps)."""
    def enveloppe(*args, **kwargs):
        debut = time.perf_counter()
        try:
            return fonction(*args, **kwargs)
        finally:
            journal.info("%s : %.2f s", fonction.__name__, time.perf_counter() - debut)
    return enveloppe


def info_processus(titre: str) -> dict:
    """Affiche le titre, le nom du module et les identifiants du processus."""
    print(titre)
    print('Nom du module:', __name__)
    print('ID du processus parent:', os.getppid())
    print('ID du processus:', os.getpid())
    print("-" * 20)
    return {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}


@trace
def worker_function(nom: str, duree: float = 0.2) -> None:
    """Travail exécuté dans le processus enfant : s'identifie, dort `duree` secondes."""
    info_processus(f'Fonction worker {nom}')
    print(f'Worker {nom}: Démarrage')
    time.sleep(duree)
    print(f'Worker {nom}: Fin')


def lancer_worker(nom: str, duree: float = 0.2) -> int:
    """Lance worker_function dans un processus du contexte spawn et renvoie son exitcode."""
    p = CONTEXTE.Process(target=worker_function, args=(nom, duree))
    p.start()
    p.join()
    journal.info("worker %s terminé avec le code %s", nom, p.exitcode)
    return p.exitcode


@chronometre
def lancer_plusieurs(noms: list[str], duree: float = 0.2) -> list[int]:
    """Lance un processus par nom, tous en même temps, et renvoie leurs exitcodes dans l'ordre."""
    processus = [CONTEXTE.Process(target=worker_function, args=(nom, duree)) for nom in noms]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return [p.exitcode for p in processus]


if __name__ == '__main__':
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    info_processus('Fonction principale')
    print(f"Code de sortie du worker : {lancer_worker('P1')}")
    print(f"Codes de sortie : {lancer_plusieurs(['A', 'B', 'C'])}")
