"""The reference solutions get full marks, the stubs get 0 with a message on every check."""
from __future__ import annotations

import pytest

from conftest import SOLUTIONS, STUBS, course_maximum, grade, machine_bound


@pytest.fixture(scope="module")
def solutions(tmp_path_factory):
    return grade(SOLUTIONS, json_path=tmp_path_factory.mktemp("solutions") / "r.json")


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    return grade(STUBS, json_path=tmp_path_factory.mktemp("stubs") / "r.json")


def test_solutions_get_full_marks(solutions, course_settings):
    """Beside the suite's other workers: every check passes, or is pending because the grader's
    calibration showed this machine busy (tests/checks/test_idle_verdicts.py requires every one to
    pass on an idle machine); the maximum is the course's whatever was measured."""
    not_passed = [check for exercise in solutions.report["exercises"] for check in exercise["checks"]
                  if check["status"] != "passed"]
    assert all(check["status"] == "pending" and machine_bound(check) for check in not_passed), \
        solutions.stdout
    assert solutions.returncode == (3 if not_passed else 0), solutions.stdout
    assert solutions.report["max_score"] == course_maximum() > 0
    graded = {exercise["id"]: {check["id"] for check in exercise["checks"]}
              for exercise in solutions.report["exercises"]}
    declared = {exercise_id: set(spec["checks"])
                for exercise_id, spec in course_settings["exercises"].items()}
    assert graded == declared


def test_solutions_report_follows_the_contract(solutions):
    report = solutions.report
    assert report["schema"] == 3 and report["submission"] == "solutions"  # 3: each check's kind
    assert report["pending"] == [{"exercise": exercise["id"], "check": check["id"]}
                                 for exercise in report["exercises"] for check in exercise["checks"]
                                 if check["status"] == "pending"]
    for exercise in report["exercises"]:
        assert set(exercise) >= {"id", "title", "score", "max_score", "checks"}
        for check in exercise["checks"]:
            assert set(check) >= {"id", "title", "category", "status", "score", "max_score",
                                  "message", "duration_s"}
            assert check["category"] in ("result", "guard", "parallelism", "shutdown", "api")


def test_each_check_links_to_the_runs_it_read_whichever_pytest_made_them(solutions):
    """An exercise graded in several pytests (ex03: its untimed calls, its demonstration, its
    timed run) keeps one number per run: the page draws each check beside its own runs."""
    for exercise in solutions.report["exercises"]:
        numbers = [run["run"] for run in exercise.get("runs", [])]
        assert len(numbers) == len(set(numbers)), exercise["id"]
        read = {number for check in exercise["checks"] for number in check.get("runs", [])}
        assert read <= set(numbers), exercise["id"]
    ex03 = next(exercise for exercise in solutions.report["exercises"] if exercise["id"] == "ex03_pool_map")
    calls = {check["id"]: check.get("runs", []) for check in ex03["checks"]}
    assert calls["duree_dans_la_borne"] and set(calls["duree_dans_la_borne"]).isdisjoint(
        calls["carres_sequentiels_resultat"] + calls["carres_paralleles_cas_limites"])


def test_stubs_score_zero_with_a_message_on_every_check(stubs):
    assert stubs.returncode == 1
    assert stubs.report["score"] == 0 and stubs.report["max_score"] == course_maximum()
    assert stubs.report["internal_errors"] == 0
    for exercise in stubs.report["exercises"]:
        for check in exercise["checks"]:
            assert check["status"] in ("failed", "error"), check
            assert check["message"] and check["hint"], check
    assert "Traceback" not in stubs.stderr


def test_stub_of_the_guard_exercise_explains_the_missing_guard(stubs):
    checks = {check["id"]: check for check in
              next(e for e in stubs.report["exercises"] if e["id"] == "ex02_main_guard")["checks"]}
    script = checks["script_sous_spawn"]
    assert script["status"] == "failed"
    assert "if __name__ == '__main__':" in script["hint"]
    assert "RuntimeError" not in script.get("details", "")  # explained, not dumped
    assert checks["import_sans_effet"]["status"] == "failed"
    assert "ligne" in checks["import_sans_effet"]["message"]
