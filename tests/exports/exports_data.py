"""Canned reports for the exports' tests (no grading runs): the nine-exercise reports of
``tests/data/cohort_reports`` as written (schema 1), and the same in schema 2, where a check that
could not be measured is ``pending`` and keeps its ``max_score``."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from conftest import DATA

HERE = Path(__file__).parent
REPORTS = sorted((DATA / "cohort_reports").glob("*.json"))


def report(name: str) -> dict:
    return json.loads((DATA / "cohort_reports" / f"{name}.json").read_text(encoding="utf-8"))


def schema2(schema1: dict) -> dict:
    """``schema1`` as the lead's schema 2 reports it: skipped -> pending with its course points
    (taken from a solution's report, where the same check passed), max scores summed again."""
    full = {(exercise["id"], check["id"]): check["max_score"]
            for exercise in report("sans_join")["exercises"] for check in exercise["checks"]}
    upgraded = copy.deepcopy(schema1)
    upgraded["schema"] = 2
    for exercise in upgraded["exercises"]:
        for check in exercise["checks"]:
            if check["status"] == "skipped":
                check.update(status="pending", score=0.0,
                             max_score=full[(exercise["id"], check["id"])] or 1.0)
        exercise["max_score"] = sum(check["max_score"] for check in exercise["checks"])
        exercise["score"] = sum(check["score"] for check in exercise["checks"])
    upgraded["max_score"] = sum(exercise["max_score"] for exercise in upgraded["exercises"])
    upgraded["score"] = sum(exercise["score"] for exercise in upgraded["exercises"])
    return upgraded
