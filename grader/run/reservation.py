"""The machine's cores, shared by the pytests of one grading: a run that measures time has them
alone, for the length of that run only.

Each pytest process holds a shared claim while it works (starting, collecting, judging, making
its runs that judge no timing): the grading takes it before starting the process, which inherits
it (``claim_for_child``), so that even its interpreter's start-up is covered. A timed run
(``Scenario.timed``) needs an exclusive one: it starts once every other pytest has stopped at the
boundary of a run, so nothing of the grader — no other run, no pytest judging or starting — takes
a core while it measures; the others go on as soon as it ended. Writers first: a timed run
waiting for the cores closes a turnstile that every new claim passes, so a stream of untimed runs
never keeps it waiting for more than the runs already going.

The timed runs go last: the pytest of the timed part starts up, collects and makes its untimed
runs (an exercise's import) beside the others, then waits before its first timed run until the
grading opens the gate (``Gate``), once every other pytest has ended. Otherwise each timed run
would wait for the longest untimed run in flight (seconds, for a demonstration) while the pytests
whose short runs ended wait at the turnstile: the grading would take the sum of those waits more.
And last, the timed runs of an exercise whose function hung in an untimed run are stopped at once
(``grader.checking.exercise_under_test`` reads the loops from the grading's folder), rather than
each waiting its time limit alone.

The claims are flock(2) locks on files of the folder named by ``MPGRADE_RESERVATION``, made by
``grader.checking.grading`` for one grading in the sandbox only; the kernel drops a process's locks
when it ends, killed or not. The folder is in ``/tmp``, which the sandbox replaces by an empty
tmpfs, and the variable is not in the runs' environment (``harness._environment``): no run of the
student's reaches them.

Without the sandbox (no bubblewrap, macOS, Windows, the portable path ``MPGRADE_PORTABLE``) there
is no folder and every claim is a no-op: the grading then runs its pytests one after another, the
timed one last, with nothing of the grader beside it, as it always did.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from grader.run.process_tree import PORTABLE

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]  # None: no reservation here (available() says so)

FOLDER = "MPGRADE_RESERVATION"  # the folder of the lock files, set for every pytest of a grading
INHERITED = "MPGRADE_RESERVATION_FD"  # the descriptor of the claim a pytest was started with
TIMED_PART = "MPGRADE_TIMED_PART"  # set for the timed part's pytest: its timed runs wait for the gate
TURNSTILE, CORES, GATE = "turnstile", "cores", "untimed-parts"


def available() -> bool:
    """Whether pytests can share the cores here while timed runs still get them alone."""
    return fcntl is not None and not PORTABLE


@contextlib.contextmanager
def shared_by_pytests(enabled: bool) -> Iterator[dict[str, str]]:
    """The environment that makes the pytests started with it share the cores: a new folder of
    locks (none unless ``enabled``: only the sandbox keeps the student's runs from it). In
    ``/tmp``, which the sandbox replaces by an empty tmpfs, wherever ``TMPDIR`` points."""
    if not enabled or not available():
        yield {}
        return
    place = "/tmp" if os.path.isdir("/tmp") else None
    with tempfile.TemporaryDirectory(prefix="mpgrade-cores-", dir=place) as folder:
        for name in (TURNSTILE, CORES, GATE):
            (Path(folder) / name).touch()
        yield {FOLDER: folder}


@contextlib.contextmanager
def claim_for_child(environment: dict[str, str], *, timed_part: bool = False
                    ) -> Iterator[tuple[dict[str, str], tuple[int, ...]]]:
    """A shared claim taken here for a process about to start with ``environment``: what to add to
    its environment and the descriptor to pass it (``Popen(pass_fds=...)``). The lock belongs to
    the open file, which the child holds once this one closes its copy. ``timed_part``: the
    process is the timed part's pytest, whose runs wait for the gate. Waits while a timed run has
    the cores or waits for them. Nothing when no folder is set."""
    folder = environment.get(FOLDER)
    if not folder or not available():
        yield {}, ()
        return
    claim = _Claim(Path(folder))
    try:
        claim.share()
        yield {INHERITED: str(claim.cores), **({TIMED_PART: "1"} if timed_part else {})}, (claim.cores,)
    finally:
        claim.close()


def grading_file(name: str) -> Path | None:
    """A file of this grading's folder, where its pytests tell each other what they learned (no
    run of the student's reaches it); None without a folder."""
    folder = os.environ.get(FOLDER)
    return Path(folder) / name if folder and available() else None


class Gate:
    """What the timed part's runs wait for: closed by the grading while the other pytests run,
    opened once they have all ended (or when this process ends). Nothing when no folder is set."""

    def __init__(self, environment: dict[str, str]) -> None:
        folder = environment.get(FOLDER)
        self._lock = os.open(Path(folder) / GATE, os.O_RDWR) if folder and available() else None
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_EX)  # this grading's own file: no one else holds it

    def __enter__(self) -> Gate:
        return self

    def __exit__(self, *exception: object) -> None:
        self.open()

    def open(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # the lock goes with the last descriptor of the open file
            self._lock = None


class _Claim:
    """This process's claim on the cores: shared while it works, exclusive during a timed run."""

    def __init__(self, folder: Path, cores: int | None = None, timed_part: bool = False) -> None:
        self.turnstile = os.open(folder / TURNSTILE, os.O_RDWR)
        self.cores = os.open(folder / CORES, os.O_RDWR) if cores is None else cores
        self.gate = os.open(folder / GATE, os.O_RDWR)
        self.may_time = not timed_part  # the timed part's timed runs: once through the gate

    def through_the_gate(self) -> None:
        """Wait until the grading opened the gate (at once if it never closed it), holding no core
        meanwhile: the other pytests have all ended."""
        if not self.may_time:
            self.let_go()
            fcntl.flock(self.gate, fcntl.LOCK_SH)
            fcntl.flock(self.gate, fcntl.LOCK_UN)
            self.share()
            self.may_time = True

    def share(self) -> None:
        """Beside the others, once past the turnstile (a timed run waiting goes first)."""
        self._through_turnstile(fcntl.LOCK_SH)

    def alone(self) -> None:
        """The cores to itself: new claims stop at the turnstile until every held one is let go."""
        self._through_turnstile(fcntl.LOCK_EX)

    def _through_turnstile(self, mode: int) -> None:
        fcntl.flock(self.turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self.cores, mode)
        finally:
            fcntl.flock(self.turnstile, fcntl.LOCK_UN)

    def let_go(self) -> None:
        # Before any wait on the turnstile: whoever holds the turnstile may be waiting for this.
        fcntl.flock(self.cores, fcntl.LOCK_UN)

    def close(self) -> None:
        for descriptor in (self.turnstile, self.cores, self.gate):
            os.close(descriptor)


# This pytest's claim once ``hold`` took it: shared, but exclusive inside ``for_run(alone=True)``
# and let go inside ``paused``; None in any other process (and where nothing is reserved).
_claim: _Claim | None = None


def hold() -> None:
    """Claim the cores beside the other pytests, for this process's work (pytest's session start)."""
    global _claim
    folder = os.environ.get(FOLDER)
    if _claim is not None or not folder or not available():
        return
    inherited = os.environ.get(INHERITED)
    if inherited:  # held since this process started
        os.set_inheritable(int(inherited), False)  # not handed on to the harness runs
        _claim = _Claim(Path(folder), cores=int(inherited), timed_part=bool(os.environ.get(TIMED_PART)))
        return
    _claim = _Claim(Path(folder))
    _claim.share()


def release() -> None:
    """Let the cores go for good (pytest's session end; the kernel does it too at exit)."""
    global _claim
    if _claim is not None:
        _claim.let_go()
        _claim.close()
        _claim = None


@contextlib.contextmanager
def for_run(alone: bool) -> Iterator[None]:
    """Around one harness run: the cores alone for a timed one, shared otherwise. Either way the
    claim is let go and taken again first: a timed run waiting elsewhere gets its turn here."""
    if _claim is None:
        yield
        return
    if alone:
        _claim.through_the_gate()
    _claim.let_go()
    if alone:
        _claim.alone()
    else:
        _claim.share()
    try:
        yield
    finally:
        if alone:
            _claim.let_go()
            _claim.share()


def until_the_gate_opens() -> None:
    """Before a timed run, and before what it must learn from the grading's other pytests (the
    loops their runs met): in the timed part, wait until they have all ended."""
    if _claim is not None:
        _claim.through_the_gate()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """While this process only waits (the pause before a re-measure): the cores are not held."""
    if _claim is None:
        yield
        return
    _claim.let_go()
    try:
        yield
    finally:
        _claim.share()
