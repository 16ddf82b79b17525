"""Tube trafiqué : à l'import, Connection.send, recv et poll sont remplacées pour que, dans un
processus enfant, l'autre bout du tube semble tenir un dialogue parfait (trois pings puis None,
chaque réponse acceptée). ping_pong, lui, n'envoie rien du tout dans le tube : il calcule les
pongs lui-même, attend son enfant et les renvoie. Un répondeur du correcteur qui tournerait dans
l'enfant croirait avoir reçu None ; celui qui tient le dialogue depuis le processus du correcteur
n'entend que le silence."""
import itertools
import multiprocessing
import multiprocessing.connection

_Connection = multiprocessing.connection.Connection
_vrais = {nom: getattr(_Connection, nom) for nom in ("send", "recv", "poll")}
_faux_pings = itertools.count()


def _dans_un_enfant():
    return multiprocessing.parent_process() is not None


def _faux_send(self, obj):
    if not _dans_un_enfant():
        return _vrais["send"](self, obj)
    return None  # « envoyé »


def _faux_recv(self):
    if not _dans_un_enfant():
        return _vrais["recv"](self)
    numero = next(_faux_pings)
    return f"ping {numero}" if numero < 3 else None


def _faux_poll(self, timeout=0.0):
    if not _dans_un_enfant():
        return _vrais["poll"](self, timeout)
    return True  # toujours un message qui attend


_Connection.send = _faux_send
_Connection.recv = _faux_recv
_Connection.poll = _faux_poll


def repondeur(conn) -> None:
    while True:
        message = conn.recv()
        if message is None:
            break
        conn.send(message.replace("ping", "pong"))
    conn.close()


def ping_pong(n: int) -> list[str]:
    parent_conn, child_conn = multiprocessing.Pipe()
    p = multiprocessing.Process(target=repondeur, args=(child_conn,))
    p.start()
    p.join()  # sans rien envoyer, pas même None
    parent_conn.close()
    child_conn.close()
    return [f"pong {i}" for i in range(n)]


if __name__ == "__main__":
    print(ping_pong(5))
