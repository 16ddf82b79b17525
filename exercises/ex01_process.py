"""Exercice 1 — La classe Process.

La classe multiprocessing.Process est l'équivalent de threading.Thread : elle
permet de lancer une fonction dans un nouveau processus. Chaque processus a son
propre interpréteur Python, sa propre mémoire et son propre GIL ; ils peuvent
donc s'exécuter en véritable parallèle sur plusieurs cœurs de CPU.

Le schéma à connaître :

    p = multiprocessing.Process(target=fonction, args=(argument,))
    p.start()   # démarre le processus enfant
    p.join()    # attend que le processus enfant se termine

Complétez les quatre fonctions ci-dessous (remplacez chaque
`raise NotImplementedError`). Le code qui crée des processus doit rester
protégé par `if __name__ == '__main__':`.
"""

import multiprocessing
import os
import time


def info_processus(titre: str) -> dict:
    """Affiche des informations sur le processus courant, puis les renvoie.

    Affiche, une par ligne, exactement comme dans le cours :
      - le titre ;
      - 'Nom du module:' suivi de __name__ ;
      - 'ID du processus parent:' suivi de os.getppid() (ID du processus parent) ;
      - 'ID du processus:' suivi de os.getpid() (ID du processus courant) ;
      - une ligne de 20 tirets ("-" * 20).

    Renvoie le dictionnaire
    {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}.
    """
    # TODO : cinq print() comme dans le cours, puis renvoyer le dictionnaire.
    raise NotImplementedError("À faire : info_processus")


def worker_function(nom: str, duree: float = 0.2) -> None:
    """Le travail exécuté par le processus enfant.

    Appelle info_processus(f'Fonction worker {nom}'), affiche
    f'Worker {nom}: Démarrage', attend `duree` secondes (time.sleep),
    puis affiche f'Worker {nom}: Fin'. Ne renvoie rien.
    """
    # TODO : appeler info_processus, afficher le démarrage, dormir, afficher la fin.
    raise NotImplementedError("À faire : worker_function")


def lancer_worker(nom: str, duree: float = 0.2) -> int:
    """Lance worker_function dans un nouveau processus et attend sa fin.

    Crée un objet multiprocessing.Process (target=worker_function,
    args=(nom, duree)), le démarre avec start(), attend qu'il se termine avec
    join(), puis renvoie son code de sortie (p.exitcode, 0 si tout s'est bien
    passé).
    """
    # TODO : créer le Process, start(), join(), renvoyer p.exitcode.
    raise NotImplementedError("À faire : lancer_worker")


def lancer_plusieurs(noms: list[str], duree: float = 0.2) -> list[int]:
    """Lance un processus par nom pour qu'ils s'exécutent en même temps.

    Crée un Process exécutant worker_function(nom, duree) pour chaque nom.
    Démarrez-les TOUS avant d'en attendre un seul (sinon ils s'exécutent l'un
    après l'autre), puis attendez la fin de chacun avec join().

    Renvoie la liste des codes de sortie, dans l'ordre de `noms`
    (une liste vide si `noms` est vide).
    """
    # TODO : créer les processus, tous les start(), puis tous les join(), renvoyer les exitcodes.
    raise NotImplementedError("À faire : lancer_plusieurs")


if __name__ == '__main__':
    info_processus('Fonction principale')

    print("Processus principal attend la fin du worker...")
    code = lancer_worker('P1')
    print("Processus worker terminé.")
    print(f"Code de sortie du worker : {code}")

    print("Lancement de trois workers en parallèle...")
    codes = lancer_plusieurs(['A', 'B', 'C'])
    print("Tous les workers sont terminés.")
    print(f"Codes de sortie : {codes}")
