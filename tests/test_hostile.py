"""Hostile submissions (tests/hostile/) are contained, diagnosed, and never trusted.

Each case is graded by the real command under a short course file: the expected checks fail or
error with the expected message, grading takes under a minute, the machine stays responsive, the
report is the grader's own, and no process of the submission survives (found by the test token in
its environment, or in its command line for a daemon that replaced its environment).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import (
    COURSE,
    SOLUTIONS,
    TOKEN_VARIABLE,
    Graded,
    assert_full_marks_but_pending,
    containments,
    grade,
    make_submission,
)

HOSTILE = Path(__file__).parent / "hostile"


def bubblewrap_works() -> bool:
    environment = {key: value for key, value in os.environ.items() if key != "MPGRADE_SANDBOX"}
    return subprocess.run([sys.executable, "-c", "from grader.run import sandbox; "
                           "raise SystemExit(sandbox.containment() != sandbox.BUBBLEWRAP)"],
                          cwd=Path(__file__).parent.parent, env=environment).returncode == 0
SPEC = yaml.safe_load((HOSTILE / "expectations.yaml").read_text(encoding="utf-8"))
GRADING_LIMIT_S = 60
RESPONSIVE_S = 2.0  # the longest a 50 ms sleep of this test process may be late while grading
SHARED_FOLDERS = [Path("/dev/shm"), Path("/tmp")]  # what outlives a run if nobody removes it
FAKE_MARKER = "FAUX-RAPPORT-PARFAIT"  # what tests/hostile/ecrase_rapports.py writes and prints


@pytest.fixture(scope="module")
def hostile_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course file with the short time limit, tight limits and bounds of expectations.yaml."""
    settings = yaml.safe_load(COURSE.read_text(encoding="utf-8"))
    settings["time_limit_s"] = SPEC["course"]["time_limit_s"]
    settings["limits"] = SPEC["course"]["limits"]
    for exercise_id, bounds in SPEC["course"]["bounds"].items():
        settings["exercises"][exercise_id]["bounds"].update(bounds)
    path = tmp_path_factory.mktemp("hostile") / "course.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


class Heartbeat:
    """A thread of this test process that sleeps 50 ms again and again and notes how late it
    wakes: a machine brought to its knees by a submission would show here."""

    PERIOD_S = 0.05

    def __init__(self) -> None:
        self.worst = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while not self._stop.is_set():
            before = time.monotonic()
            time.sleep(self.PERIOD_S)
            self.worst = max(self.worst, time.monotonic() - before - self.PERIOD_S)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "containment" in metafunc.fixturenames:
        metafunc.parametrize("containment", containments(metafunc.config))


@pytest.fixture(autouse=True)
def _needs_bubblewrap(request: pytest.FixtureRequest) -> None:
    containment = (request.node.callspec.params.get("containment") if hasattr(request.node, "callspec")
                   else None)
    if containment == "bubblewrap" and not bubblewrap_works():
        pytest.skip("bubblewrap (bwrap) is missing or does not work here: sandboxed cases not run")


@pytest.mark.parametrize("case", sorted(SPEC["cases"]))
def test_a_hostile_submission_is_contained_and_diagnosed(tmp_path, hostile_course, case, containment,
                                                         tracked_processes):
    assert_contained_and_diagnosed(tmp_path, hostile_course, case, tracked_processes,
                                   SPEC["cases"][case]["expect"], containment=containment)


def assert_contained_and_diagnosed(tmp_path: Path, hostile_course: Path, case: str,
                                   tracked_processes, expectations: dict,
                                   contained: bool = True, containment: str | None = None) -> Graded:
    """Grade ``case`` alone: ``expectations`` (check -> status and keys) met, within the time and
    with a responsive machine, the report the grader's own, no process of the case left (unless
    ``contained`` is False: the caller looks for them)."""
    spec = SPEC["cases"][case]
    exercise_id = spec["exercise"]
    companions = spec.get("companions", [])
    files = {exercise_id: HOSTILE / f"{case}.py"}
    files.update({companion: SOLUTIONS / f"{companion}.py" for companion in companions})
    folder = make_submission(tmp_path / case, files)
    with Heartbeat() as heartbeat:
        started = time.monotonic()
        graded = grade(folder, exercise_id, *companions, course=hostile_course, containment=containment)
        elapsed = time.monotonic() - started
    print(f"{case} [{containment}]: {elapsed:.1f} s, heartbeat late by {heartbeat.worst:.2f} s at worst")

    assert graded.report, graded.stdout + graded.stderr
    checks = graded.checks(exercise_id)
    explanation = "\n".join(f"{check['id']}: {check['status']} {check.get('message_key')} — "
                            f"{check['message']}" for check in checks.values())
    for check_id, expected in expectations.items():  # a status, or a list of those allowed
        check = checks[check_id]
        assert check["status"] in _statuses(expected), explanation
        if check["status"] != "passed":
            assert check.get("message_key") in expected["keys"], explanation
            assert check["message"] and check["hint"], check
    for companion in companions:
        assert_full_marks_but_pending(graded, companion)
    must_fail = any("passed" not in _statuses(expected) for expected in expectations.values())
    assert graded.report["internal_errors"] == 0
    assert graded.returncode in ((1,) if must_fail else (0, 1))
    assert graded.report["submission"] == folder.name and FAKE_MARKER not in graded.stdout
    # Not a terminal: the grader writes no escape sequence of its own, and shows the student's.
    assert "\x1b" not in graded.stdout + graded.stderr
    assert elapsed < GRADING_LIMIT_S
    assert heartbeat.worst < RESPONSIVE_S
    if contained:
        assert tracked_processes() == set()
    token = os.environ[TOKEN_VARIABLE]  # hostile files name what they leave with it
    assert [path for folder in SHARED_FOLDERS for path in folder.glob(f"*{token}*")] == []
    return graded


def _statuses(expected: dict) -> list[str]:
    status = expected["status"]
    return status if isinstance(status, list) else [status]


def test_a_report_overwritten_by_the_submission_is_written_again_by_the_grader(
        tmp_path, hostile_course, containment, tracked_processes):
    """ecrase_rapports.py finds the report's path in its ancestors' command lines and writes a
    perfect score there: the grader writes the report after every student process is dead."""
    folder = make_submission(tmp_path / "s", {"ex03_pool_map": HOSTILE / "ecrase_rapports.py"})
    json_path = tmp_path / "rapport.json"
    json_path.write_text('{"score": 0}', encoding="utf-8")  # a previous run's report, to be found
    graded = grade(folder, "ex03_pool_map", course=hostile_course, json_path=json_path,
                   containment=containment)
    text = json_path.read_text(encoding="utf-8")
    assert FAKE_MARKER not in text and graded.report["submission"] == "s"
    assert graded.report["score"] < graded.report["max_score"]
    printed = graded.checks("ex03_pool_map")["carres_paralleles_resultat"]
    assert printed["status"] == "passed"  # the values were right: only the claims were false
    assert tracked_processes() == set()
