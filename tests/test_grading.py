"""How one grading is split among pytest processes (grader.checking.grading): the checks that
judge no timed run side by side, the timed part started beside them and making its runs once they
have all ended (grader.run.reservation); without the reservation, the timing exercises after them."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from grader import config
from grader.checking import grading
from grader.checking.grading import Request, Results, _Attempt, _Part

COURSE = config.load()
TIMING = [exercise.id for exercise in COURSE.exercises.values() if exercise.timing]


def _request(checks: tuple[str, ...] = ()) -> Request:
    exercises = list(dict.fromkeys(check.partition(":")[0] for check in checks)) or list(COURSE.exercises)
    return Request(Path("/nowhere"), exercises, seed=1, start_method="spawn", checks=checks)


def _category(check: str) -> str:
    exercise_id, _, check_id = check.partition(":")
    return COURSE.exercise(exercise_id).checks[check_id].category


def test_only_the_checks_of_timed_runs_are_in_the_timed_part_and_each_exercise_has_its_parts():
    """In the sandbox: each exercise's checks that judge no timed run in a part of its own, and a
    timing exercise's guard checks (its demonstration) in another, those first; ex03's results on
    a few numbers and its edge cases wait for no timed run."""
    untimed, timed = grading._phases(_request(), COURSE, overlap=True)
    every = [check for part in [*untimed, timed] for check in part.checks]
    assert sorted(every) == sorted(f"{exercise.id}:{check}" for exercise in COURSE.exercises.values()
                                   for check in exercise.checks)
    assert all(len(part.exercises) == 1 for part in untimed)
    demonstrations = untimed[:len(TIMING)]
    assert [part.exercises for part in demonstrations] == [[exercise] for exercise in TIMING]
    assert all(_category(check) == "guard" for part in demonstrations for check in part.checks)
    others = untimed[len(TIMING):]
    assert [len(part.checks) for part in others] == sorted((len(part.checks) for part in others),
                                                           reverse=True)
    assert not any(_category(check) == "guard" for part in others for check in part.checks
                   if part.exercises[0] in TIMING)
    assert timed.exercises == TIMING
    assert all(COURSE.exercise(check.partition(":")[0]).judges_time(check.partition(":")[2])
               for check in timed.checks)
    assert {"ex03_pool_map:carre_resultat", "ex03_pool_map:carres_paralleles_cas_limites"} <= set(
        next(part for part in others if part.exercises == ["ex03_pool_map"]).checks)
    assert "ex03_pool_map:duree_dans_la_borne" in timed.checks


def test_without_the_reservation_the_timing_exercises_are_graded_whole_in_the_timed_part():
    untimed, timed = grading._phases(_request(), COURSE, overlap=False)
    assert [part.exercises for part in untimed] == [[exercise] for exercise in sorted(
        (exercise for exercise in COURSE.exercises if exercise not in TIMING),
        key=lambda exercise: -len(COURSE.exercise(exercise).checks))]
    assert sorted(timed.checks) == sorted(f"{exercise}:{check}" for exercise in TIMING
                                          for check in COURSE.exercise(exercise).checks)


def test_one_timing_exercise_alone_has_its_guard_checks_apart_from_its_other_checks():
    """Its demonstration (seconds) does not wait for the exercise's other untimed runs, nor they
    for it: a function that hangs in both costs its limit once, the two side by side."""
    ex03 = COURSE.exercise("ex03_pool_map")
    untimed, timed = grading._phases(_request(tuple(f"ex03_pool_map:{check}" for check in ex03.checks)),
                                     COURSE, overlap=True)
    assert len(untimed) == 2
    guards, others = sorted(untimed, key=lambda part: _category(part.checks[0]) != "guard")
    assert {_category(check) for check in guards.checks} == {"guard"}
    assert "guard" not in {_category(check) for check in others.checks}
    assert all(ex03.judges_time(check.partition(":")[2]) for check in timed.checks)


def test_a_remeasure_grades_only_its_checks_in_their_phase():
    untimed, timed = grading._phases(_request(("ex09_cpu_bound:acceleration",)), COURSE, overlap=True)
    assert untimed == [] and timed.checks == ("ex09_cpu_bound:acceleration",)
    alone = ("ex03_pool_map:duree_dans_la_borne", "ex03_pool_map:script_sous_spawn")
    untimed, timed = grading._phases(_request(alone), COURSE, overlap=False)
    assert untimed == [] and sorted(timed.checks) == sorted(alone)  # a pytest more: only a cost
    untimed, timed = grading._phases(_request(alone), COURSE, overlap=True)  # a pytest beside: a gain
    assert [part.checks for part in untimed] == [("ex03_pool_map:script_sous_spawn",)]
    assert timed.checks == ("ex03_pool_map:duree_dans_la_borne",)
    untimed, timed = grading._phases(
        _request(("ex06_queue:pipeline_joints", "ex03_pool_map:script_sous_spawn")), COURSE, overlap=False)
    assert [part.checks for part in untimed] == [("ex06_queue:pipeline_joints",)]
    assert timed.checks == ("ex03_pool_map:script_sous_spawn",)


def _recorded(monkeypatch, containment: str, cores: int = 8,
              reservation: bool = False) -> list[tuple[str, object]]:
    """Replace the pytest processes by records of when each started, ended (the first time the
    grading looks at it) and was read, and the killing of what they left by a record of it; the
    sandbox says ``containment``, the machine has ``cores``, ``flock`` is there or not
    (``reservation``). Each start records the environment it was given too."""
    moments: list[tuple[str, object]] = []

    def start(request: Request, course: config.Course, part: _Part, environment: dict[str, str],
              waits_s: float = 0.0, timed_part: bool = False) -> SimpleNamespace:
        moments.append(("start", part))
        moments.append(("timed part", timed_part))
        moments.append(("environment", environment))
        looks: list[int] = []

        def poll() -> int | None:
            looks.append(1)
            if timed_part and ("gate opened", None) not in moments and len(looks) < 1000:
                return None  # its runs wait for the gate
            if ("end", part) not in moments:
                moments.append(("end", part))
            return 0
        return SimpleNamespace(part=part, process=SimpleNamespace(poll=poll),
                               work=SimpleNamespace(cleanup=lambda: None))

    def read(started: SimpleNamespace, returncode: int) -> _Attempt:
        moments.append(("read", started.part))
        tests = [{"metadata": {"exercise": check.partition(":")[0], "check": check.partition(":")[2]}}
                 for check in started.part.checks]
        return _Attempt(Results({"tests": list(reversed(tests))}, {}))

    class Leftovers:
        def end(self) -> list[int]:
            moments.append(("leftovers ended", None))
            return []

    class Gate:
        def __init__(self, environment: dict[str, str]) -> None:
            self.closed = bool(environment)

        def __enter__(self) -> Gate:
            return self

        def __exit__(self, *exception: object) -> None:
            self.open()

        def open(self) -> None:
            if self.closed:
                moments.append(("gate opened", None))
                self.closed = False

    monkeypatch.setattr(grading, "_start", start)
    monkeypatch.setattr(grading.reservation, "Gate", Gate)
    monkeypatch.setattr(grading, "WAIT_S", 0.0)
    monkeypatch.setattr(grading, "_read", read)
    monkeypatch.setattr(grading, "Leftovers", Leftovers)
    monkeypatch.setattr(grading.sandbox, "containment", lambda: containment)
    monkeypatch.setattr(grading.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(grading.reservation, "available", lambda: reservation)
    monkeypatch.delenv(grading.reservation.FOLDER, raising=False)
    return moments


def _most_at_once(moments: list[tuple[str, object]]) -> int:
    running = most = 0
    for what, _ in moments:
        running += {"start": 1, "end": -1}.get(what, 0)
        most = max(most, running)
    return most


def test_with_the_reservation_the_timed_part_starts_up_beside_the_others_and_runs_after_them(
        monkeypatch):
    """The timed part's pytest is started first; its runs wait for the gate, opened once every
    other part has ended; every pytest is told the folder of the grading's locks."""
    moments = _recorded(monkeypatch, grading.sandbox.BUBBLEWRAP, cores=2, reservation=True)
    results = grading.run_checks(_request(), COURSE)
    untimed, timed = grading._phases(_request(), COURSE, overlap=True)
    starts = [part for what, part in moments if what == "start"]
    assert starts == [timed, *untimed]
    assert [flag for what, flag in moments if what == "timed part"] == [True] + [False] * len(untimed)
    opened = moments.index(("gate opened", None))
    assert all(moments.index(("end", part)) < opened for part in untimed)
    assert opened < moments.index(("end", timed))
    assert _most_at_once(moments) == 5  # two per core, and the timed part that waits at the gate
    folders = {str(environment) for what, environment in moments if what == "environment"}
    assert len(folders) == 1 and grading.reservation.FOLDER in folders.pop()
    assert sorted(test["metadata"]["check"] for test in results.pytest_report["tests"]) == sorted(
        check for exercise in COURSE.exercises.values() for check in exercise.checks)


