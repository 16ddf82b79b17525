"""The cores shared by the pytests of a grading (grader.run.reservation): a timed run has them
alone, from the moment every other pytest stopped at a run's boundary until it ended, and it is
served before any new claim. Real processes and real flock locks, no student code."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader import config
from grader.checking import grading
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.scenario import Scenario
from grader.run import harness, reservation

pytestmark = pytest.mark.skipif(not reservation.available(), reason="flock(2): POSIX only")
CONTEXT = multiprocessing.get_context("fork")  # the children inherit the module, not a claim
COURSE = config.load()
SOLUTIONS = Path(__file__).parent.parent / "solutions"
fcntl = pytest.importorskip("fcntl")  # POSIX only, as the reservation


def _pytest(folder: str, steps: list[tuple[str, float]], moments,
            claim: dict[str, str] | None = None) -> None:
    """A pytest process: its claim from the start (the one the grading took for it, ``claim``,
    or its own), then ``(what, seconds)`` steps: ``work`` (the pytest judging), ``run`` or
    ``timed`` (a harness run, shared or alone). Puts the moments each run got the cores and ended,
    and the moment it let its claim go."""
    os.environ[reservation.FOLDER] = folder
    os.environ.update(claim or {})
    reservation.hold()
    moments.put(("held", os.getpid(), time.monotonic()))
    for what, seconds in steps:
        if what == "work":
            time.sleep(seconds)
            continue
        with reservation.for_run(alone=what == "timed"):
            got = time.monotonic()
            time.sleep(seconds)
            ended = time.monotonic()  # still holding the cores
        moments.put((what, os.getpid(), got, ended))
    moments.put(("released", os.getpid(), time.monotonic()))
    reservation.release()


def _grading(*pytests: list[tuple[str, float]], stagger_s: float = 0.1) -> list[tuple]:
    """Start each pytest ``stagger_s`` after the one before, all sharing one grading's folder."""
    moments = CONTEXT.Queue()
    with reservation.shared_by_pytests(enabled=True) as environment:
        processes = []
        for steps in pytests:
            processes.append(CONTEXT.Process(target=_pytest,
                                             args=(environment[reservation.FOLDER], steps, moments)))
            processes[-1].start()
            time.sleep(stagger_s)
        for process in processes:
            process.join(30)
            assert process.exitcode == 0
    found = []
    while not moments.empty():
        found.append(moments.get())
    return found


def _spans(moments: list[tuple], kind: str) -> list[tuple[float, float]]:
    """When each run of that kind got the cores, and when it ended."""
    return [(item[2], item[3]) for item in moments if item[0] == kind]


def test_a_timed_run_waits_for_the_others_to_stop_and_none_runs_beside_it(monkeypatch):
    monkeypatch.delenv(reservation.FOLDER, raising=False)
    busy = [("work", 0.4), ("run", 0.3), ("run", 0.3), ("work", 0.3), ("run", 0.3)]
    moments = _grading(busy, [("timed", 0.4), ("timed", 0.4)], busy)
    timed = _spans(moments, "timed")
    shared = _spans(moments, "run")
    assert len(timed) == 2 and len(shared) == 6
    started = min(item[2] for item in moments if item[0] == "held")
    assert timed[0][0] >= started + 0.35  # the first pytest's work (0.4 s) was let finish
    for got, ended in timed:  # nothing of the others while a timed run measures
        assert all(other_end <= got or other_got >= ended for other_got, other_end in shared)


def test_a_timed_run_waiting_is_served_before_any_new_claim(monkeypatch):
    """A stream of untimed work never keeps a timed run waiting: the pytest that starts while
    it waits gets the cores only after it."""
    monkeypatch.delenv(reservation.FOLDER, raising=False)
    moments = _grading([("work", 1.0), ("run", 0.2)], [("timed", 0.3)], [("run", 0.2)], stagger_s=0.3)
    (timed,) = _spans(moments, "timed")
    late_claim = max(item[2] for item in moments if item[0] == "held")
    assert late_claim >= timed[1]  # the third pytest's claim waited at the turnstile
    assert all(got >= timed[1] for got, _ in _spans(moments, "run"))


def _pytest_once_told(told, folder: str, steps: list[tuple[str, float]], moments,
                      claim: dict[str, str] | None = None) -> None:
    """``_pytest``, once ``told`` is set: the grading has closed its gate."""
    told.wait(30)
    _pytest(folder, steps, moments, claim)


