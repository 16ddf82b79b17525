"""Feedback visibility (``grader/report/visibility.py``): a check's details kept from the student-facing
outputs until published, as Gradescope's ``visibility``; the Gradescope export gives each test its
check's visibility. From canned reports: nothing is graded here."""
from __future__ import annotations

import json

import pytest

import courses
from conftest import DATA
from grader import catalogue, config
from grader.cohort import gradescope
from grader.config import ConfigError
from grader.report import page, terminal, visibility
from grader.report.model import Report

SECRET = "entrée secrète 4242"


def _course(tmp_path, **settings):
    """The shipped course with ex06 hidden after the due date and one ex08 check hidden."""
    raw = courses.shipped_settings()
    raw["exercises"]["ex06_queue"]["visibility"] = settings.get("ex06", "after_due_date")
    raw["exercises"]["ex08_shared_memory"]["checks"]["incrementer_sans_perte"]["visibility"] = (
        settings.get("ex08", "hidden"))
    return config.load(courses.write_course(tmp_path, raw))


def _report(course) -> Report:
    built = json.loads((DATA / "cohort_reports" / "sans_join.json").read_text(encoding="utf-8"))
    for exercise in built["exercises"]:
        for check in exercise["checks"]:
            if exercise["id"] == "ex06_queue" or check["id"] == "incrementer_sans_perte":
                check.update(message=f"{check['id']} : {SECRET}", hint=SECRET,
                             facts={"entree": SECRET}, status="failed", score=0.0)
    return visibility.annotate(built, course)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _check(built: dict, exercise_id: str, check_id: str) -> dict:
    section = next(section for section in built["exercises"] if section["id"] == exercise_id)
    return next(check for check in section["checks"] if check["id"] == check_id)


def test_settings_per_exercise_and_per_check(tmp_path):
    course = _course(tmp_path)
    assert {spec.visibility for spec in course.exercise("ex06_queue").checks.values()} == {
        "after_due_date"}
    checks = course.exercise("ex08_shared_memory").checks
    assert checks["incrementer_sans_perte"].visibility == "hidden"
    assert checks["incrementer_resultat"].visibility == "visible"
    with pytest.raises(ConfigError, match="visibility"):
        _course(tmp_path, ex06="bientot")


def test_student_outputs_hide_the_details_until_published(tmp_path):
    course = _course(tmp_path)
    built = _report(course)
    texts = catalogue.load("fr")
    student = visibility.for_students(built, texts)
    for exercise_id, check_id in (("ex06_queue", "pipeline_grand_n"),
                                  ("ex08_shared_memory", "incrementer_sans_perte")):
        hidden = _check(student, exercise_id, check_id)
        assert SECRET not in _dumps(hidden) and "facts" not in hidden
        assert hidden["score"] == _check(built, exercise_id, check_id)["score"]
        assert hidden["max_score"] == _check(built, exercise_id, check_id)["max_score"]
    assert _check(student, "ex08_shared_memory", "incrementer_resultat") == _check(
        built, "ex08_shared_memory", "incrementer_resultat")  # a visible check: as it was
    assert student["score"] == built["score"] and SECRET in _dumps(built)  # the teacher's copy
    assert SECRET in page.render(built, texts) and SECRET in terminal.render(built, texts)
    assert SECRET not in page.render(student, texts)
    assert SECRET not in terminal.render(student, texts)
    assert "publié par l'enseignant" in terminal.render(student, texts)
    published = visibility.for_students(built, texts, published=True)
    assert SECRET in _check(published, "ex06_queue", "pipeline_grand_n")["message"]
    assert SECRET not in _dumps(_check(published, "ex08_shared_memory",
                                           "incrementer_sans_perte"))  # hidden: never


def test_gradescope_gives_each_test_its_checks_visibility(tmp_path):
    built = _report(_course(tmp_path))
    tests = gradescope.results(built, catalogue.load("fr"))["tests"]
    by_visibility = {}
    for test in tests:
        by_visibility.setdefault(test["visibility"], set()).add(test["tags"][1])
    assert by_visibility["after_due_date"] == {"ex06_queue"}
    assert by_visibility["hidden"] == {"ex08_shared_memory"}
    assert "ex08_shared_memory" in by_visibility["visible"]
    everything = gradescope.results(built, catalogue.load("fr"), visibility="after_published")
    assert {test["visibility"] for test in everything["tests"]} == {"after_published", "hidden"}


def test_export_publish_rewrites_the_students_pages(tmp_path):
    course = _course(tmp_path)
    built = _report(course)
    folder = tmp_path / "out" / "students" / "alice"
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(json.dumps(built), encoding="utf-8")
    texts = catalogue.load("fr")
    page.write(visibility.for_students(built, texts), folder / "rapport.html", texts)
    assert "pipeline_grand_n : " + SECRET not in (folder / "rapport.html").read_text("utf-8")
    assert visibility.publish_pages(tmp_path / "out", texts) == 1
    assert "pipeline_grand_n : " + SECRET in (folder / "rapport.html").read_text("utf-8")
