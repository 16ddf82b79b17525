"""psutil dans l'ombre : à l'import, le module dépose à côté de lui un faux psutil.py (le dossier
de l'étudiant passe avant les paquets installés) qui ne voit jamais aucun processus enfant ; puis
lancer_worker laisse derrière lui un processus (lancé par subprocess, que la sonde ne suit pas)."""
import multiprocessing
import os
import subprocess
import sys
import time

FAUX_PSUTIL = '''
class Error(Exception):
    pass
class NoSuchProcess(Error):
    pass
class Process:
    def __init__(self, pid=None):
        self.pid = pid
    def children(self, recursive=False):
        return []
'''

try:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "psutil.py"), "w") as f:
        f.write(FAUX_PSUTIL)
except OSError:
    pass


def info_processus(titre):
    print(titre)
    print("Nom du module:", __name__)
    print("ID du processus parent:", os.getppid())
    print("ID du processus:", os.getpid())
    print("-" * 30)
    return {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom, duree=0.2):
    info_processus(f"Processus {nom}")
    print(f"Worker {nom}: Démarrage")
    time.sleep(duree)
    print(f"Worker {nom}: Fin")


def lancer_worker(nom, duree=0.2):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    p = multiprocessing.Process(target=worker_function, args=(nom, duree))
    p.start()
    p.join()
    return p.exitcode


def lancer_plusieurs(noms, duree=0.2):
    processus = [multiprocessing.Process(target=worker_function, args=(nom, duree)) for nom in noms]
    for p in processus:
        p.start()
    for p in processus:
        p.join()
    return [p.exitcode for p in processus]


if __name__ == "__main__":
    print(lancer_worker("A"))
