"""An exercise is one folder: added to a copy of the course (``tests/data/new_exercise/ex10_somme``:
its exercise.yaml, checks.py, fr.yaml and en.yaml), it is graded by the unchanged engine, with its
own title, check titles and messages in each language, and the common guard checks it lists."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import courses
from conftest import DATA, grade, make_submission

NEW = DATA / "new_exercise"
EXERCISE = "ex10_somme"


def _course_with_the_new_exercise(tmp_path: Path) -> Path:
    course = courses.write_course(tmp_path, courses.shipped_settings())
    shutil.copytree(NEW / EXERCISE, course / EXERCISE)
    return course


@pytest.mark.parametrize("style", ["juste", "juste_imap"])  # with + map; imap_unordered + close
def test_an_exercise_added_as_one_folder_is_graded(tmp_path, style):
    """Only the folder is added, to a copy of the course: the engine is the shipped one."""
    course = _course_with_the_new_exercise(tmp_path)
    right = make_submission(tmp_path / style, {EXERCISE: NEW / "submissions" / style / f"{EXERCISE}.py"})
    graded = grade(right, EXERCISE, course=course)
    assert graded.returncode == 0, graded.stderr
    exercise = graded.exercise(EXERCISE)
    assert exercise["title"] == "Somme des carrés (exercice jetable des tests)"
    assert exercise["score"] == exercise["max_score"] == 4
    checks = graded.checks(EXERCISE)
    assert set(checks) == {"somme_carres_resultat", "carres_dans_des_workers", "import_sans_effet",
                           "script_sous_spawn"}
    assert checks["carres_dans_des_workers"]["title"] == (
        "Chaque carré est calculé dans un processus worker, aucun dans l'appelant")


def test_the_new_exercise_fails_a_mistake_with_its_own_message_in_each_language(tmp_path):
    course = _course_with_the_new_exercise(tmp_path)
    wrong = make_submission(tmp_path / "appelant",
                            {EXERCISE: NEW / "submissions" / "dans_l_appelant" / f"{EXERCISE}.py"})
    for language, said in (("fr", "dans le processus appelant"),
                           ("en", "of them in the calling process")):
        graded = grade(wrong, EXERCISE, course=course, language=language,
                       json_path=tmp_path / f"{language}.json")
        checks = graded.checks(EXERCISE)
        assert checks["somme_carres_resultat"]["status"] == "passed"
        failed = checks["carres_dans_des_workers"]
        assert failed["status"] == "failed" and failed["message_key"] == "carres_dans_l_appelant"
        assert said in failed["message"] and failed["hint"], failed
        assert graded.exercise(EXERCISE)["score"] == 3
