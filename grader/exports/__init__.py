"""The grades and feedback where teachers already are: one module per platform.

``junit`` (CI test reports: GitLab, GitHub test-report actions, Jenkins), ``classroom`` (GitHub
Classroom's grading reporter), ``moodle`` (grading worksheet and feedback files, both ways),
``canvas`` (gradebook import). Each reads the JSON report contract of ``grader/report.py`` — never
the checks — and writes its platform's format with the library made for it (``xml.etree``, ``csv``,
``zipfile``); every sentence comes from the ``exports:`` section of the catalogues.

Statuses: a check reported ``pending`` (schema 2) or ``skipped`` (schema 1) was not measured on
that machine: it is never shown as passed, scores 0 and keeps the ``max_score`` the report gives.
"""
from __future__ import annotations

from typing import Iterator

NOT_MEASURED = frozenset({"pending", "skipped"})  # schema 2, schema 1


def checks(report: dict) -> Iterator[tuple[dict, dict]]:
    """Each (exercise, check) of a report, in the report's order."""
    for exercise in report.get("exercises", []):
        for check in exercise.get("checks", []):
            yield exercise, check


def measured(check: dict) -> bool:
    """Whether the grader could measure the check (pending/skipped: not; never a pass)."""
    return check.get("status") not in NOT_MEASURED


def number(value: float) -> str:
    """A score as people write it: 7, 2.5 (no trailing ``.0``)."""
    return f"{round(value, 2):g}"
