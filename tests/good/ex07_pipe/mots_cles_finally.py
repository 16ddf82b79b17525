"""Variante correcte : Process(target=..., kwargs=...), with sur les connexions, terminate() en finally.

Exercice 7 — Pipe. Le processus déjà attendu est « terminé » dans un finally (sans effet).
"""

import multiprocessing


def repondeur(conn) -> None:
    """Côté enfant : répond à chaque "ping {i}" par "pong {i}" ; s'arrête (et ferme conn) sur None."""
    with conn:
        while (message := conn.recv()) is not None:
            numero = message.split()[1]
            conn.send(f"pong {numero}")


def ping_pong(n: int) -> list[str]:
    """Envoie n pings au processus repondeur et renvoie les n pongs reçus, dans l'ordre."""
    parent_conn, child_conn = multiprocessing.Pipe(duplex=True)
    p = multiprocessing.Process(target=repondeur, kwargs={"conn": child_conn}, daemon=False)
    try:
        p.start()
        child_conn.close()
        with parent_conn:
            reponses = []
            for i in range(n):
                parent_conn.send(f"ping {i}")
                reponses.append(parent_conn.recv())
            parent_conn.send(None)
            p.join()
        return reponses
    finally:
        p.terminate()  # déjà attendu : sans effet


if __name__ == '__main__':
    print(ping_pong(3))
