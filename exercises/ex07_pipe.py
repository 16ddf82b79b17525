"""Exercice 7 — Communication entre processus : Pipe.

multiprocessing.Pipe() crée une paire de connexions bidirectionnelles. C'est
plus rapide qu'une Queue, mais cela ne peut être utilisé qu'entre deux
processus.

    parent_conn, child_conn = multiprocessing.Pipe()

Chaque processus garde une extrémité : conn.send(obj) envoie un objet
(sérialisé avec pickle), conn.recv() attend et reçoit le suivant, et
conn.close() ferme l'extrémité quand on n'en a plus besoin.

Attention : envoyer tous les messages avant d'en lire un seul peut bloquer les
deux processus une fois les tampons du tube pleins. Échangez un message à la
fois.
"""

import multiprocessing


def repondeur(conn) -> None:
    """Côté enfant : répond "pong {i}" à chaque "ping {i}".

    Dans une boucle, reçoit un message avec conn.recv() ; si c'est None (le
    signal de fin), sort de la boucle ; sinon renvoie avec conn.send() le
    message où "ping" est remplacé par "pong". Après la boucle, ferme conn
    puis se termine.
    """
    # TODO : boucle conn.recv() ; None -> sortir ; sinon conn.send(message.replace("ping", "pong")) ;
    # puis conn.close().
    raise NotImplementedError("À faire : repondeur")


def ping_pong(n: int) -> list[str]:
    """Joue n échanges ping/pong avec un processus enfant.

    Créez un Pipe, lancez un Process qui exécute repondeur(child_conn). Pour i
    de 0 à n - 1, envoyez f"ping {i}" et lisez aussitôt la réponse. Envoyez
    ensuite None, attendez le processus (join) et fermez parent_conn.
    Renvoie les n réponses dans l'ordre : ["pong 0", "pong 1", ...].
    """
    # TODO : Pipe, Process(repondeur), n fois send puis recv, send(None), join, close.
    raise NotImplementedError("À faire : ping_pong")


if __name__ == '__main__':
    for reponse in ping_pong(5):
        print(reponse)
