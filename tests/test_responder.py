"""ex07's responder in the grader's process (``grader/run/responder.py``): what the other end of
the pipe sends is the student's, so it is read as plain data, within bounds."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from grader.run import responder


class _Planted:
    """A pickle that, loaded by a plain ``pickle.loads``, creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (open, (str(self.marker), "w"))


def test_a_message_that_is_not_plain_data_is_answered_never_loaded(tmp_path):
    ours, theirs = multiprocessing.Pipe()
    marker = tmp_path / "planted"
    theirs.send_bytes(pickle.dumps(_Planted(marker)))
    theirs.send("ping 4")
    theirs.send(None)
    assert responder.answer(ours, threading.Event()) == ("none", 2)
    assert [theirs.recv(), theirs.recv()] == ["pong ?", "pong 4"]
    assert not marker.exists()


def test_a_descriptor_that_never_runs_dry_ends_the_dialogue_at_a_bound():
    endless = Connection(os.open("/dev/zero", os.O_RDWR))
    try:
        assert responder.answer(endless, threading.Event()) == ("silence", responder.MESSAGES_MAX)
    finally:
        endless.close()

