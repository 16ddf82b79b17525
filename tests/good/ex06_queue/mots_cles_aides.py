"""Variante correcte : Process(target=..., kwargs=...), fonctions d'aide, terminate() en finally.

Exercice 6 — Queue et sentinelle. Les processus déjà attendus sont « terminés » dans un
finally par prudence (sans effet), le consommateur utilise l'opérateur morse.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import Process, Queue

SENTINELLE = None


def _lancer(processus: list[Process]) -> None:
    """Démarre chaque processus."""
    for p in processus:
        p.start()


def _recevoir(q: Queue, n: int) -> list[str]:
    """Lit n résultats dans q (avant tout join : la file peut être pleine)."""
    return [q.get() for _ in range(n)]


def producteur(q, n: int) -> None:
    """Place f"item {i}" pour i de 0 à n - 1 dans q, puis une SENTINELLE."""
    for item in (f"item {i}" for i in range(n)):
        q.put(item)
    q.put(SENTINELLE)


def consommateur(q_entree, q_sortie) -> None:
    """Consomme jusqu'à la sentinelle (exclue), rien après."""
    while (item := q_entree.get()) is not SENTINELLE:
        q_sortie.put(f"Consommé : {item}")


def pipeline(n: int) -> list[str]:
    """Un producteur et un consommateur ; renvoie les n résultats dans l'ordre."""
    q_entree: Queue = multiprocessing.Queue()
    q_sortie: Queue = multiprocessing.Queue()
    processus = [Process(target=producteur, kwargs={"q": q_entree, "n": n}),
                 Process(target=consommateur, kwargs=dict(q_entree=q_entree, q_sortie=q_sortie))]
    try:
        _lancer(processus)
        resultats = _recevoir(q_sortie, n)
        for p in processus:
            p.join()
        return resultats
    finally:
        for p in processus:
            if p.exitcode is not None:
                p.terminate()  # déjà terminé : sans effet


def pipeline_multi(n: int, consommateurs: int = 3) -> list[str]:
    """Un producteur, `consommateurs` consommateurs, une sentinelle chacun."""
    q_entree: Queue = multiprocessing.Queue()
    q_sortie: Queue = multiprocessing.Queue()
    prod = Process(target=producteur, kwargs={"q": q_entree, "n": n})
    conss = [Process(target=consommateur, args=[q_entree, q_sortie]) for _ in range(consommateurs)]
    _lancer([prod, *conss])
    resultats = _recevoir(q_sortie, n)
    prod.join()
    for _ in range(consommateurs - 1):
        q_entree.put(SENTINELLE)
    for c in conss:
        c.join()
    return resultats


if __name__ == '__main__':
    for ligne in pipeline(4):
        print(">", ligne)
    print(len(pipeline_multi(12, 4)), "résultats")
