"""Exercice 5 — apply, apply_async et map_async.

Méthodes utiles du Pool :

- pool.apply(func, args) : bloquant. Appelle func avec les arguments args.
  Utile pour une seule tâche.
- pool.apply_async(func, args) : non-bloquant. Soumet la tâche et retourne
  immédiatement un objet AsyncResult. On peut récupérer le résultat plus tard
  avec result.get().
- pool.map_async(func, iterable) : version non-bloquante de map.

apply_async est utile quand on veut lancer des tâches en arrière-plan et faire
autre chose en attendant : le programme principal continue pendant que les
workers travaillent. .get() est bloquant : il attend que le résultat soit
disponible.
"""

import multiprocessing
import time

DUREE = 0.1


def tache(duree: float) -> str:
    """Simule une tâche de `duree` secondes.

    Attend `duree` secondes (time.sleep(duree)), puis renvoie la chaîne
    f"Tâche de {duree}s terminée". Contrairement au worker du cours, cette
    fonction n'affiche rien.
    """
    # TODO : time.sleep(duree) puis renvoyer f"Tâche de {duree}s terminée".
    raise NotImplementedError("À faire : tache")


def executer_bloquant(durees, processes: int = 2) -> list[str]:
    """Exécute les tâches une par une avec pool.apply.

    Dans un `with multiprocessing.Pool(processes) as pool:`, appelez
    pool.apply(tache, (duree,)) pour chaque durée, l'une après l'autre.
    apply étant bloquant, les tâches ne s'exécutent jamais en même temps.
    Renvoie la liste des résultats dans l'ordre de `durees`.
    """
    # TODO : un Pool dans un bloc `with`, puis pool.apply(tache, (duree,)) pour chaque durée.
    raise NotImplementedError("À faire : executer_bloquant")


def executer_async(durees, processes: int = 2, pendant_ce_temps=None) -> list[str]:
    """Soumet toutes les tâches avec pool.apply_async, puis récupère les résultats.

    Dans un `with multiprocessing.Pool(processes) as pool:` :
    1. soumettez TOUTES les tâches avec pool.apply_async(tache, (duree,)) et
       gardez la liste des AsyncResult (chaque appel est non-bloquant) ;
    2. si `pendant_ce_temps` n'est pas None, appelez pendant_ce_temps() : c'est
       le programme principal qui continue pendant que les workers travaillent ;
    3. récupérez les résultats avec .get(), dans l'ordre de soumission.
    Renvoie la liste des résultats dans l'ordre de `durees`.
    """
    # TODO : apply_async pour chaque durée, puis pendant_ce_temps() s'il est donné, puis les .get().
    raise NotImplementedError("À faire : executer_async")


def carre(x: int) -> int:
    """Calcule le carré d'un nombre après une petite pause.

    Attend DUREE secondes (time.sleep(DUREE)), puis renvoie x * x.
    """
    # TODO : time.sleep(DUREE) puis renvoyer x * x.
    raise NotImplementedError("À faire : carre")


def carres_async(nombres, processes: int = 4, pendant_ce_temps=None) -> list[int]:
    """Calcule les carrés de `nombres` avec pool.map_async.

    Dans un `with multiprocessing.Pool(processes) as pool:`, lancez
    pool.map_async(carre, nombres) (non-bloquant : un seul AsyncResult), appelez
    pendant_ce_temps() s'il n'est pas None pendant que les workers calculent,
    puis renvoyez le résultat de .get() : la liste des carrés dans le même ordre
    que `nombres`.
    """
    # TODO : pool.map_async(carre, nombres), puis pendant_ce_temps() s'il est donné, puis .get().
    raise NotImplementedError("À faire : carres_async")


if __name__ == '__main__':
    def continuer():
        print("Le programme principal continue pendant que les workers travaillent...")

    durees = [0.2, 0.3, 0.2, 0.3]

    start_time = time.time()
    print(executer_bloquant(durees, processes=2))
    print(f"pool.apply (bloquant) : {time.time() - start_time:.2f} secondes")

    start_time = time.time()
    print(executer_async(durees, processes=2, pendant_ce_temps=continuer))
    print(f"pool.apply_async : {time.time() - start_time:.2f} secondes")

    start_time = time.time()
    print(carres_async(range(10), processes=4, pendant_ce_temps=continuer))
    print(f"pool.map_async : {time.time() - start_time:.2f} secondes")
    print("Toutes les tâches sont finies.")
