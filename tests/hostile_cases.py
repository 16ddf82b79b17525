"""The hostile cases (tests/hostile/, their expectations.yaml) and how one is graded and judged:
shared by the native (tests/test_hostile.py) and the portable (tests/checks/test_portable.py) runs."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import yaml

import courses
from conftest import (
    SOLUTIONS,
    TOKEN_VARIABLE,
    Graded,
    assert_full_marks_but_pending,
    grade,
    make_submission,
)

HOSTILE = Path(__file__).parent / "hostile"
SPEC = yaml.safe_load((HOSTILE / "expectations.yaml").read_text(encoding="utf-8"))
GRADING_LIMIT_S = 60
RESPONSIVE_S = 2.0  # the longest a 50 ms sleep of this test process may be late while grading
SHARED_FOLDERS = [Path("/dev/shm"), Path("/tmp")]  # what outlives a run if nobody removes it
FAKE_MARKER = "FAUX-RAPPORT-PARFAIT"  # what tests/hostile/ecrase_rapports.py writes and prints


def write_course(folder: Path) -> Path:
    """The course with the short time limit, tight limits and bounds of expectations.yaml
    (the ``hostile_course`` fixture of conftest.py)."""
    settings = courses.shipped_settings()
    settings["time_limit_s"] = SPEC["course"]["time_limit_s"]
    settings["limits"] = SPEC["course"]["limits"]
    for exercise_id, bounds in SPEC["course"]["bounds"].items():
        settings["exercises"][exercise_id]["bounds"].update(bounds)
    return courses.write_course(folder, settings)


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
        assert check["status"] in statuses(expected), explanation
        if check["status"] != "passed":
            assert check.get("message_key") in expected["keys"], explanation
            assert check["message"] and check["hint"], check
    for companion in companions:
        assert_full_marks_but_pending(graded, companion)
    must_fail = any("passed" not in statuses(expected) for expected in expectations.values())
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


def statuses(expected: dict) -> list[str]:
    status = expected["status"]
    return status if isinstance(status, list) else [status]
