"""Variante correcte : acquire()/release() explicites, Value(ctypes.c_int), contexte spawn, ordre inversé.

Exercice 8 — Mémoire partagée : Value, Array et Lock.
"""

import ctypes
import multiprocessing

ctx = multiprocessing.get_context("spawn")


def tableau_partage(taille, n_processus=4):
    """Remplit un Array partagé de `taille` carrés, découpé en n_processus tranches."""
    tableau = ctx.Array(ctypes.c_int, [0] * taille)
    taille_tranche = -(-taille // n_processus) if n_processus else taille  # arrondi supérieur
    processus = []
    for k in range(n_processus):
        debut, fin = k * taille_tranche, min(taille, (k + 1) * taille_tranche)
        processus.append(ctx.Process(target=remplir_carres, args=(tableau, debut, fin)))
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return list(tableau)


def remplir_carres(tableau, debut, fin):
    """Écrit tableau[i] = i * i pour debut <= i < fin."""
    i = debut
    while i < fin:
        tableau[i] = i * i
        i += 1


def compteur_partage(n_processus=4, increments=10_000):
    """Lance n_processus processus qui incrémentent un Value partagé ; renvoie la valeur finale."""
    compteur = ctx.Value(ctypes.c_int, 0, lock=True)
    processus = [ctx.Process(target=incrementer, args=(compteur, increments))
                 for _ in range(n_processus)]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return compteur.value


def incrementer(compteur, n):
    """Ajoute 1 à compteur.value, n fois, verrou pris et rendu explicitement."""
    verrou = compteur.get_lock()
    for _ in range(n):
        verrou.acquire()
        try:
            compteur.value += 1
        finally:
            verrou.release()


if __name__ == '__main__':
    print(compteur_partage())
    print(tableau_partage(10, 3))
