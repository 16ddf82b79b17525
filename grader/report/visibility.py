"""Feedback visibility: a check's details (message, hint, inputs, timeline) kept from students until
the teacher publishes them, as Gradescope's ``visibility`` does.

Set in an exercise's ``exercise.yaml``, on the exercise (all its checks) or on one check, as
Gradescope names them:

- ``visible`` (default): the student reads everything;
- ``after_due_date``, ``after_published``: the student sees the check's title, status and points,
  and a sentence saying the details come later; ``--publish`` (``check``, ``export``) shows them;
- ``hidden``: the details are never in a student's output, published or not (the teacher's
  dashboard and the ``cohort`` folder's ``report.json`` keep them).

``annotate`` writes each check's setting into the report (``visibility``, an added key of the JSON
contract), so that every writer downstream — the Gradescope export, which gives each test that
visibility and lets Gradescope hide it until the due date or publication, the student's page, the
Moodle feedback files — decides from the report alone. This is about when feedback is read, not a
secret: a student who runs the grader has its checks and settings.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import cast

from grader.catalogue import Catalogue
from grader.report import page
from grader.report.model import CheckReport, Report

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
RESTRICTIVENESS = {name: rank for rank, name in enumerate(VISIBILITIES)}
LATER = ("after_due_date", "after_published")  # shown once published
KEPT = frozenset({"id", "title", "category", "status", "kind", "score", "max_score", "duration_s",
                  "visibility"})


def annotate(report: Report, course) -> Report:
    """``report`` with each check's visibility from ``course`` (``visible`` when unknown)."""
    for exercise in report.get("exercises", []):
        specs = course.exercises[exercise["id"]].checks if exercise["id"] in course.exercises else {}
        for check in exercise.get("checks", []):
            spec = specs.get(check["id"])
            check["visibility"] = getattr(spec, "visibility", "visible")
    return report


def shown(check: CheckReport, published: bool = False) -> bool:
    """Whether a student may read the check's details now."""
    setting = check.get("visibility", "visible")
    return setting == "visible" or (published and setting in LATER)


def stricter(first: str, second: str) -> str:
    """The more restrictive of two visibilities (for a Gradescope test)."""
    return max(first, second, key=lambda name: RESTRICTIVENESS.get(name, 0))


def for_students(report: Report, texts: Catalogue, *, published: bool = False) -> Report:
    """A copy of ``report`` for student-facing outputs: the checks not shown keep their title,
    status and points, and say when their details come; the runs only they read are dropped."""
    student = copy.deepcopy(report)
    label = texts.section("visibility")
    for exercise in student.get("exercises", []):
        redacted = False
        for index, check in enumerate(exercise.get("checks", [])):
            if shown(check, published):
                continue
            kept = cast(CheckReport, {key: value for key, value in check.items() if key in KEPT})
            kept["message"] = label("later" if check["visibility"] in LATER else "hidden")
            kept["hint"] = ""
            exercise["checks"][index] = kept
            redacted = True
        if redacted and "runs" in exercise:
            wanted = {pid for check in exercise["checks"] for pid in check.get("runs", [])}
            exercise["runs"] = [run for run in exercise["runs"]
                                if run.get("run", run.get("harness_pid")) in wanted]
    return student


def publish_pages(out: Path, texts: Catalogue) -> int:
    """Rewrite each student's ``rapport.html`` of a cohort's ``out`` from its full report, with the
    details of ``after_*`` checks now shown; returns how many."""
    count = 0
    for path in sorted(Path(out).glob("students/*/report.json")):
        built = json.loads(path.read_text(encoding="utf-8"))
        page.write(for_students(built, texts, published=True), path.with_name("rapport.html"), texts)
        count += 1
    return count
