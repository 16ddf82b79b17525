"""Exercice 8 — Mémoire partagée : Value, Array et Lock.

Puisque les processus ne partagent pas la mémoire, ils ont besoin de
mécanismes spécifiques pour communiquer. La mémoire partagée (Value, Array)
permet de partager des données simples (comme un nombre ou un tableau de
nombres) sans avoir à les sérialiser.

- multiprocessing.Value('i', 0) : un entier partagé, lu et écrit par .value ;
- multiprocessing.Array('i', taille) : un tableau d'entiers partagé,
  initialisé à 0, indexé comme une liste.

L'accès doit être protégé par des verrous (Lock). `compteur.value += 1` n'est
pas atomique (lecture, addition, écriture) : deux processus qui le font en même
temps peuvent perdre des incréments. Un Value est fourni avec son propre
verrou : `with compteur.get_lock(): ...`.
"""

import multiprocessing


def incrementer(compteur, n: int) -> None:
    """Ajoute 1 à compteur.value, n fois, sans perdre d'incrément.

    Chaque incrément se fait sous le verrou du compteur :
    `with compteur.get_lock(): compteur.value += 1`.
    """
    # TODO : n fois, sous compteur.get_lock(), compteur.value += 1.
    raise NotImplementedError("À faire : incrementer")


def compteur_partage(n_processus: int = 4, increments: int = 10_000) -> int:
    """Fait incrémenter un compteur partagé par plusieurs processus.

    Créez un multiprocessing.Value('i', 0), lancez n_processus Process qui
    exécutent chacun incrementer(compteur, increments) : démarrez-les tous,
    puis attendez-les tous. Renvoie la valeur finale (n_processus * increments).
    """
    # TODO : Value('i', 0), n_processus Process(incrementer), start de tous, join de tous, renvoyer .value.
    raise NotImplementedError("À faire : compteur_partage")


def remplir_carres(tableau, debut: int, fin: int) -> None:
    """Écrit tableau[i] = i * i pour debut <= i < fin."""
    # TODO : pour i dans range(debut, fin), tableau[i] = i * i.
    raise NotImplementedError("À faire : remplir_carres")


def tableau_partage(taille: int, n_processus: int = 4) -> list[int]:
    """Remplit un tableau partagé avec plusieurs processus.

    Créez un multiprocessing.Array('i', taille), découpez [0, taille) en
    n_processus tranches contiguës qui couvrent tout le tableau (même si
    taille n'est pas divisible par n_processus) et lancez un Process par
    tranche, qui exécute remplir_carres(tableau, debut, fin). Démarrez-les
    tous, attendez-les tous, puis renvoyez list(tableau) :
    [0, 1, 4, 9, ...].
    """
    # TODO : Array('i', taille), une tranche [debut, fin) par processus, start, join, renvoyer list(tableau).
    raise NotImplementedError("À faire : tableau_partage")


if __name__ == '__main__':
    print(f"Compteur partagé (4 × 10000) : {compteur_partage(4, 10_000)}")
    print(f"Tableau partagé : {tableau_partage(10, 3)}")
