"""The probe's records as the kernel delivered them: who sent each one, and when (Linux).

The probe runs inside the student's processes, so whatever a record says of itself — the process
that wrote it, the moment it names — the student's code could have written instead. Over this
channel the record's author and time are not the record's word: the grader binds a Unix datagram
socket in the run's folder with ``SO_PASSCRED`` and ``SO_TIMESTAMPNS``, and for each datagram the
kernel hands over, with the bytes, the pid of the process that sent it (``SCM_CREDENTIALS``: a
process can only name itself, unless it holds ``CAP_SYS_ADMIN``, which no sandboxed run has) and the
moment it was sent (a stamp of the kernel's, taken in ``sendmsg``). A datagram is a whole record and
the socket's queue keeps the order of sending, so the stamps of one run are consistent with each
other even when the grader reads them late (a busy machine): only the sending moment counts.

``attested_events`` turns the datagrams into the probe's events: the pid is the kernel's (a record
in the name of another process is not an event, and is kept as a contradiction), and every moment
of the event is the kernel's stamp — a call's start is the stamp of its ``enter``, its end the stamp
of the ``call`` record, sent when it returned. Where the kernel offers no such socket (macOS,
Windows, ``MPGRADE_PORTABLE``), the probe writes its records in files as before (``available``).
"""
from __future__ import annotations

import json
import os
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.run.process_tree import LINUX

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux's number; Python does not name it
CREDENTIALS = struct.Struct("3i")  # struct ucred: pid, uid, gid
STAMP = struct.Struct("qq")  # struct timespec: seconds, nanoseconds (CLOCK_REALTIME)
DATAGRAM_LIMIT = 256 * 1024  # larger than any record the probe sends (the socket's own bound)
# The longest socket path: sun_path holds 108 bytes on Linux, 104 on macOS, its final NUL included.
SOCKET_PATH_MAX = 103
OFFSET_READINGS = 16  # of the two clocks side by side, the tightest kept (``realtime_ahead_ns``)


def available() -> bool:
    """Whether this machine's kernel attests the sender and the time of each datagram."""
    return LINUX and hasattr(socket, "AF_UNIX") and hasattr(socket, "SO_PASSCRED")


