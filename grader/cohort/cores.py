"""The machine's cores, shared by the students a cohort grades at once.

Most checks only need their own processes to finish; those of the exercises marked ``timing:
true`` in the course file judge *when* things ran (tasks in flight, a wall-time bound, a speed-up,
a race), and a neighbour's grading on the same cores would turn a true verdict into a pending one.
So those checks take the cores alone (only those that judge a timed run: ``Exercise.judges_time``;
their exercises' guard checks and results on a few inputs judge what was done, not when): the
others wait, and the timing checks of a student run with
nothing else of the grader beside them. Timing checks that ask are served before any new shared
work starts, so they never wait for ever behind a stream of others.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Cores:
    """A readers-writer lock among the threads of one cohort run, writers first."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._sharing = 0  # gradings running side by side
        self._alone = False  # a timing grading holds the cores
        self._waiting_alone = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Run beside other shared gradings, never beside a timing one."""
        with self._changed:
            self._changed.wait_for(lambda: not self._alone and not self._waiting_alone)
            self._sharing += 1
        try:
            yield
        finally:
            with self._changed:
                self._sharing -= 1
                self._changed.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        """Run with no other grading at all."""
        with self._changed:
            self._waiting_alone += 1
            self._changed.wait_for(lambda: not self._alone and not self._sharing)
            self._waiting_alone -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._changed:
                self._alone = False
                self._changed.notify_all()
