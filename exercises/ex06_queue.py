"""Exercice 6 — Communication entre processus : Queue et sentinelle.

Puisque les processus ne partagent pas la mémoire, ils ont besoin de
mécanismes spécifiques pour communiquer.

multiprocessing.Queue est une file d'attente thread-safe et process-safe. Les
objets qui y sont placés sont sérialisés (pickled). La Queue doit être créée
avant les processus, puis passée en argument à chacun.

Le producteur signale la fin du travail en plaçant une valeur spéciale, la
sentinelle (ici None), dans la file : le consommateur lit les éléments avec
q.get() jusqu'à recevoir la sentinelle, puis s'arrête. Avec plusieurs
consommateurs, il faut une sentinelle par consommateur.

Attention : un processus qui a placé des données dans une Queue ne se termine
qu'une fois ces données transmises. Récupérez donc les résultats AVANT
d'attendre les processus avec join(), sinon le programme peut se bloquer quand
il y a beaucoup de données.
"""

import multiprocessing

SENTINELLE = None


def producteur(q, n: int) -> None:
    """Envoie n éléments dans la file, puis le signal de fin.

    Place f"item {i}" dans q pour i de 0 à n - 1 (q.put), puis une seule
    SENTINELLE.
    """
    # TODO : q.put(f"item {i}") pour chaque i de range(n), puis q.put(SENTINELLE).
    raise NotImplementedError("À faire : producteur")


def consommateur(q_entree, q_sortie) -> None:
    """Consomme les éléments de q_entree jusqu'à la sentinelle.

    Dans une boucle, lit un élément avec q_entree.get() ; si c'est la
    SENTINELLE (`item is SENTINELLE`), la fonction se termine sans rien lire
    de plus ; sinon elle place f"Consommé : {item}" dans q_sortie.
    """
    # TODO : boucle q_entree.get() ; s'arrêter sur la SENTINELLE, sinon q_sortie.put(f"Consommé : {item}").
    raise NotImplementedError("À faire : consommateur")


def pipeline(n: int) -> list[str]:
    """Relie un producteur et un consommateur par une Queue.

    Créez deux multiprocessing.Queue (q_entree, q_sortie), un Process qui
    exécute producteur(q_entree, n) et un Process qui exécute
    consommateur(q_entree, q_sortie). Démarrez-les, récupérez les n résultats
    avec q_sortie.get() AVANT les join, puis attendez les deux processus.
    Renvoie les n résultats dans l'ordre : ["Consommé : item 0", ...].
    """
    # TODO : deux Queue, deux Process, start, n fois q_sortie.get(), puis join des deux.
    raise NotImplementedError("À faire : pipeline")


def pipeline_multi(n: int, consommateurs: int = 3) -> list[str]:
    """Un producteur, plusieurs consommateurs.

    Comme pipeline, mais avec `consommateurs` processus qui exécutent chacun
    consommateur(q_entree, q_sortie). Chaque consommateur s'arrête à la
    première sentinelle qu'il lit : il faut donc UNE SENTINELLE PAR
    CONSOMMATEUR, placée après le dernier élément. Chaque consommateur doit se
    terminer de lui-même (pas de terminate()). Récupérez les n résultats
    avant les join. Renvoie tous les résultats (dans n'importe quel ordre).
    """
    # TODO : un producteur, `consommateurs` consommateurs, une sentinelle chacun, n résultats, puis les join.
    raise NotImplementedError("À faire : pipeline_multi")


if __name__ == '__main__':
    print("Un producteur, un consommateur :")
    for ligne in pipeline(5):
        print(ligne)

    print("Un producteur, trois consommateurs :")
    resultats = pipeline_multi(10, consommateurs=3)
    print(f"{len(resultats)} résultats : {sorted(resultats, key=lambda s: int(s.split()[-1]))}")
