"""Variante correcte : Process(target=..., kwargs=...), fonctions d'aide, tranches par divmod.

Exercice 8 — Mémoire partagée : Value, Array et Lock.
"""

import multiprocessing


def _lancer_et_attendre(processus):
    """Démarre tous les processus, puis les attend tous."""
    for p in processus:
        p.start()
    for p in processus:
        p.join()


def _tranches(taille, n):
    """Découpe [0, taille) en n tranches contiguës (les premières ont un élément de plus)."""
    quotient, reste = divmod(taille, n)
    debut = 0
    for k in range(n):
        fin = debut + quotient + (1 if k < reste else 0)
        yield debut, fin
        debut = fin


def incrementer(compteur, n: int) -> None:
    """Ajoute 1 à compteur.value, n fois, sous le verrou du compteur."""
    verrou = compteur.get_lock()
    for _ in range(n):
        with verrou:
            compteur.value = compteur.value + 1


def compteur_partage(n_processus: int = 4, increments: int = 10_000) -> int:
    """n_processus processus incrémentent un Value partagé ; renvoie la valeur finale."""
    compteur = multiprocessing.Value('i', 0)
    _lancer_et_attendre([multiprocessing.Process(target=incrementer,
                                                 kwargs={"compteur": compteur, "n": increments})
                         for _ in range(n_processus)])
    return compteur.value


def remplir_carres(tableau, debut: int, fin: int) -> None:
    """Écrit tableau[i] = i * i pour debut <= i < fin."""
    for i in range(debut, fin):
        tableau[i] = i ** 2


def tableau_partage(taille: int, n_processus: int = 4) -> list[int]:
    """Un Array partagé rempli par n_processus processus, une tranche chacun."""
    tableau = multiprocessing.Array('i', taille)
    _lancer_et_attendre([multiprocessing.Process(target=remplir_carres,
                                                 kwargs=dict(tableau=tableau, debut=d, fin=f))
                         for d, f in _tranches(taille, n_processus)])
    return tableau[:]


if __name__ == '__main__':
    print("Compteur :", compteur_partage(3, 5000))
    print("Tableau :", tableau_partage(11, 4))
