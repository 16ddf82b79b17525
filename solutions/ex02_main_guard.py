"""Exercice 2 — L'importance de if __name__ == '__main__': (solution de référence).

Lorsque vous créez un nouveau processus, celui-ci importe votre script. Si le
code de création des processus n'était pas protégé par ce bloc, chaque
processus enfant essaierait de créer ses propres processus enfants, menant à
une boucle infinie de création de processus.

Ce bloc garantit que le code de création des processus n'est exécuté que par
le script principal, et non par les processus enfants importés. C'est
obligatoire sur Windows et macOS (avec le mode "spawn"), et une très bonne
pratique sur Linux.
"""

import multiprocessing


def double(x: int) -> int:
    """Renvoie le double de x."""
    return 2 * x


def main() -> list[int]:
    """Crée un Pool de 2 workers, calcule le double de 0 à 4, affiche et renvoie la liste."""
    # Le Pool est créé DANS une fonction, jamais au niveau du module :
    # importer ce fichier ne lance donc aucun processus.
    with multiprocessing.Pool(2) as pool:
        resultats = pool.map(double, range(5))
    print(resultats)
    return resultats


# Seul le script principal exécute main() ; les processus enfants, qui
# importent ce fichier, ne font que définir les fonctions.
if __name__ == "__main__":
    main()
