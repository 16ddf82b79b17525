"""Variante correcte : le producteur ferme sa file (q.close(), q.join_thread()) après la sentinelle.

Exercice 6 — Queue et sentinelle. Le consommateur lit avec iter(q.get, SENTINELLE).
"""

import multiprocessing

SENTINELLE = None


def producteur(q, n):
    """Place les n items puis la SENTINELLE, et ferme la file de ce côté (plus rien à envoyer)."""
    for i in range(n):
        q.put("item %d" % i)
    q.put(SENTINELLE)
    q.close()
    q.join_thread()  # attend que tout soit passé dans le tube


def consommateur(q_entree, q_sortie):
    """Lit q_entree jusqu'à la sentinelle et place f"Consommé : {item}" dans q_sortie."""
    for item in iter(q_entree.get, SENTINELLE):
        q_sortie.put(f"Consommé : {item}")


def pipeline(n):
    """Un producteur et un consommateur reliés par une Queue ; renvoie les n résultats dans l'ordre."""
    entree, sortie = multiprocessing.Queue(), multiprocessing.Queue()
    processus = [multiprocessing.Process(target=producteur, args=(entree, n)),
                 multiprocessing.Process(target=consommateur, args=(entree, sortie))]
    for p in processus:
        p.start()
    resultats = [sortie.get() for _ in range(n)]
    for p in processus:
        p.join()
    return resultats


def pipeline_multi(n, consommateurs=3):
    """Un producteur, plusieurs consommateurs, une sentinelle par consommateur."""
    entree, sortie = multiprocessing.Queue(), multiprocessing.Queue()
    prod = multiprocessing.Process(target=producteur, args=(entree, n))
    conss = [multiprocessing.Process(target=consommateur, args=(entree, sortie))
             for _ in range(consommateurs)]
    prod.start()
    for c in conss:
        c.start()
    resultats = [sortie.get() for _ in range(n)]
    prod.join()
    for _ in range(consommateurs - 1):
        entree.put(SENTINELLE)
    for c in conss:
        c.join()
    return resultats


if __name__ == '__main__':
    print(pipeline(5))
    print(sorted(pipeline_multi(9, 3)))