def test_in_the_sandbox_the_untimed_parts_run_together_and_the_timing_checks_after_them(monkeypatch):
    """Should ``flock`` be missing where the sandbox is (no platform today), nothing could keep
    the grader's other work away from a timed run: the timing checks wait for every other part."""
    moments = _recorded(monkeypatch, grading.sandbox.BUBBLEWRAP)
    results = grading.run_checks(_request(), COURSE)
    untimed, timed = grading._phases(_request(), COURSE, overlap=False)
    assert all(environment == {} for what, environment in moments if what == "environment")
    first_end = moments.index(("end", untimed[0]))
    assert all(moments.index(("start", part)) < first_end for part in untimed)
    assert all(moments.index(("end", part)) < moments.index(("start", timed)) for part in untimed)
    order = [test["metadata"]["exercise"] for test in results.pytest_report["tests"]]
    assert order == sorted(order, key=list(COURSE.exercises).index)


def test_no_more_pytests_at_once_than_the_machine_has_cores(monkeypatch):
    moments = _recorded(monkeypatch, grading.sandbox.BUBBLEWRAP, cores=2)
    grading.run_checks(_request(), COURSE)
    untimed, _ = grading._phases(_request(), COURSE, overlap=False)
    assert len(untimed) > 2 and _most_at_once(moments) == 2
    assert all(("read", part) in moments for part in untimed)


