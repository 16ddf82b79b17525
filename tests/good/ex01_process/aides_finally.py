"""Variante correcte : fonctions d'aide, ordre inversé, terminate() dans un finally après join.

Exercice 1 — La classe Process. Les fonctions sont définies dans un autre ordre que
dans l'énoncé ; par prudence, les processus déjà attendus sont « terminés » dans un
finally (sans effet : ils sont déjà finis).
"""

import os
import time
from multiprocessing import Process


def _demarrer_tous(processus):
    """Démarre chaque processus de la liste."""
    for p in processus:
        p.start()


def _attendre_tous(processus):
    """Attend chaque processus et renvoie leurs codes de sortie."""
    for p in processus:
        p.join()
    return [p.exitcode for p in processus]


def lancer_plusieurs(noms, duree=0.2):
    """Lance un processus par nom, tous en même temps, et renvoie leurs exitcodes dans l'ordre."""
    processus = [Process(target=worker_function, args=(nom, duree)) for nom in noms]
    try:
        _demarrer_tous(processus)
        return _attendre_tous(processus)
    finally:
        for p in processus:
            p.terminate()  # déjà terminés : ne fait rien


def lancer_worker(nom, duree=0.2):
    """Lance worker_function dans un nouveau processus, attend sa fin et renvoie son exitcode."""
    p = Process(target=worker_function, args=(nom, duree))
    try:
        p.start()
        p.join()
        return p.exitcode
    finally:
        p.terminate()


def worker_function(nom, duree=0.2):
    """Travail exécuté dans le processus enfant."""
    info_processus('Fonction worker ' + nom)
    print('Worker ' + nom + ': Démarrage')
    time.sleep(duree)
    print('Worker ' + nom + ': Fin')


def info_processus(titre):
    """Affiche le titre, le nom du module et les identifiants du processus."""
    ppid, pid = os.getppid(), os.getpid()
    print(titre)
    print('Nom du module: %s' % __name__)
    print('ID du processus parent: %d' % ppid)
    print('ID du processus: %d' % pid)
    print('-' * 20)
    return dict(titre=titre, module=__name__, ppid=ppid, pid=pid)


if __name__ == '__main__':
    info_processus('Fonction principale')
    print("Code de sortie du worker :", lancer_worker('P1'))
    print("Codes de sortie :", lancer_plusieurs(['A', 'B', 'C']))
