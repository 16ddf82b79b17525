"""Variante correcte : Pool pris d'un contexte (get_context("spawn").Pool), annotations, logging.

Exercice 2 — La garde if __name__ == "__main__":. Le contexte est créé au niveau du module
(ce qui ne lance aucun processus) ; le Pool, lui, n'est créé que dans main().
"""

import logging
import multiprocessing
from multiprocessing import get_context

journal = logging.getLogger("ex02")
contexte = get_context("spawn")


def double(x: int) -> int:
    """Renvoie le double de x."""
    return x * 2


def main() -> list[int]:
    """Crée un Pool de 2 workers (contexte spawn), affiche et renvoie les doubles de 0 à 4."""
    with contexte.Pool(2) as pool:
        resultats: list[int] = pool.map(double, range(5))
    journal.info("calcul terminé par %d workers", 2)
    print(resultats)
    return resultats


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    multiprocessing.freeze_support()
    main()
