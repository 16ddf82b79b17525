"""Erreur : ping_pong ferme son extrémité du tube au lieu d'envoyer None (repondeur s'arrête aussi sur EOFError, le dialogue n'a jamais sa fin)."""

import multiprocessing


def repondeur(conn) -> None:
    """Côté enfant : répond à chaque "ping {i}" par "pong {i}" ; s'arrête (et ferme conn) sur None."""
    while True:
        try:
            message = conn.recv()
        except EOFError:  # l'autre extrémité est fermée : fin aussi
            break
        if message is None:  # Signal de fin
            break
        conn.send(message.replace("ping", "pong"))
    conn.close()


def ping_pong(n: int) -> list[str]:
    """Envoie n pings au processus repondeur et renvoie les n pongs reçus, dans l'ordre."""
    parent_conn, child_conn = multiprocessing.Pipe()
    p = multiprocessing.Process(target=repondeur, args=(child_conn,))
    p.start()
    # L'extrémité enfant appartient désormais au processus enfant : le parent
    # ferme sa copie (si l'enfant mourait, recv lèverait EOFError au lieu
    # d'attendre indéfiniment).
    child_conn.close()

    reponses = []
    for i in range(n):
        # Un message à la fois : on lit la réponse avant d'envoyer le suivant.
        # Tout envoyer d'abord puis tout lire provoque un interblocage dès que
        # les tampons du tube sont pleins (chacun attend que l'autre lise).
        parent_conn.send(f"ping {i}")
        reponses.append(parent_conn.recv())

    parent_conn.close()  # l'enfant lit EOFError et s'arrête : None n'est jamais envoyé
    p.join()
    return reponses


if __name__ == '__main__':
    for reponse in ping_pong(5):
        print(reponse)
