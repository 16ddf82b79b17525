"""Exercice 6 — Queue et sentinelle."""

from multiprocessing import Process, Queue

SENTINELLE = None


def producteur(q, n: int) -> None:
    # on envoie tout puis la fin
    k = 0
    while k < n:
        q.put("item " + str(k))
        k += 1
    q.put(SENTINELLE)


def consommateur(q_entree, q_sortie) -> None:
    for x in iter(q_entree.get, SENTINELLE):
        q_sortie.put("Consommé : " + x)


def _demarrer(*procs):
    for p in procs:
        p.start()


def pipeline(n: int) -> list[str]:
    # deux files
    file_a, file_b = Queue(), Queue()
    ouvriers = (Process(target=producteur, args=(file_a, n)),
                Process(target=consommateur, args=(file_a, file_b)))
    _demarrer(*ouvriers)
    res = []
    while len(res) < n:
        res.append(file_b.get())

    for o in ouvriers:
        o.join()
    return res


def pipeline_multi(n: int, consommateurs: int = 3) -> list[str]:
    file_a, file_b = Queue(), Queue()
    le_producteur = Process(target=producteur, args=(file_a, n))
    les_conso = []
    for _ in range(consommateurs):
        les_conso.append(Process(target=consommateur, args=(file_a, file_b)))
    _demarrer(le_producteur, *les_conso)
    res = [file_b.get() for _ in range(n)]
    le_producteur.join()
    reste = consommateurs - 1
    while reste:
        file_a.put(SENTINELLE)
        reste -= 1
    for c in les_conso:
        c.join()
    return res


if __name__ == "__main__":
    print(pipeline(5))
    print(sorted(pipeline_multi(10)))
