"""Erreur : double renvoie un float (2.0 * x) au lieu d'un int."""

import multiprocessing


def double(x: int) -> int:
    """Renvoie le double de x."""
    return 2.0 * x


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
