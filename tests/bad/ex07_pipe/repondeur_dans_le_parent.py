"""Erreur : ping_pong calcule les pongs lui-même, sans Pipe ni processus enfant."""

import multiprocessing


def repondeur(conn) -> None:
    """Côté enfant : répond à chaque "ping {i}" par "pong {i}" ; s'arrête (et ferme conn) sur None."""
    while True:
        message = conn.recv()
        if message is None:  # Signal de fin
            break
        conn.send(message.replace("ping", "pong"))
    conn.close()


def ping_pong(n: int) -> list[str]:
    """Envoie n pings au processus repondeur et renvoie les n pongs reçus, dans l'ordre."""
    reponses = []
    for i in range(n):
        message = f"ping {i}"
        reponses.append(message.replace("ping", "pong"))
    return reponses


if __name__ == '__main__':
    for reponse in ping_pong(5):
        print(reponse)
