"""Grading one submission: pytest runs the checks in a subprocess and writes its JSON report.

The pytest process is the grader (it never imports student code); this module only starts it with
the right options and reads back the JSON that pytest-json-report wrote. If a submission kills that
pytest process (it is the parent of the student's main process), whatever the submission left
running is killed here, each exercise is graded again on its own, and the exercise whose grading
is killed again gets an ``error`` on every check: the others keep their true results.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.checking.verdicts import MISTAKE
from grader.config import Course, Exercise
from grader.run.process_tree import Leftovers, limits_note

PYTEST_SETTINGS = Path(__file__).parent / "pytest.ini"
PROJECT_ROOT = Path(__file__).parent.parent.parent  # above grader/
SLACK_PER_EXERCISE_S = 60  # beyond the harnesses' own limits, for pytest itself
PYTEST_INTERRUPTED = 2  # pytest's exit status after SIGINT


class GradingError(Exception):
    """pytest could not grade at all (a fault of the grader or its installation)."""


@dataclass(frozen=True)
class Request:
    submission: Path
    exercises: list[str]
    seed: int
    start_method: str
    checks: tuple[str, ...] = ()  # "exercise:check" to grade alone (re-measuring pending checks)


@dataclass(frozen=True)
class Results:
    pytest_report: dict  # what pytest-json-report wrote: each check's verdict in its metadata
    timelines: dict  # exercise id -> the timeline of each harness run (grader.checking.observe.timeline)


def run_checks(request: Request, course: Course) -> Results:
    """Run the checks of ``request.exercises`` on the submission."""
    note = limits_note()
    if note:  # the grading goes on, with the protections this platform has: say which are missing
        print(f"mpgrade: {note}", file=sys.stderr)
    first = _pytest(request, course, request.exercises)
    if first.results is not None:
        return first.results
    if not first.killed:
        raise GradingError(first.failure)
    # The grader itself was stopped from outside: find the exercise that did it, keep the others.
    tests, timelines = [], {}
    for exercise_id in request.exercises:
        alone = _pytest(request, course, [exercise_id])
        if alone.results is not None:
            tests += alone.results.pytest_report.get("tests", [])
            timelines.update(alone.results.timelines)
        elif alone.killed:
            tests += _grader_killed(course.exercise(exercise_id), alone.returncode)
        else:
            raise GradingError(alone.failure)
    return Results({"tests": tests}, timelines)


def time_limit_s(course: Course, exercises: list[str]) -> float:
    """How long grading ``exercises`` may take in all: far beyond the harnesses' own limits."""
    return sum(course.exercise(exercise).time_limit_s * 10 + SLACK_PER_EXERCISE_S
               for exercise in exercises)


def grader_environment() -> dict:
    """The environment of a grader subprocess: this project importable whatever the folder."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])))


@dataclass(frozen=True)
class _Attempt:
    results: Results | None
    returncode: int | None = None
    failure: str = ""

    @property
    def killed(self) -> bool:
        """pytest was ended by a signal (SIGKILL, SIGTERM, SIGINT): from outside, not by a bug."""
        return self.returncode is not None and (self.returncode < 0
                                                or self.returncode == PYTEST_INTERRUPTED)


def _pytest(request: Request, course: Course, exercises: list[str]) -> _Attempt:
    """One pytest process grading ``exercises``; whatever it leaves running is killed after."""
    with tempfile.TemporaryDirectory(prefix="mpgrade-pytest-") as work:
        report_path = Path(work) / "pytest.json"
        timelines_path = Path(work) / "timelines.json"
        command = [sys.executable, "-m", "pytest", str(course.folder), "-c", str(PYTEST_SETTINGS),
                   "--rootdir", str(course.folder), "-p", "grader.checking.pytest_plugin",
                   "-p", "grader.checking.fixtures", "-q", "--no-header",
                   "-p", "no:randomly", "--json-report", f"--json-report-file={report_path}",
                   "--json-report-omit", "collectors", "log", "streams", "keywords",
                   f"--submission={request.submission}", f"--seed={request.seed}",
                   f"--start-method={request.start_method}", f"--observations={timelines_path}"]
        command += [f"--grade-exercise={exercise}" for exercise in exercises]
        command += [f"--grade-check={check}" for check in request.checks]
        command.append(f"--course={course.folder}")
        environment = grader_environment()
        limit = time_limit_s(course, exercises)
        leftovers = Leftovers()  # the student's processes come back here if pytest is killed
        try:
            finished = subprocess.run(command, cwd=course.folder, env=environment, capture_output=True,
                                      text=True, errors="replace", timeout=limit)
        except subprocess.TimeoutExpired as error:
            raise GradingError(f"pytest did not finish within {limit:.0f} s") from error
        finally:
            leftovers.end()
        if not report_path.exists() or finished.returncode not in (0, 1):
            return _Attempt(None, finished.returncode,
                            f"pytest failed (exit {finished.returncode}):\n"
                            f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")
        timelines = (json.loads(timelines_path.read_text(encoding="utf-8"))
                     if timelines_path.exists() else {})
        return _Attempt(Results(json.loads(report_path.read_text(encoding="utf-8")), timelines))


def _grader_killed(exercise: Exercise, returncode: int | None) -> list[dict]:
    """The verdicts of an exercise whose grading was killed every time: an error on each check."""
    return [{"metadata": {"exercise": exercise.id, "check": check_id, "status": "error",
                          # the submission stopped its own grading: the student's doing, said so
                          "kind": MISTAKE, "key": "correcteur_arrete", "facts": {"code": returncode}}}
            for check_id in exercise.checks]
