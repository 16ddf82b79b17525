"""One report from the parts a cohort grades apart (grader.report.model.combine): the checks that
judge timing, with the cores alone, and the others, side by side."""
from __future__ import annotations

import copy
import json
import os
import stat
import threading

import pytest

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


def test_a_report_written_to_a_link_or_a_pipe_goes_through_it_and_leaves_it_in_place(tmp_path):
    """``--json /dev/stdout``, or a path a teacher linked elsewhere: written to, never replaced
    by a regular file (as root, ``--json /dev/null`` left one in the device's place)."""
    target = tmp_path / "target.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    model.write_text("new", link)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")),
                              daemon=True)
    reader.start()
    model.write_text("through", pipe)
    reader.join(timeout=10)
    assert received == ["through"] and stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_report_path_that_is_a_folder_is_refused_with_its_name(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        model.write_text("{}", tmp_path)
