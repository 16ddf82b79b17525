"""Variante correcte : la tâche passée par un alias et un functools.partial, print formaté.

Exercice 2 — La garde if __name__ == "__main__":. `fois_deux` est un alias de `double`
défini à l'import, et le Pool reçoit un functools.partial de cet alias.
"""

import functools
from multiprocessing import Pool


def double(x: int) -> int:
    """Renvoie le double de x."""
    return 2 * x


fois_deux = double  # alias défini au niveau du module


def main() -> list[int]:
    """Crée un Pool de 2 workers, calcule le double de 0 à 4, affiche et renvoie la liste."""
    tache = functools.partial(fois_deux)
    with Pool(2) as pool:
        resultats = pool.map(tache, range(5))
    print(resultats)
    return resultats


if __name__ == "__main__":
    main()
