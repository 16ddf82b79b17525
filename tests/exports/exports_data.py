"""Canned reports for the exports' tests (no grading runs): the nine-exercise reports of
``tests/data/cohort_reports`` as written (schema 2: a check that could not be measured is
``pending`` and keeps its ``max_score``), and the same as schema 1 wrote them (``skipped``)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from conftest import DATA
from grader.report.model import Report

HERE = Path(__file__).parent
REPORTS = sorted((DATA / "cohort_reports").glob("*.json"))


def report(name: str) -> Report:
    return json.loads((DATA / "cohort_reports" / f"{name}.json").read_text(encoding="utf-8"))


def schema1(schema2: dict) -> dict:
    """``schema2`` as a report of schema 1 wrote it (an earlier run's, read by an export): a check
    that could not be measured ``skipped`` with a max_score of 0, max scores summed again."""
    older = copy.deepcopy(schema2)
    older["schema"] = 1
    older.pop("pending", None)
    for exercise in older["exercises"]:
        for check in exercise["checks"]:
            if check["status"] == "pending":
                check.update(status="skipped", score=0.0, max_score=0.0)
        exercise["max_score"] = sum(check["max_score"] for check in exercise["checks"])
    older["max_score"] = sum(exercise["max_score"] for exercise in older["exercises"])
    return older


def make_out(out: Path, students: list[tuple[str, str, str, Report | None, str]]) -> Path:
    """A cohort ``--out`` folder as ``grader/cohort/batch.py`` leaves it, without grading: for each
    (id, name, source folder name, report or None, problem) an entry.json, report.json and page."""
    from grader.cohort import gradebook
    for student_id, name, source, built, problem in students:
        folder = out / "students" / student_id
        folder.mkdir(parents=True)
        row = gradebook.row(student_id, name, built, problem=problem,
                            page=f"students/{student_id}/rapport.html" if built else None)
        if built:
            (folder / "report.json").write_text(json.dumps(built), encoding="utf-8")
            (folder / "rapport.html").write_text(f"<!doctype html><title>{name}</title>",
                                                 encoding="utf-8")
        entry = {"key": {}, "row": row, "source": f"/submissions/{source}"}
        (folder / "entry.json").write_text(json.dumps(entry), encoding="utf-8")
    return out


def moodle_cohort(out: Path) -> Path:
    """The cohort of the worksheets in data/moodle (see its README)."""
    return make_out(out, [
        ("eloise-martin_123456", "Éloïse Martin", "Éloïse Martin_123456_assignsubmission_file",
         report("complet"), ""),
        ("francois-d-aubigne-lenero_123457", "François D'Aubigné-Leñero",
         "François D'Aubigné-Leñero_123457_assignsubmission_file_", report("sans_join"), ""),
        ("zoe-nguyen_123458", "Zoé Nguyễn", "Zoé Nguyễn_123458_assignsubmission_file",
         report("complet"), ""),
        ("jean-noel-o-brien_123460", "Jean-Noël O'Brien",
         "Jean-Noël O'Brien_123460_assignsubmission_file", None, "archive corrompue"),
        ("marc-lefevre_123999", "Marc Lefèvre", "Marc Lefèvre_123999_assignsubmission_file",
         report("sequentiel"), ""),
        ("alice", "alice", "alice.zip", report("brouillon"), ""),
    ])
