"""Erreur : la garde compare __name__ à "main" : la démonstration ne tourne jamais."""

import multiprocessing
import os
import time


def info_processus(titre: str) -> dict:
    """Affiche le titre, le nom du module et les identifiants du processus.

    Renvoie un dictionnaire {"titre", "module", "ppid", "pid"}.
    """
    print(titre)
    print('Nom du module:', __name__)
    # os.getppid() : ID du processus parent
    print('ID du processus parent:', os.getppid())
    # os.getpid() : ID du processus courant
    print('ID du processus:', os.getpid())
    print("-" * 20)
    return {"titre": titre, "module": __name__,
            "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom: str, duree: float = 0.2) -> None:
    """Travail exécuté dans le processus enfant : s'identifie, dort `duree` secondes."""
    info_processus(f'Fonction worker {nom}')
    print(f'Worker {nom}: Démarrage')
    time.sleep(duree)
    print(f'Worker {nom}: Fin')


def lancer_worker(nom: str, duree: float = 0.2) -> int:
    """Lance worker_function dans un nouveau processus, attend sa fin et renvoie son exitcode."""
    # Crée un objet Process
    p = multiprocessing.Process(target=worker_function, args=(nom, duree))
    # Démarre le processus enfant
    p.start()
    # Attend que le processus enfant se termine
    p.join()
    return p.exitcode


def lancer_plusieurs(noms: list[str], duree: float = 0.2) -> list[int]:
    """Lance un processus par nom, tous en même temps, et renvoie leurs exitcodes dans l'ordre."""
    processus = [multiprocessing.Process(target=worker_function, args=(nom, duree))
                 for nom in noms]
    # On démarre TOUS les processus avant d'en attendre un seul :
    # ils s'exécutent ainsi en parallèle.
    for p in processus:
        p.start()
    # Puis on attend la fin de chacun (join).
    for p in processus:
        p.join()
    return [p.exitcode for p in processus]


if __name__ == 'main':
    info_processus('Fonction principale')

    print("Processus principal attend la fin du worker...")
    code = lancer_worker('P1')
    print("Processus worker terminé.")
    print(f"Code de sortie du worker : {code}")

    print("Lancement de trois workers en parallèle...")
    codes = lancer_plusieurs(['A', 'B', 'C'])
    print("Tous les workers sont terminés.")
    print(f"Codes de sortie : {codes}")
