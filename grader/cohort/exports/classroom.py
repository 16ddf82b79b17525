"""GitHub Classroom: the step output that ``classroom-resources/autograding-grading-reporter`` reads.

Classroom's own graders (``autograding-command-grader``, ``-io-grader``, ``-python-grader``) each set
one step output, ``result``: base64 of a JSON object ``{version: 1, status, max_score, tests[]}``,
each test ``{name, status, score, message, test_code, filename, line_no, duration}`` (duration in
ms). The reporter step gets it as the environment variable ``<RUNNER>_RESULTS`` (runner id in
capitals: ``runners: mpgrade`` -> ``MPGRADE_RESULTS``), decodes it (``Buffer.from(value,
"base64")`` then ``JSON.parse``) and sends Classroom the sum of ``tests[].score`` out of the sum of
``max_score`` — so each check brings its own partial credit, not all-or-nothing.

Statuses: a check is ``pass``, ``fail`` (failed, or the student's code crashed or hung: both are the
student's to fix, the message says which) or ``error`` when it was not measured (pending/skipped: the
reporter prints its reason after « Error: »; it scores 0, never a pass). The run's status: ``fail``
when any check failed, else ``error`` when one could not run or be measured (the grade is
provisional: run the workflow again), else ``pass``. The reporter fails the workflow on both.
"""
from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypedDict

from grader.catalogue import Catalogue
from grader.cohort.exports import checks, measured
from grader.report.model import CheckReport, ExerciseReport, Report

VERSION = 1
OUTPUT_NAME = "result"
Status = Literal["pass", "fail", "error"]


class Test(TypedDict):
    name: str
    status: Status
    score: float
    message: str
    test_code: str
    filename: str
    line_no: int
    duration: int  # ms


class Result(TypedDict):
    version: int
    status: Status
    max_score: float
    tests: list[Test]


def result(report: Report, texts: Catalogue) -> Result:
    """The reporter's JSON for ``report``; ``max_score`` is the report's, never recomputed."""
    label = texts.section("exports")
    tests = [_test(exercise, check, report, texts) for exercise, check in checks(report)]
    statuses = {test["status"] for test in tests}
    status: Status = ("fail" if "fail" in statuses
                      else "error" if "error" in statuses or report.get("internal_errors")
                      else "pass")
    if not tests:  # nothing graded: the reporter needs a test to show why
        tests = [Test(name="mpgrade", status="error", score=0.0, message=label("classroom.empty"),
                      test_code="", filename="", line_no=0, duration=0)]
        status = "error"
    return Result(version=VERSION, status=status, max_score=report.get("max_score", 0.0),
                  tests=tests)


def encoded(report: Report, texts: Catalogue) -> str:
    """The value of the ``result`` output: base64 of the UTF-8 JSON, as Classroom's graders set it."""
    text = json.dumps(result(report, texts), ensure_ascii=False)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def publish(report: Report, texts: Catalogue, environment: Mapping[str, str] | None = None) -> str:
    """Set the step output ``result``: appended to ``$GITHUB_OUTPUT`` inside GitHub Actions, as a
    step's outputs are set; printed otherwise. Returns the ``result=…`` line."""
    variables = os.environ if environment is None else environment
    line = f"{OUTPUT_NAME}={encoded(report, texts)}"
    target = variables.get("GITHUB_OUTPUT")
    if target:
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(line + "\n")
    else:
        print(line)
    return line


def _test(exercise: ExerciseReport, check: CheckReport, report: Report, texts: Catalogue) -> Test:
    label = texts.section("exports")
    status: Status = ("error" if not measured(check)
                      else "pass" if check.get("status") == "passed" else "fail")
    parts = [check.get("message") or (label("classroom.not_measured") if status == "error" else "")]
    if check.get("hint") and status != "pass":
        parts.append(f"{texts.page('hint')} {check['hint']}")
    return Test(
        name=label("classroom.test_name", exercice=exercise["id"].split("_", 1)[0],
                   titre=check.get("title") or check["id"]),
        status=status, score=float(check.get("score", 0.0)) if measured(check) else 0.0,
        message="\n".join(part for part in parts if part),
        test_code=label("classroom.replay", exercice=exercise["id"], graine=report.get("seed", "?")),
        filename=f"exercises/{exercise['id']}.py", line_no=0,
        duration=round(1000 * float(check.get("duration_s", 0.0))))
