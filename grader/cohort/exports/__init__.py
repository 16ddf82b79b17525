"""The grades and feedback where teachers already are: one module per platform.

``junit`` (CI test reports: GitLab, GitHub test-report actions, Jenkins), ``classroom`` (GitHub
Classroom's grading reporter), ``moodle`` (grading worksheet and feedback files, both ways),
``canvas`` (gradebook import). Each reads the JSON report contract of ``grader/report/model.py`` — never
the checks — and writes its platform's format with the library made for it (``xml.etree``, ``csv``,
``zipfile``); every sentence comes from the ``exports:`` section of the catalogues.

Statuses: a check reported ``pending`` (schema 2) or ``skipped`` (schema 1) was not measured on
that machine: it is never shown as passed, scores 0 and keeps the ``max_score`` the report gives.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.cohort.gradebook import GRADED
from grader.cohort.intake import MOODLE_NAME
from grader.report.model import NOT_MEASURED, CheckReport, ExerciseReport, Report


def checks(report: Report) -> Iterator[tuple[ExerciseReport, CheckReport]]:
    """Each (exercise, check) of a report, in the report's order."""
    for exercise in report.get("exercises", []):
        for check in exercise.get("checks", []):
            yield exercise, check


def measured(check: CheckReport) -> bool:
    """Whether the grader could measure the check (pending/skipped: not; never a pass)."""
    return check.get("status") not in NOT_MEASURED


def number(value: float) -> str:
    """A score as people write it: 7, 2.5 (no trailing ``.0``)."""
    return f"{round(value, 2):g}"


@dataclass(frozen=True)
class Graded:
    """A student of a cohort's ``--out`` folder, as ``grader/cohort/batch.py`` left them."""

    id: str
    name: str
    source: Path  # the submission as found in SUBMISSIONS (a Moodle folder carries the number)
    row: dict  # the gradebook row: status ok/review/error, reason, score, max_score, exercises
    folder: Path  # students/<id>: report.json, rapport.html

    @property
    def graded(self) -> bool:
        return self.row.get("status") in GRADED and self.row.get("score") is not None

    @property
    def report(self) -> Report | None:
        """The report the grader wrote (its contract: docs/report.schema.json)."""
        try:
            return json.loads((self.folder / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @property
    def moodle_number(self) -> str | None:
        """The participant number of a Moodle submission (``Nom_12345_assignsubmission_file``)."""
        found = MOODLE_NAME.fullmatch(self.source.name)
        return found["number"] if found else None


def cohort(out: Path) -> list[Graded]:
    """The students of ``out`` (a ``cohort`` or ``merge`` output folder), sorted by id."""
    found = []
    for entry_path in sorted((Path(out) / "students").glob("*/entry.json")):
        try:
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a student still being graded: not done
        row = entry["row"]
        found.append(Graded(row["id"], row.get("name") or row["id"], Path(entry.get("source", "")),
                            row, entry_path.parent))
    return found
