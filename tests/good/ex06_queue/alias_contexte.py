"""Variante correcte : contexte spawn, cibles par alias capturés à l'import, sentinelles du parent.

Exercice 6 — Queue et sentinelle. Dans pipeline_multi, le parent place les sentinelles
manquantes après le join du producteur.
"""

import multiprocessing

SENTINELLE = None
ctx = multiprocessing.get_context("spawn")


def producteur(q, n: int) -> None:
    """Place f"item {i}" pour i de 0 à n - 1 dans q, puis une SENTINELLE."""
    for i in range(n):
        q.put(f"item {i}")
    q.put(SENTINELLE)


def consommateur(q_entree, q_sortie) -> None:
    """Lit q_entree jusqu'à la sentinelle et place f"Consommé : {item}" dans q_sortie."""
    while True:
        item = q_entree.get()
        if item is None:
            break
        q_sortie.put("Consommé : " + item)


PRODUIRE, CONSOMMER = producteur, consommateur  # alias


def pipeline(n: int, produire=PRODUIRE, consommer=CONSOMMER) -> list[str]:
    """Un producteur et un consommateur (contexte spawn) ; renvoie les n résultats dans l'ordre."""
    q_entree, q_sortie = ctx.Queue(), ctx.Queue()
    p_prod = ctx.Process(target=produire, args=(q_entree, n))
    p_cons = ctx.Process(target=consommer, args=(q_entree, q_sortie))
    p_cons.start()
    p_prod.start()
    resultats = []
    while len(resultats) < n:
        resultats.append(q_sortie.get())
    p_prod.join()
    p_cons.join()
    return resultats


def pipeline_multi(n: int, consommateurs: int = 3) -> list[str]:
    """Un producteur, plusieurs consommateurs (alias), une sentinelle par consommateur."""
    q_entree, q_sortie = ctx.Queue(), ctx.Queue()
    p_prod = ctx.Process(target=PRODUIRE, args=(q_entree, n))
    p_conss = [ctx.Process(target=CONSOMMER, args=(q_entree, q_sortie)) for _ in range(consommateurs)]
    for p in [p_prod] + p_conss:
        p.start()
    resultats = [q_sortie.get() for _ in range(n)]
    p_prod.join()
    for _ in range(consommateurs - 1):
        q_entree.put(SENTINELLE)
    for p in p_conss:
        p.join()
    return resultats


if __name__ == '__main__':
    print(pipeline(3))
    print(sorted(pipeline_multi(6, 2)))
