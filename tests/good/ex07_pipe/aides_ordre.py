"""Variante correcte : fonctions d'aide, ordre inversé, contexte spawn, args en liste, logging.

Exercice 7 — Pipe.
"""

import logging
from multiprocessing import get_context

journal = logging.getLogger(__name__)


def ping_pong(n):
    """Envoie n pings au processus repondeur et renvoie les n pongs reçus, dans l'ordre."""
    ctx = get_context("spawn")
    mon_bout, son_bout = ctx.Pipe()
    enfant = ctx.Process(target=repondeur, args=[son_bout])
    enfant.start()
    son_bout.close()
    reponses = [_echanger(mon_bout, i) for i in range(n)]
    _terminer(mon_bout, enfant)
    journal.info("%d échanges", len(reponses))
    return reponses


def _echanger(conn, i):
    """Un ping, puis sa réponse (jamais deux pings sans lire)."""
    conn.send("ping " + str(i))
    return conn.recv()


def _terminer(conn, enfant):
    """Envoie le signal de fin, attend l'enfant, ferme la connexion."""
    conn.send(None)
    enfant.join()
    conn.close()


def repondeur(conn):
    """Côté enfant : répond à chaque "ping {i}" par "pong {i}" ; s'arrête (et ferme conn) sur None."""
    try:
        while True:
            message = conn.recv()
            if message is None:
                return
            conn.send("pong" + message[len("ping"):])
    finally:
        conn.close()


if __name__ == '__main__':
    logging.basicConfig(level=logging.INFO)
    for r in ping_pong(4):
        print(r)