def realtime_ahead_ns() -> int:
    """How far the real-time clock (the kernel's stamps) is ahead of the monotonic one (the
    grader's, and the harness's step times). Each reading of the real-time clock is bracketed by two
    of the monotonic one, and the tightest bracket is kept: a reading interrupted by the scheduler
    on a busy machine (milliseconds) would shift every stamp of the run by as much, and a task's
    end recorded a millisecond before its step's would seem to fall after it."""
    readings = []
    for _ in range(OFFSET_READINGS):
        before = time.monotonic_ns()
        realtime = time.time_ns()
        after = time.monotonic_ns()
        readings.append((after - before, realtime - (before + after) // 2))
    return min(readings)[1]


@dataclass(frozen=True)
class Datagram:
    """One record as the kernel delivered it."""

    sender: int  # the sending process's pid, in the grader's PID namespace
    sent: float  # when it was sent, on the grader's clock (``time.monotonic``)
    data: bytes


@dataclass
class Received:
    """What the channel holds once the run is over."""

    datagrams: list[Datagram] = field(default_factory=list)
    inner_pids: dict[int, int] = field(default_factory=dict)  # sender → its pid in the sandbox
    dropped: int = 0  # datagrams beyond the byte budget, or without the kernel's attestation


class RecordChannel:
    """The grader's end: bound at ``path``, read by a thread of the grader until ``close``.

    ``inner_pid`` names a sender as the sandboxed processes name themselves (their pid in the
    run's PID namespace); it is asked once per sender, as soon as its first record arrives, while
    the sender is most likely still there to be asked."""

    def __init__(self, path: Path, byte_budget: int,
                 inner_pid: Callable[[int], int | None] | None = None) -> None:
        self.path = path
        self._budget = byte_budget
        self._inner_pid = inner_pid
        self._realtime_ahead_ns = realtime_ahead_ns()
        self.received = Received()
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(str(path))
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self._socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self._socket.setblocking(False)
        self._closing = threading.Event()
        self._wake_reader, self._wake = os.pipe()  # written by ``close``: no timeout to wait out
        self._reader = threading.Thread(target=self._read, name="mpgrade-records", daemon=True)
        self._reader.start()

    @classmethod
    def open_in(cls, folder: Path, byte_budget: int,
                inner_pid: Callable[[int], int | None] | None = None) -> RecordChannel | None:
        """A channel bound in ``folder``, or None where the kernel or the path does not allow it."""
        path = folder / "records.sock"
        if not available() or len(os.fsencode(path)) > SOCKET_PATH_MAX:  # keep the files
            return None
        try:
            return cls(path, byte_budget, inner_pid)
        except OSError:
            return None

    def close(self) -> Received:
        """Stop reading (every sender is dead by now: what is queued is read first) and return
        what was received."""
        if self._closing.is_set():  # closed already: its descriptors may be another's now
            return self.received
        self._closing.set()
        os.write(self._wake, b"\0")
        self._reader.join()
        self._socket.close()
        os.close(self._wake_reader)
        os.close(self._wake)
        try:
            self.path.unlink()
        except OSError:
            pass
        return self.received

    def _read(self) -> None:
        ancillary = socket.CMSG_SPACE(CREDENTIALS.size) + socket.CMSG_SPACE(STAMP.size)
        with selectors.DefaultSelector() as selector:
            selector.register(self._socket, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while True:
                try:
                    data, items, _flags, _address = self._socket.recvmsg(DATAGRAM_LIMIT, ancillary)
                except BlockingIOError:
                    if self._closing.is_set():
                        return  # nothing queued is left, and every sender is dead
                    selector.select()  # until a record arrives or ``close`` wakes us
                    continue
                except OSError:
                    return
                self._keep(data, items)

    def _keep(self, data: bytes, items: list[tuple[int, int, bytes]]) -> None:
        sender = sent_ns = None
        for level, kind, value in items:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS \
                    and len(value) >= CREDENTIALS.size:
                sender = CREDENTIALS.unpack_from(value)[0]
            elif level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= STAMP.size:
                seconds, nanoseconds = STAMP.unpack_from(value)
                sent_ns = seconds * 1_000_000_000 + nanoseconds
        received = self.received
        if sender is None or sent_ns is None:
            received.dropped += 1
            return
        if len(data) > self._budget:  # nothing is read past the budget: no record hides behind it
            self._budget = 0
            received.dropped += 1
            return
        self._budget -= len(data)
        if self._inner_pid is not None and sender not in received.inner_pids:
            inner = self._inner_pid(sender)
            if inner is not None:
                received.inner_pids[sender] = inner
        sent = (sent_ns - self._realtime_ahead_ns) / 1e9
        received.datagrams.append(Datagram(sender, sent, data))


@dataclass
class Attested:
    """The probe's events, each of its kernel-named author and stamped with the kernel's times."""

    events: list[dict]
    malformed: int  # datagrams that are not a record the probe sends, or that were dropped
    disowned: list[tuple[int, int]]  # (pid a record claims, pid of the process that sent it)


def attested_events(received: Received, inner_of: dict[int, int] | None,
                    is_event: Callable[[object], bool]) -> Attested:
    """The events of the run's datagrams, in the order they were sent. ``inner_of`` names each
    sender inside the sandbox (None: no sandbox, a sender's pid is its own name)."""
    owners = {} if inner_of is None else {inner: outer for outer, inner in inner_of.items()}
    begun: dict[tuple[object, ...], float] = {}  # each call's enter, by what the call repeats of it
    attested = Attested([], received.dropped, [])
    for datagram in received.datagrams:
        try:
            event = json.loads(datagram.data.decode("utf-8", "replace"))
        except (ValueError, RecursionError):
            event = None
        if not is_event(event):
            attested.malformed += 1
            continue
        author = _author(datagram.sender, event["pid"], inner_of, owners)
        if author != event["pid"]:
            attested.disowned.append((event["pid"], datagram.sender if author is None else author))
            continue
        attested.events.append(_stamped(event, datagram.sent, begun))
    return attested


def _author(sender: int, claimed: int, inner_of: dict[int, int] | None,
            owners: dict[int, int]) -> int | None:
    """The sender's name for the probe's records. A sandboxed sender that was gone before the
    grader could name it, and never seen by a poll, is taken at its word, unless that name is
    another sender's (then None): it did exist, for less than a poll (``docs/security.md``)."""
    if inner_of is None:
        return sender
    if sender in inner_of:
        return inner_of[sender]
    return claimed if owners.get(claimed, sender) == sender else None


def _stamped(event: dict, sent: float, begun: dict[tuple[object, ...], float]) -> dict:
    """``event`` with the kernel's times in place of the probe's: a call began when its ``enter``
    was sent (the probe's ``t0`` only pairs the two records) and ended when the ``call`` was; a
    wait for a result (``get``) ended when it was sent, and began no later."""
    if "t" in event:
        event["t"] = sent
    kind = event["ev"]
    if kind in ("enter", "call"):
        key = (event["pid"], event.get("tid"), event["fn"], event["t0"])
        if kind == "enter":
            begun[key] = event["t0"] = sent
        else:
            event["t0"], event["t1"] = begun.pop(key, sent), sent
    elif kind == "get":
        event["t0"] = min(event["t0"], sent)
    return event
