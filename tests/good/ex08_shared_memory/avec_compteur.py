"""Variante correcte : with compteur: (le Value lui-même prend son verrou) au lieu de compteur.get_lock().

Exercice 8 — Mémoire partagée.
"""

import multiprocessing


def incrementer(compteur, n: int) -> None:
    """Ajoute 1 à compteur.value, n fois, sous le verrou du compteur."""
    for _ in range(n):
        with compteur:  # un Value synchronisé est aussi un gestionnaire de contexte : son verrou
            compteur.value += 1


def compteur_partage(n_processus: int = 4, increments: int = 10_000) -> int:
    """Lance n_processus processus qui incrémentent un Value partagé ; renvoie la valeur finale."""
    compteur = multiprocessing.Value('i', 0)  # un entier C partagé, initialisé à 0
    processus = [multiprocessing.Process(target=incrementer, args=(compteur, increments))
                 for _ in range(n_processus)]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return compteur.value


def remplir_carres(tableau, debut: int, fin: int) -> None:
    """Écrit tableau[i] = i * i pour debut <= i < fin."""
    for i in range(debut, fin):
        tableau[i] = i * i


def tableau_partage(taille: int, n_processus: int = 4) -> list[int]:
    """Remplit un Array partagé de `taille` carrés, découpé en n_processus tranches ; renvoie la liste."""
    tableau = multiprocessing.Array('i', taille)  # initialisé à 0
    # Bornes de tranches contiguës couvrant tout [0, taille), même si taille
    # n'est pas divisible par n_processus. Les tranches sont disjointes : aucun
    # élément n'est écrit par deux processus.
    bornes = [taille * k // n_processus for k in range(n_processus + 1)]
    processus = [multiprocessing.Process(target=remplir_carres,
                                         args=(tableau, bornes[k], bornes[k + 1]))
                 for k in range(n_processus)]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return list(tableau)


if __name__ == '__main__':
    print(f"Compteur partagé (4 × 10000) : {compteur_partage(4, 10_000)}")
    print(f"Tableau partagé : {tableau_partage(10, 3)}")
