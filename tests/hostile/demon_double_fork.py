"""Démon : lancer_worker fait un double fork avec setsid (deux fois), puis le démon remplace son
programme par un autre avec un environnement vide, pour qu'on ne le reconnaisse plus. Il garde
seulement, dans sa ligne de commande, le jeton que les tests du correcteur cherchent. Le reste de
lancer_worker est correct."""
import multiprocessing
import os
import sys
import time

MARQUE = "mpgrade-hostile-daemon"


def info_processus(titre):
    print(titre)
    return {"titre": titre, "module": __name__, "ppid": os.getppid(), "pid": os.getpid()}


def worker_function(nom, duree=0.2):
    info_processus(f"Processus {nom}")
    print(f"Worker {nom}: Démarrage")
    time.sleep(duree)
    print(f"Worker {nom}: Fin")


def _demon():
    if os.fork() != 0:
        return
    os.setsid()
    if os.fork() != 0:
        os._exit(0)  # le parent intermédiaire meurt : le démon est orphelin
    os.setsid()  # deuxième session (il n'en était pas le chef : l'appel réussit)
    jeton = os.environ.get("GRADER_TEST_TOKEN", "")
    os.execve(sys.executable, [sys.executable, "-c", "import time; time.sleep(120)", MARQUE, jeton],
              {})


def lancer_worker(nom, duree=0.2):
    _demon()
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
