"""Variante correcte : la cible par un argument par défaut capturé à l'import et un partial.

Exercice 7 — Pipe. `REPONDRE` est un functools.partial de repondeur (sans argument figé).
"""

import functools
import multiprocessing

SIGNAL_FIN = None


def repondeur(conn) -> None:
    """Côté enfant : répond à chaque "ping {i}" par "pong {i}" ; s'arrête (et ferme conn) sur None."""
    while True:
        message = conn.recv()
        if message is SIGNAL_FIN:
            break
        conn.send(message.replace("ping", "pong", 1))
    conn.close()


REPONDRE = functools.partial(repondeur)


def ping_pong(n: int, cible=repondeur) -> list[str]:
    """Envoie n pings au processus `cible` (repondeur) et renvoie les n pongs, dans l'ordre."""
    a, b = multiprocessing.Pipe()
    p = multiprocessing.Process(target=cible, args=(b,))
    p.start()
    b.close()
    pongs = []
    for i in range(n):
        a.send(f"ping {i}")
        pongs.append(a.recv())
    a.send(SIGNAL_FIN)
    p.join()
    a.close()
    return pongs


def ping_pong_partial(n: int) -> list[str]:
    """La même chose avec le partial REPONDRE (démonstration)."""
    return ping_pong(n, cible=REPONDRE)


if __name__ == '__main__':
    print(ping_pong(3))
    print(ping_pong_partial(2))
