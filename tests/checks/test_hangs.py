"""A submission that hangs or deadlocks is an ``error`` with a diagnosis, within its time limit,
and none of its processes survives the grading."""
from __future__ import annotations

import pytest

from conftest import DATA, ROOT, SOLUTIONS, grade, make_submission
from hangs import (
    HANGS,
    TIME_LIMIT_S,
    assert_hang_diagnosed,
    places,
)

HOSTILE = ROOT / "tests" / "hostile"

@pytest.mark.parametrize("exercise_id, hanging_check, stuck_in", HANGS)
def test_hang_is_an_error_with_a_diagnosis_and_leaves_nothing(tmp_path, short_course, exercise_id,
                                                             hanging_check, stuck_in,
                                                             tracked_processes):
    assert_hang_diagnosed(tmp_path, short_course, exercise_id, hanging_check, stuck_in,
                          tracked_processes)


def test_a_function_that_hung_once_is_not_waited_for_again(tmp_path, short_course, tracked_processes):
    """ex03's ``carre`` computes for ever: the first run that calls it waits for the limit, and
    every later run that calls it again (here in the pool's workers) stops at once, with the
    diagnosis of the first; where nothing calls it (the empty list), the call is judged as usual."""
    folder = make_submission(tmp_path / "loop", {"ex03_pool_map": HOSTILE / "boucle_infinie.py"})
    checks = grade(folder, "ex03_pool_map", course=short_course).checks("ex03_pool_map")
    assert checks["carre_resultat"]["message_key"] == "delai_depasse", checks["carre_resultat"]
    for check_id in ("carres_paralleles_resultat", "carres_paralleles_cas_limites", "pool_ferme",
                     "taches_dans_des_enfants"):
        check = checks[check_id]
        assert (check["status"], check["message_key"]) == ("error", "boucle_deja_vue"), check
        assert check["facts"]["boucle"] == "carre" and f"{TIME_LIMIT_S} s" in check["message"]
        assert any("carre (ex03_pool_map.py:" in place for place in places(check))
    assert tracked_processes() == set()


def test_a_loop_the_demonstration_met_never_decides_the_exercise_s_own_checks(
        tmp_path, short_course, tracked_processes):
    """The script run (a guard check, graded beside ex02 in a pytest of its own before the timing
    checks) waits for ``carre`` looping; the exercise's own checks learn it from their own first
    run only, as when every check runs in one pytest (the guard checks last): a heavy but correct
    demonstration never marks a function as looping for them."""
    folder = make_submission(tmp_path / "loop", {"ex03_pool_map": DATA / "hang" / "ex03_demo_loops.py",
                                                 "ex02_main_guard": SOLUTIONS / "ex02_main_guard.py"})
    graded = grade(folder, "ex02_main_guard", "ex03_pool_map", course=short_course)
    checks = graded.checks("ex03_pool_map")
    assert checks["script_sous_spawn"]["message_key"] == "delai_depasse", checks["script_sous_spawn"]
    assert checks["carre_resultat"]["message_key"] == "delai_depasse", checks["carre_resultat"]
    check = checks["carres_paralleles_resultat"]
    assert (check["status"], check["message_key"]) == ("error", "boucle_deja_vue"), check
    assert tracked_processes() == set()


def test_a_sleeping_hang_is_waited_for_in_every_run(tmp_path, short_course):
    """ex03's ``carre`` that sleeps for ever may be waiting for something: each run waits for it."""
    folder = make_submission(tmp_path / "hang", {"ex03_pool_map": DATA / "hang" / "ex03_pool_map.py"})
    checks = grade(folder, "ex03_pool_map", course=short_course).checks("ex03_pool_map")
    keys = {check.get("message_key") for check in checks.values()}
    assert "boucle_deja_vue" not in keys and "delai_depasse" in keys, keys


def test_a_deadlock_is_waited_for_in_every_run(tmp_path, short_course):
    """ex01's deadlock waits inside the library (a join, a get): it may depend on the inputs, so
    no function of it is taken for a loop, and each run is judged on its own."""
    folder = make_submission(tmp_path / "hang", {"ex01_process": DATA / "hang" / "ex01_process.py"})
    checks = grade(folder, "ex01_process", course=short_course).checks("ex01_process")
    keys = {check.get("message_key") for check in checks.values()}
    assert "boucle_deja_vue" not in keys and "delai_depasse" in keys, keys
