"""Exercice 6 — Queue et sentinelle (une autre solution correcte, écrite sans voir la référence)."""

from multiprocessing import Process, Queue

SENTINELLE = None


def producteur(q, n: int) -> None:
    """Produit n éléments puis la sentinelle."""
    i = 0
    while i < n:
        q.put("item " + str(i))
        i += 1
    q.put(SENTINELLE)


def consommateur(q_entree, q_sortie) -> None:
    """Transforme chaque élément jusqu'à la sentinelle."""
    for element in iter(q_entree.get, SENTINELLE):
        q_sortie.put("Consommé : " + element)


def _lancer(*processus):
    for un in processus:
        un.start()


def pipeline(n: int) -> list[str]:
    """Producteur -> consommateur, résultats lus avant les join."""
    entree, sortie = Queue(), Queue()
    travailleurs = (Process(target=producteur, args=(entree, n)),
                    Process(target=consommateur, args=(entree, sortie)))
    _lancer(*travailleurs)
    lus = []
    while len(lus) < n:
        lus.append(sortie.get())
    for t in travailleurs:
        t.join()
    return lus


def pipeline_multi(n: int, consommateurs: int = 3) -> list[str]:
    """Un producteur, plusieurs consommateurs ; une sentinelle de plus par consommateur en trop."""
    entree, sortie = Queue(), Queue()
    prod = Process(target=producteur, args=(entree, n))
    conso = []
    for _ in range(consommateurs):
        conso.append(Process(target=consommateur, args=(entree, sortie)))
    _lancer(prod, *conso)
    lus = [sortie.get() for _ in range(n)]
    prod.join()
    entree_restantes = consommateurs - 1
    while entree_restantes:
        entree.put(SENTINELLE)
        entree_restantes -= 1
    for c in conso:
        c.join()
    return lus


if __name__ == "__main__":
    print(pipeline(5))
    print(sorted(pipeline_multi(10)))