def test_the_timed_part_makes_its_first_timed_run_once_the_gate_is_open(monkeypatch):
    """The timed part's pytest (``claim_for_child(timed_part=True)``) makes its untimed runs at
    once, then waits before its first timed run, holding no core, until the grading opens the
    gate: another pytest's runs go meanwhile."""
    monkeypatch.delenv(reservation.FOLDER, raising=False)
    moments = CONTEXT.Queue()
    closed = CONTEXT.Event()
    with reservation.shared_by_pytests(enabled=True) as environment:
        folder = environment[reservation.FOLDER]
        with reservation.claim_for_child(environment, timed_part=True) as (claim, _):
            timed = CONTEXT.Process(target=_pytest_once_told, args=(
                closed, folder, [("run", 0.1), ("timed", 0.2), ("timed", 0.2)], moments, claim))
            timed.start()  # forked: it holds the descriptor this one closes
        other = CONTEXT.Process(target=_pytest_once_told, args=(closed, folder, [("run", 0.3)], moments))
        other.start()
        # Closed once the children are forked (a fork would hold the lock too; a grading execs them).
        with reservation.Gate(environment) as gate:
            closed.set()
            other.join(30)
            time.sleep(0.3)  # the gate still closed: the timed part still waits
            opened = time.monotonic()
            gate.open()
            timed.join(30)
        assert timed.exitcode == 0 and other.exitcode == 0
    found = [moments.get(timeout=5) for _ in range(8)]  # held ×2, run ×2, timed ×2, released ×2
    runs = _spans(found, "run")
    assert all(got >= opened for got, _ in _spans(found, "timed"))
    assert len(runs) == 2 and all(ended < opened for _, ended in runs)


def test_without_the_folder_or_without_flock_every_claim_is_a_no_op(monkeypatch):
    monkeypatch.delenv(reservation.FOLDER, raising=False)
    reservation.hold()
    with reservation.for_run(alone=True), reservation.paused():
        pass
    reservation.release()
    monkeypatch.setattr(reservation, "available", lambda: False)
    with reservation.shared_by_pytests(enabled=True) as environment:
        assert environment == {}


def test_no_folder_of_locks_without_the_sandbox():
    """Without it the student's runs could reach the locks (same user, same /tmp)."""
    with reservation.shared_by_pytests(enabled=False) as environment:
        assert environment == {}
    with reservation.shared_by_pytests(enabled=True) as environment:
        assert Path(environment[reservation.FOLDER]).parent == Path("/tmp")  # the sandbox hides it


def test_no_run_of_the_student_is_told_where_the_locks_are(monkeypatch, tmp_path):
    monkeypatch.setenv(reservation.FOLDER, str(tmp_path))
    assert reservation.FOLDER not in harness._environment(tmp_path)


def test_the_runs_of_a_timed_scenario_and_only_they_take_the_cores_alone(monkeypatch):
    asked: list[bool] = []
    real = reservation.for_run

    def recorded(alone: bool):
        asked.append(alone)
        return real(alone)

    monkeypatch.setattr(reservation, "for_run", recorded)
    student = ExerciseUnderTest(SOLUTIONS, COURSE.exercise("ex03_pool_map"), "spawn")
    Scenario.timed(student, [call("carre", 3)], [3], "ex03_pool_map.py")
    assert asked == [False, True]  # the import run (shared), then the timed run
    student.run([call("carre", 4)])
    assert asked == [False, True, False]


def test_a_pytest_holds_its_claim_from_its_first_instruction(monkeypatch):
    """The grading takes the claim before starting a pytest, which inherits it: a timed run of
    another pytest waits even for an interpreter that has not reached its own code yet."""
    monkeypatch.delenv(reservation.FOLDER, raising=False)
    moments = CONTEXT.Queue()
    with reservation.shared_by_pytests(enabled=True) as environment:
        with reservation.claim_for_child(environment) as (claim, descriptors):
            starting = subprocess.Popen(
                [sys.executable, "-c", "import time; time.sleep(0.6); print(time.monotonic())"],
                env=dict(os.environ, **environment, **claim), pass_fds=descriptors,
                stdout=subprocess.PIPE, text=True)
        timed = CONTEXT.Process(target=_pytest, args=(environment[reservation.FOLDER],
                                                       [("timed", 0.1)], moments))
        timed.start()
        last_instant = float(starting.communicate()[0])
        timed.join(10)
    found = [moments.get(timeout=5) for _ in range(2)]  # held, then the timed run
    (run,) = [item for item in found if item[0] == "timed"]
    assert run[2] >= last_instant  # got the cores only once the started process had ended


def test_a_grading_s_pytest_holds_its_claim_from_its_start_to_its_end():
    """The grading's own start of a pytest (grading._start): an exclusive claim is refused from
    the moment it started until it ended."""
    request = grading.Request(SOLUTIONS, ["ex02_main_guard"], seed=1, start_method="spawn")
    part = grading._Part(("ex02_main_guard:import_sans_effet",))
    with reservation.shared_by_pytests(enabled=True) as environment:
        cores = os.open(Path(environment[reservation.FOLDER]) / reservation.CORES, os.O_RDWR)
        started = grading._start(request, COURSE, part, environment)
        try:
            with pytest.raises(BlockingIOError):  # its interpreter is only starting
                fcntl.flock(cores, fcntl.LOCK_EX | fcntl.LOCK_NB)
            assert started.process.wait(60) == 0
            fcntl.flock(cores, fcntl.LOCK_EX | fcntl.LOCK_NB)  # gone with the process
        finally:
            os.close(cores)
            started.work.cleanup()
