"""The grader's end of ex07's pipe, spoken from the grader's own process (issue 13).

ex07 puts the grader's stand-in in place of the student's ``repondeur`` in the child that
``ping_pong`` starts (``mpgrade_probe._grader_responder``). That child runs the student's
interpreter, where ``Connection.send``, ``recv`` and ``poll`` can be patched: a dialogue held there
could be made to look perfect. So the stand-in only hands its end of the pipe over, through a Unix
socket in the run's folder (``SCM_RIGHTS``: the kernel passes the file descriptor itself), and
waits until this side closes the socket. Here, a thread answers « pong i » to each « ping i » and
notes what ended the dialogue (``none``, ``eof``, ``silence``) and how many pings it answered, on
the grader's own clock: ``Responder.ends``, the ``responder_end`` events the checks read.

What the other end sends is read as bytes of bounded size and unpickled with no class allowed
(``_SafeUnpickler``): a pickle is code, and this is the grader's process. Where file descriptors
cannot be passed (Windows, the portable path ``MPGRADE_PORTABLE=1``, a socket path too long for
``AF_UNIX``), ``listen`` returns None and the stand-in answers in the child as before (degraded:
``docs/security.md``).
"""
from __future__ import annotations

import io
import os
import pickle
import socket
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from grader.run.process_tree import PORTABLE, inner_pid
from grader.run.record_channel import CREDENTIALS, SOCKET_PATH_MAX

SOCKET_NAME = "responder.sock"
# Where the kernel can pass file descriptors (Linux, macOS, the BSDs); the portable path takes
# Windows' way, so that the suite can test the degraded responder on Linux.
AVAILABLE = hasattr(socket, "AF_UNIX") and hasattr(socket, "recv_fds") and not PORTABLE
PATIENCE_S = 3.0  # beyond the course's wait for an answer (ex07's attente_s: 2), as the probe's
HANDSHAKE_BYTES = 32  # the stand-in's pid, in decimal
MESSAGE_BYTES_MAX = 64 * 1024  # a ping is a few bytes: anything longer is not read into memory
# ex07 sends at most a few dozen pings here; a descriptor that never runs dry (``/dev/zero``
# handed over in place of the pipe) must not keep a thread of the grader busy for ever.
MESSAGES_MAX = 10_000
CONNECTIONS_MAX = 8  # children handing a pipe over in one run (ex07 starts one per call)
ACCEPT_POLL_S = 0.1  # how often the waiting thread looks whether the run is over
CLOSE_WAIT_S = PATIENCE_S + 2  # for the dialogues once the run's tree is dead (they see EOF)
UNREADABLE = object()  # a message that is not plain data (it would need a class to unpickle)


class Responder:
    """A listening socket in the run's folder, and the dialogues held on the pipes handed over."""

    def __init__(self, listener: socket.socket, path: Path) -> None:
        self.path = path
        self.ends: list[dict] = []  # one ``responder_end`` event per dialogue, when it is over
        self._listener = listener
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._dialogues: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="mpgrade-responder", daemon=True)
        self._acceptor.start()

    def close(self) -> list[dict]:
        """Stop listening and wait for the dialogues (the run's tree is dead: each sees EOF)."""
        self._stopping.set()
        self._acceptor.join()
        self._listener.close()
        deadline = time.monotonic() + CLOSE_WAIT_S
        for dialogue in self._dialogues:
            dialogue.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            return list(self.ends)

    def _accept(self) -> None:
        while not self._stopping.is_set() and len(self._dialogues) < CONNECTIONS_MAX:
            try:
                child, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            dialogue = threading.Thread(target=self._converse, args=(child,), daemon=True,
                                        name="mpgrade-responder-dialogue")
            self._dialogues.append(dialogue)
            dialogue.start()

    def _converse(self, child: socket.socket) -> None:
        """Take the pipe the child hands over, hold the dialogue, note how it ended, then close
        the pipe and the socket: the child's stand-in returns."""
        with child:
            child.settimeout(PATIENCE_S)
            try:
                handshake, fds, _flags, _address = socket.recv_fds(child, HANDSHAKE_BYTES, 1)
            except OSError:
                return
            if len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                return
            connection = Connection(fds[0])
            try:
                ended, answered = answer(connection, self._stopping)
            finally:
                connection.close()
            end = {"ev": "responder_end", "pid": _sender(child, handshake), "t": time.monotonic(),
                   "ended": ended, "answered": answered}
            with self._lock:
                self.ends.append(end)


def listen(work: Path) -> Responder | None:
    """A responder listening in ``work`` (before ``sandbox.give``, which gives the socket to the
    run's uid), or None where the pipe cannot be handed over: the child then answers itself."""
    path = work / SOCKET_NAME
    if not AVAILABLE or len(os.fsencode(path)) > SOCKET_PATH_MAX:
        return None
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
        listener.listen(CONNECTIONS_MAX)
    except OSError:
        listener.close()
        return None
    listener.settimeout(ACCEPT_POLL_S)
    return Responder(listener, path)


def answer(connection: Connection, stopping: threading.Event) -> tuple[str, int]:
    """« pong i » for each « ping i », until ``None`` (``none``), the other end closed (``eof``),
    or nothing for ``PATIENCE_S`` (``silence``); with how many pings were answered. Once the run
    is over (``stopping``), only what is already there is read."""
    answered = 0
    try:
        while answered < MESSAGES_MAX and connection.poll(0 if stopping.is_set() else PATIENCE_S):
            message = _read(connection.recv_bytes(MESSAGE_BYTES_MAX))
            if message is None:
                return "none", answered
            shown = "?" if message is UNREADABLE else str(message)
            connection.send("pong " + shown.rsplit(" ", 1)[-1])
            answered += 1
    except (EOFError, OSError):  # OSError: closed, or a message longer than the limit
        return "eof", answered
    return "silence", answered


class _SafeUnpickler(pickle.Unpickler):
    """Plain data only (str, numbers, None, containers): a class or function named by the pickle
    would run code in the grader's process."""

    def find_class(self, module: str, name: str) -> object:
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")

    def persistent_load(self, pid: object) -> object:
        raise pickle.UnpicklingError("no persistent objects")


def _read(data: bytes) -> object:
    try:
        return _SafeUnpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 (any malformed pickle: a message the grader cannot read)
        return UNREADABLE


def _sender(child: socket.socket, handshake: bytes) -> int | None:
    """Which child handed the pipe over, named as the probe's records name it (in the sandbox, its
    pid there): the kernel's word where it gives it (``SO_PEERCRED``, Linux), else the pid the
    stand-in says it has (the degraded path's, macOS)."""
    if hasattr(socket, "SO_PEERCRED"):
        credentials = child.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, CREDENTIALS.size)
        pid = CREDENTIALS.unpack(credentials)[0]
        # None: in the grader's own namespace, whose pid is its name; or already gone, and then
        # a name no process of the run has, which its checks do not recognise either
        return inner_pid(pid) or pid
    text = handshake.decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None
