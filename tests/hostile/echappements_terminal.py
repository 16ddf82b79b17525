"""Séquences d'échappement : main() efface l'écran du terminal de l'enseignant et y dessine un faux
résumé parfait (en vert, en haut de l'écran), puis plante, pour que ses dernières lignes soient
citées sous la vérification ; le message de son exception en contient aussi."""
from multiprocessing import Pool

FAUX = "\x1b[2J\x1b[H\x1b[32m  Total                      20 / 20   \u2714 12\x1b[0m\x1b[8m"


def double(x):
    return 2 * x


def main():
    print(FAUX)
    print("\x1b]0;titre de la fenêtre remplacé\x07\x1b[1A\x1b[2K", end="")
    raise RuntimeError(FAUX)


if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(double, range(5)))
