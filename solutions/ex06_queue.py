"""Exercice 6 — Communication entre processus : Queue et sentinelle (solution de référence).

Puisque les processus ne partagent pas la mémoire, ils ont besoin de
mécanismes spécifiques pour communiquer. multiprocessing.Queue est une file
d'attente thread-safe et process-safe ; les objets qui y sont placés sont
sérialisés (pickled).

Le producteur signale la fin du travail en plaçant une valeur spéciale, la
sentinelle (None), dans la file : le consommateur s'arrête quand il la reçoit.
"""

import multiprocessing

SENTINELLE = None


def producteur(q, n: int) -> None:
    """Place f"item {i}" pour i de 0 à n - 1 dans q, puis une SENTINELLE (signal de fin)."""
    for i in range(n):
        q.put(f"item {i}")
    q.put(SENTINELLE)  # Signal de fin


def consommateur(q_entree, q_sortie) -> None:
    """Lit q_entree jusqu'à la sentinelle et place f"Consommé : {item}" dans q_sortie."""
    while True:
        item = q_entree.get()
        if item is SENTINELLE:  # Fin du travail : on ne lit plus rien ensuite.
            return
        q_sortie.put(f"Consommé : {item}")


def pipeline(n: int) -> list[str]:
    """Un producteur et un consommateur reliés par une Queue ; renvoie les n résultats dans l'ordre."""
    # Les Queue doivent être créées avant les processus.
    q_entree = multiprocessing.Queue()
    q_sortie = multiprocessing.Queue()
    p_prod = multiprocessing.Process(target=producteur, args=(q_entree, n))
    p_cons = multiprocessing.Process(target=consommateur, args=(q_entree, q_sortie))
    p_prod.start()
    p_cons.start()

    # On récupère les n résultats AVANT les join : un processus qui a placé des
    # données dans une Queue ne se termine qu'une fois ces données passées dans
    # le tube sous-jacent. Si n est grand, le tube est plein ; attendre (join)
    # le consommateur sans vider q_sortie provoquerait un interblocage.
    resultats = [q_sortie.get() for _ in range(n)]

    p_prod.join()
    p_cons.join()
    return resultats


def pipeline_multi(n: int, consommateurs: int = 3) -> list[str]:
    """Un producteur, plusieurs consommateurs, une sentinelle par consommateur ; renvoie tous les
    résultats."""
    q_entree = multiprocessing.Queue()
    q_sortie = multiprocessing.Queue()
    p_prod = multiprocessing.Process(target=producteur, args=(q_entree, n))
    p_conss = [multiprocessing.Process(target=consommateur, args=(q_entree, q_sortie))
               for _ in range(consommateurs)]
    p_prod.start()
    for p in p_conss:
        p.start()

    # Vider q_sortie avant tout join (voir pipeline). Une fois les n résultats
    # reçus, tous les items ont été consommés.
    resultats = [q_sortie.get() for _ in range(n)]

    # Chaque consommateur s'arrête à la première sentinelle qu'il lit : il en
    # faut donc une par consommateur. producteur n'en place qu'une ; le
    # processus principal ajoute les autres. Il ne le fait qu'après le join du
    # producteur : toutes ses données sont alors dans la file, et les
    # sentinelles ajoutées arrivent forcément APRÈS le dernier item (placées
    # trop tôt, elles arrêteraient des consommateurs avant la fin du travail).
    p_prod.join()
    for _ in range(consommateurs - 1):
        q_entree.put(SENTINELLE)

    # Chaque consommateur se termine de lui-même sur sa sentinelle.
    for p in p_conss:
        p.join()
    return resultats


if __name__ == '__main__':
    print("Un producteur, un consommateur :")
    for ligne in pipeline(5):
        print(ligne)

    print("Un producteur, trois consommateurs :")
    resultats = pipeline_multi(10, consommateurs=3)
    print(f"{len(resultats)} résultats : {sorted(resultats, key=lambda s: int(s.split()[-1]))}")
