"""Grading one submission: pytest runs the checks in a subprocess and writes its JSON report.

The pytest process is the grader (it never imports student code); this module only starts it with
the right options and reads back the JSON that pytest-json-report wrote.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.config import Course

CHECKS_DIR = Path(__file__).parent / "checks"
PROJECT_ROOT = Path(__file__).parent.parent
SLACK_PER_EXERCISE_S = 60  # beyond the harnesses' own limits, for pytest itself


class GradingError(Exception):
    """pytest could not grade at all (a fault of the grader or its installation)."""


@dataclass(frozen=True)
class Request:
    submission: Path
    exercises: list[str]
    seed: int
    start_method: str
    course_file: Path | None = None


@dataclass(frozen=True)
class Results:
    pytest_report: dict  # what pytest-json-report wrote: each check's verdict in its metadata
    timelines: dict  # exercise id -> the timeline of each harness run (grader.observe.timeline)


def run_checks(request: Request, course: Course) -> Results:
    """Run the checks of ``request.exercises`` on the submission."""
    with tempfile.TemporaryDirectory(prefix="mpgrade-pytest-") as work:
        report_path = Path(work) / "pytest.json"
        timelines_path = Path(work) / "timelines.json"
        command = [sys.executable, "-m", "pytest", str(CHECKS_DIR), "-c", str(CHECKS_DIR / "pytest.ini"),
                   "--rootdir", str(CHECKS_DIR), "-p", "grader.pytest_plugin", "-q", "--no-header",
                   "-p", "no:randomly", "--json-report", f"--json-report-file={report_path}",
                   "--json-report-omit", "collectors", "log", "streams", "keywords",
                   f"--submission={request.submission}", f"--seed={request.seed}",
                   f"--start-method={request.start_method}", f"--observations={timelines_path}"]
        command += [f"--grade-exercise={exercise}" for exercise in request.exercises]
        if request.course_file:
            command.append(f"--course={request.course_file}")
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])))
        limit = sum(course.exercise(exercise).time_limit_s * 10 + SLACK_PER_EXERCISE_S
                    for exercise in request.exercises)
        try:
            finished = subprocess.run(command, cwd=CHECKS_DIR, env=environment, capture_output=True,
                                      text=True, errors="replace", timeout=limit)
        except subprocess.TimeoutExpired as error:
            raise GradingError(f"pytest did not finish within {limit:.0f} s") from error
        if not report_path.exists() or finished.returncode not in (0, 1):
            raise GradingError(f"pytest failed (exit {finished.returncode}):\n"
                               f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")
        timelines = (json.loads(timelines_path.read_text(encoding="utf-8"))
                     if timelines_path.exists() else {})
        return Results(json.loads(report_path.read_text(encoding="utf-8")), timelines)
