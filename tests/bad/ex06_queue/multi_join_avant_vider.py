"""Erreur : pipeline_multi joint les consommateurs avant de lire les n résultats : interblocage dès que n est grand."""

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
    """Un producteur, plusieurs consommateurs, une sentinelle par consommateur ; renvoie tous les résultats."""
    q_entree = multiprocessing.Queue()
    q_sortie = multiprocessing.Queue()
    p_prod = multiprocessing.Process(target=producteur, args=(q_entree, n))
    p_conss = [multiprocessing.Process(target=consommateur, args=(q_entree, q_sortie))
               for _ in range(consommateurs)]
    p_prod.start()
    for p in p_conss:
        p.start()

    p_prod.join()
    for _ in range(consommateurs - 1):
        q_entree.put(SENTINELLE)

    # Erreur : les consommateurs sont joints avant que q_sortie soit vidée.
    for p in p_conss:
        p.join()
    resultats = [q_sortie.get() for _ in range(n)]
    return resultats


if __name__ == '__main__':
    print("Un producteur, un consommateur :")
    for ligne in pipeline(5):
        print(ligne)

    print("Un producteur, trois consommateurs :")
    resultats = pipeline_multi(10, consommateurs=3)
    print(f"{len(resultats)} résultats : {sorted(resultats, key=lambda s: int(s.split()[-1]))}")
