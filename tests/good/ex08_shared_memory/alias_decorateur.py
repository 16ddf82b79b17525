"""Variante correcte : cibles par alias et arguments par défaut, décorateur avec wraps, finally.

Exercice 8 — Mémoire partagée. Les processus déjà attendus sont « terminés » dans un
finally (sans effet).
"""

import functools
import multiprocessing


def sans_erreur_silencieuse(fonction):
    """Décorateur : laisse passer les exceptions, garde le nom (functools.wraps)."""
    @functools.wraps(fonction)
    def enveloppe(*args, **kwargs):
        return fonction(*args, **kwargs)
    return enveloppe


@sans_erreur_silencieuse
def incrementer(compteur, n: int) -> None:
    """Ajoute 1 à compteur.value, n fois, sous le verrou du compteur."""
    for _ in range(n):
        with compteur.get_lock():
            compteur.value += 1


def remplir_carres(tableau, debut: int, fin: int) -> None:
    """Écrit tableau[i] = i * i pour debut <= i < fin."""
    tableau[debut:fin] = [i * i for i in range(debut, fin)]


REMPLIR = remplir_carres  # alias


def compteur_partage(n_processus: int = 4, increments: int = 10_000, cible=incrementer) -> int:
    """Lance n_processus processus `cible` (incrementer) sur un Value partagé ; renvoie la valeur."""
    compteur = multiprocessing.Value('i', 0)
    processus = [multiprocessing.Process(target=cible, args=(compteur, increments))
                 for _ in range(n_processus)]
    try:
        for p in processus:
            p.start()
        for p in processus:
            p.join()
    finally:
        for p in processus:
            p.terminate()  # déjà attendus : sans effet
    return compteur.value


def tableau_partage(taille: int, n_processus: int = 4) -> list[int]:
    """Remplit un Array partagé de `taille` carrés par n_processus processus (alias REMPLIR)."""
    tableau = multiprocessing.Array('i', taille)
    bornes = [taille * k // n_processus for k in range(n_processus + 1)]
    processus = [multiprocessing.Process(target=REMPLIR, args=(tableau, bornes[k], bornes[k + 1]))
                 for k in range(n_processus)]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return list(tableau)


if __name__ == '__main__':
    print(compteur_partage(2, 1000))
    print(tableau_partage(7, 2))
