"""One report from the parts a cohort grades apart (grader.report.model.combine): the checks that
judge timing, with the cores alone, and the others, side by side."""
from __future__ import annotations

import copy
import json

from conftest import DATA, validate_report
from grader import config
from grader.report import model

COURSE = config.load()


def _part(report: dict, timed: bool) -> dict:
    """The report as the part of the checks that judge timing (or of the others) would be."""
    part = copy.deepcopy(report)
    sections = []
    for section in part["exercises"]:
        exercise = COURSE.exercise(section["id"])
        section["checks"] = [check for check in section["checks"]
                             if exercise.judges_time(check["id"]) == timed]
        if not timed:
            section["runs"] = []
        if section["checks"]:
            sections.append(model._totalled(section))
    part["exercises"] = sections
    return part


def test_an_exercise_graded_in_two_parts_is_one_section_as_if_graded_whole():
    whole = json.loads((DATA / "cohort_reports" / "complet.json").read_text(encoding="utf-8"))
    whole["exercises"][-1]["runs"] = [{"run": 1, "status": "finished"}]  # a timing run of ex09
    timed, untimed = _part(whole, timed=True), _part(whole, timed=False)
    assert [section["id"] for section in timed["exercises"]] == [
        exercise.id for exercise in COURSE.exercises.values() if exercise.timing]
    combined = model.combine([untimed, timed], COURSE, submission=whole["submission"])
    assert combined["exercises"] == whole["exercises"]
    assert (combined["score"], combined["max_score"]) == (whole["score"], whole["max_score"])
    validate_report(combined)