def test_without_a_sandbox_each_part_runs_alone(monkeypatch):
    """No run may reach a report another part wrote before it is read: one pytest at a time."""
    moments = _recorded(monkeypatch, grading.sandbox.PROCESS_TREE)
    grading.run_checks(_request(), COURSE)
    assert _most_at_once(moments) == 1
    starts = [index for index, (what, _) in enumerate(moments) if what == "start"]
    for index in starts[1:]:
        previous = next(moments[earlier][1] for earlier in reversed(starts) if earlier < index)
        assert moments.index(("read", previous)) < index, previous


@pytest.mark.parametrize("containment", ["bubblewrap", "process-tree"])
def test_reports_are_read_once_every_pytest_ended_and_what_they_left_is_killed(monkeypatch,
                                                                              containment):
    moments = _recorded(monkeypatch, containment)
    grading.run_checks(_request(), COURSE)
    for index, (what, part) in enumerate(moments):
        if what == "read":
            before = moments[:index]
            assert ("leftovers ended", None) in before[before.index(("end", part)):]
            assert all(("end", other) in before for kind, other in before if kind == "start")


@pytest.mark.parametrize("returncode", [-9, grading.PYTEST_INTERRUPTED])
def test_a_part_whose_pytest_was_killed_is_graded_again_exercise_by_exercise(monkeypatch, returncode):
    """The part of the timing exercises is killed (a submission killed its grader): each of its
    exercises is graded alone; the one killed again gets an error on its checks, the others keep
    their verdicts."""
    _, timed = grading._phases(_request(), COURSE, overlap=False)
    attempts = {timed: _Attempt(None, returncode)}

    def side_by_side(request, course, parts, environment, beside_timed=False):
        found = []
        for part in parts:
            if part in attempts:
                found.append(attempts[part])
            elif part.exercises == ["ex05_pool_async"]:
                found.append(_Attempt(None, -9))
            else:
                found.append(_Attempt(Results({"tests": [
                    {"metadata": {"exercise": check.partition(":")[0],
                                  "check": check.partition(":")[2], "status": "passed"}}
                    for check in part.checks]}, {})))
        return found

    monkeypatch.setattr(grading, "_side_by_side", side_by_side)
    monkeypatch.setattr(grading.sandbox, "containment", lambda: grading.sandbox.PROCESS_TREE)
    verdicts = {(test["metadata"]["exercise"], test["metadata"]["check"]): test["metadata"]
                for test in grading.run_checks(_request(), COURSE).pytest_report["tests"]}
    assert verdicts[("ex05_pool_async", "script_sous_spawn")]["key"] == "correcteur_arrete"
    assert verdicts[("ex05_pool_async", "import_sans_effet")]["key"] == "correcteur_arrete"
    assert verdicts[("ex05_pool_async", "executer_async_resultat")]["key"] == "correcteur_arrete"
    assert verdicts[("ex03_pool_map", "script_sous_spawn")]["status"] == "passed"
    assert verdicts[("ex06_queue", "pipeline_joints")]["status"] == "passed"
    assert len(verdicts) == sum(len(exercise.checks) for exercise in COURSE.exercises.values())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_a_grading_s_pytest_ends_with_the_grading_even_one_it_had_not_listed_yet(tmp_path):
    """A grading stopped just after it started a pytest, before it listed it among those to kill
    (the suite once saw one grade on, orphaned, for 5 s), leaves no pytest grading on."""
    (tmp_path / "test_long.py").write_text("import time\n\ndef test_long():\n    time.sleep(60)\n")
    grading_script = textwrap.dedent(f"""
        import subprocess, sys, time
        from grader.checking import grading
        pytest = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                   "-p", "grader.checking.pytest_plugin", "-p", "grader.checking.fixtures",
                                   "test_long.py"],
                                  cwd={str(tmp_path)!r}, env=grading.grader_environment())
        print(pytest.pid, flush=True)
        time.sleep(60)
    """)
    stopped = subprocess.Popen([sys.executable, "-c", grading_script], stdout=subprocess.PIPE, text=True,
                               env=grading.grader_environment())
    pytest_pid = int(stopped.stdout.readline())
    time.sleep(2)  # the pytest is in its check by now
    stopped.kill()
    stopped.wait()
    deadline = time.monotonic() + 5
    while _alive(pytest_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pytest_pid)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
