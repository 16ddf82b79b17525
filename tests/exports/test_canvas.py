"""The Canvas gradebook import, from a roster export (data/canvas) and a canned cohort: the five
columns Canvas requires then the assignment's, grades scaled to its points possible, students
matched by login, SIS id, then unambiguous name, the rest listed."""
from __future__ import annotations

import csv

import pytest

from exports_data import HERE, make_out, report
from grader import catalogue
from grader.cohort.exports import canvas, cohort

ROSTER = HERE / "data" / "canvas" / "roster.csv"


@pytest.fixture()
def students(tmp_path):
    return cohort(make_out(tmp_path / "out", [
        ("emartin", "emartin", "emartin", report("complet"), ""),  # login before the @
        ("E2026002", "E2026002", "E2026002.zip", report("sans_join"), ""),  # SIS user id
        ("Zoe-Nguyen", "Zoé Nguyễn", "Zoé Nguyễn", report("sequentiel"), ""),  # the name
        ("inconnu", "inconnu", "inconnu", report("brouillon"), ""),
    ]))


def test_import_file_columns_grades_and_listed(students, tmp_path):
    made = canvas.write(tmp_path, ROSTER, students, "TP multiprocessing (1234)",
                        catalogue.load("fr"))
    with (tmp_path / "canvas" / canvas.IMPORT_FILE).open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                             "TP multiprocessing (1234)"]
    grades = {row["SIS Login ID"]: row["TP multiprocessing (1234)"] for row in rows}
    for login, name in (("emartin@univ.example", "complet"), ("fdaubigne", "sans_join"),
                        ("znguyen", "sequentiel")):
        graded = report(name)  # scaled to the 20 points possible of the roster's column
        assert grades[login] == f"{round(graded['score'] / graded['max_score'] * 20, 2):g}"
    assert grades["amuller"] == "" and grades[""] == ""
    assert [row["Student"] for row in rows][0] == "Martin, Éloïse"
    problems = {(problem.key, problem.facts.get("etudiant") or problem.facts["nom"])
                for problem in made.problems}
    assert problems == {("no_submission", "Müller, Anaïs"), ("no_submission", "Student, Test"),
                        ("no_student", "inconnu")}
    assert "inconnu" in (tmp_path / "canvas" / canvas.PROBLEMS_FILE).read_text(encoding="utf-8")


def test_assignment_column_is_asked_when_not_clear(tmp_path, students):
    roster = canvas.read(ROSTER)
    assert canvas.assignment_column(roster, "tp multiprocessing") == "TP multiprocessing (1234)"
    assert canvas.assignment_column(roster, "Nouveau TP (999)") == "Nouveau TP (999)"
    roster.header.append("TP deux (1300)")
    with pytest.raises(canvas.RosterError):
        canvas.assignment_column(roster, None)
    made = canvas.build(roster, students, "Nouveau TP (999)", catalogue.load("en"))
    assert made.rows[1][-1] == "101"  # no points possible: the report's score


def test_two_students_with_the_same_name_are_not_guessed(tmp_path):
    students = cohort(make_out(tmp_path / "out", [
        ("Martin-Eloise", "Éloïse Martin", "Éloïse Martin", report("complet"), "")]))
    roster = canvas.read(ROSTER)
    roster.students.append(dict(roster.students[0], ID="5100", **{"SIS Login ID": "emartin2"}))
    made = canvas.build(roster, students, "TP multiprocessing (1234)", catalogue.load("fr"))
    assert made.matched == 0
    assert ("ambiguous", "Martin-Eloise") in {(p.key, p.facts.get("etudiant")) for p in made.problems}
