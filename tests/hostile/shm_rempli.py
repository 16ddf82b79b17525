"""/dev/shm rempli : carres_paralleles est correct, mais laisse derrière lui des fichiers dans
/dev/shm (la mémoire partagée de la machine, qui survit aux processus et échappe au chien de garde)
et dans le dossier temporaire ; il calcule en séquence."""
import os
import tempfile
import time

DUREE = 0.1
JETON = os.environ.get("GRADER_TEST_TOKEN", "x")


def carre(x):
    time.sleep(DUREE)
    return x * x


def _remplir():
    for dossier in ("/dev/shm", tempfile.gettempdir()):
        for i in range(3):
            try:
                with open(os.path.join(dossier, f"plein-{JETON}-{os.getpid()}-{i}"), "wb") as f:
                    f.write(b"\0" * (4 * 1024 * 1024))
            except OSError:
                pass


def carres_paralleles(nombres, processes=4):
    _remplir()
    return [carre(x) for x in nombres]


def carres_sequentiels(nombres):
    return [carre(x) for x in nombres]


if __name__ == "__main__":
    print(carres_paralleles(range(8)))
