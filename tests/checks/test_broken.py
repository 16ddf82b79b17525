"""Broken code gets a clear verdict on its own exercise, and the others are graded normally."""
from __future__ import annotations

import pytest

from conftest import DATA, SOLUTIONS, assert_full_marks_but_pending, grade, make_submission

BROKEN = "ex02_main_guard"


@pytest.mark.parametrize("case, words", [
    ("erreur_syntaxe", ["syntaxe", "ligne 5"]),
    ("fonction_absente", ["main", "n'existe pas"]),
    ("mauvaise_signature", ["double", "(x, y)", "(x)"]),
    ("exception_import", ["ValueError", "ligne 4"]),
])
def test_a_broken_exercise_errors_alone(tmp_path, case, words):
    folder = make_submission(tmp_path / case, {
        "ex01_process": SOLUTIONS / "ex01_process.py",
        BROKEN: DATA / "broken" / f"{case}.py",
        "ex03_pool_map": SOLUTIONS / "ex03_pool_map.py",
    })
    graded = grade(folder)
    for exercise_id in ("ex01_process", "ex03_pool_map"):
        assert_full_marks_but_pending(graded, exercise_id)
    checks = graded.checks(BROKEN)
    assert checks["main_resultat"]["status"] == "error"
    for word in words:
        assert word in checks["main_resultat"]["message"], checks["main_resultat"]["message"]
    assert graded.report["internal_errors"] == 0 and graded.returncode == 1


@pytest.mark.parametrize("case, words", [
    ("sortie_import", ["sys.exit()", "ligne 5"]),
    ("os_exit_import", ["import du module", "code 3"]),
    ("sortie_fonction", ["main", "sys.exit()", "code 2"]),
    ("os_exit_fonction", ["main", "code 4"]),
    ("segfault_main", ["Segmentation fault", "main (ex02_main_guard.py:10)"]),
    ("fichier_vide", ["vide"]),
    ("pas_du_python", ["pas un fichier texte Python"]),
    ("latin1", ["UTF-8", "ligne 1", "0xe9"]),
])
def test_code_that_exits_crashes_or_is_not_python_errors_alone(tmp_path, case, words):
    """The same, for the ways a file can stop the interpreter or not be Python at all (with one
    other exercise beside it: each case costs a few seconds)."""
    folder = make_submission(tmp_path / case, {
        BROKEN: DATA / "broken" / f"{case}.py",
        "ex03_pool_map": SOLUTIONS / "ex03_pool_map.py",
    })
    graded = grade(folder)
    assert_full_marks_but_pending(graded, "ex03_pool_map")
    main = graded.checks(BROKEN)["main_resultat"]
    assert main["status"] == "error" and main["hint"], main
    for word in words:
        assert word in main["message"], main["message"]
    assert graded.report["internal_errors"] == 0 and graded.returncode == 1


def test_a_missing_file_is_an_error_on_its_exercise_only(tmp_path):
    folder = make_submission(tmp_path / "only03", {"ex03_pool_map": SOLUTIONS / "ex03_pool_map.py"})
    graded = grade(folder)
    assert_full_marks_but_pending(graded, "ex03_pool_map")
    for exercise_id in ("ex01_process", BROKEN):
        statuses = {check["status"] for check in graded.exercise(exercise_id)["checks"]}
        assert statuses == {"error"}
        assert all("introuvable" in check["message"] for check in graded.exercise(exercise_id)["checks"])
