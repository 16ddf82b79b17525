"""Variante correcte : Pool fermé par close()/join() explicites, main() définie avant double().

Exercice 2 — La garde if __name__ == "__main__":. Sans gestionnaire de contexte : le Pool
est fermé puis attendu dans un finally.
"""

import multiprocessing


def main():
    """Crée un Pool de 2 workers, calcule le double de 0 à 4, affiche et renvoie la liste."""
    pool = multiprocessing.Pool(processes=2)
    try:
        resultats = pool.map(double, list(range(5)))
    finally:
        pool.close()
        pool.join()
    print(resultats)
    return resultats


def double(x):
    """Renvoie le double de x."""
    return x + x


if __name__ == "__main__":
    main()
