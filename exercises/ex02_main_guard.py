"""Exercice 2 — L'importance de if __name__ == '__main__':

Lorsque vous créez un nouveau processus, celui-ci importe votre script. Si le
code de création des processus n'était pas protégé par ce bloc, chaque
processus enfant essaierait de créer ses propres processus enfants, menant à
une boucle infinie de création de processus.

Ce bloc garantit que le code de création des processus n'est exécuté que par
le script principal, et non par les processus enfants importés. C'est
obligatoire sur Windows et macOS (avec le mode "spawn"), et une très bonne
pratique sur Linux.

Ce fichier contient volontairement ce BUG : un Pool est créé au niveau du
module, en dehors de toute fonction et sans protection. Avec le mode "spawn",
chaque worker importe ce fichier et tente à son tour de créer un Pool ; et le
simple fait d'importer le fichier lance des processus et affiche du texte.

À faire :
  1. compléter double() et main() ;
  2. déplacer la création du Pool dans main(), avec un bloc `with` ;
  3. supprimer le code du niveau du module et protéger l'appel à main()
     par `if __name__ == "__main__":`.
Une fois corrigé, importer ce fichier ne doit rien afficher ni lancer aucun
processus, et `python ex02_main_guard.py` doit afficher [0, 2, 4, 6, 8].
"""

import multiprocessing


def double(x: int) -> int:
    """Renvoie le double de x (par exemple double(3) renvoie 6)."""
    # TODO : renvoyer 2 * x.
    raise NotImplementedError("À faire : double")


# BUG (à corriger) : ce Pool est créé au niveau du module, donc à chaque
# import du fichier, y compris par les processus enfants en mode "spawn".
# TODO : déplacer ces lignes dans main() (avec `with`), puis les supprimer d'ici.
pool = multiprocessing.Pool(2)   # BUG (à corriger) : Pool hors de toute fonction et non protégé
print(pool.map(double, range(5)))


def main() -> list[int]:
    """Calcule le double des nombres de 0 à 4 avec un Pool de 2 workers.

    Utilisez `with multiprocessing.Pool(2) as pool:` et
    `pool.map(double, range(5))`, affichez la liste obtenue avec print(),
    puis renvoyez-la ([0, 2, 4, 6, 8]).
    """
    # TODO : créer le Pool ici avec `with`, appeler pool.map(double, range(5)), afficher et renvoyer
    # le résultat.
    raise NotImplementedError("À faire : main")


if __name__ == "__main__":
    main()
