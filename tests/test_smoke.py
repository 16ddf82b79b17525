"""The smoke test of one Python version (``nox -s smoke``): in a few minutes, the grader still
grades as it should on this interpreter.

The reference solutions get full marks under the three start methods (all nine exercises under
spawn; under fork and forkserver the exercises whose objects cross to the children differently
with the start method: ``Process``, ``Pool``, ``Queue``, ``Pipe``, ``Value``/``Array`` — ex04, ex05
and ex09 use the same Pool as ex03, and ex02's guard is always judged under spawn), the stubs get 0
with a short summary, and one known-bad variant of each exercise (``SMOKE_VARIANTS``, graded
together) fails exactly its expected checks.
Not part of ``make test`` (marker ``smoke``): the full suite grades all of this and more.
"""
from __future__ import annotations

import multiprocessing

import pytest

from conftest import (
    BAD,
    EXPECTATIONS,
    SOLUTIONS,
    START_METHOD_EXERCISES,
    STUBS,
    assert_graded_variant,
    grade,
    machine_bound,
    make_submission,
)

pytestmark = pytest.mark.smoke

# One quick mistake per exercise: none hangs to its time limit, none depends on the machine.
SMOKE_VARIANTS = {
    "ex01_process": "run_au_lieu_de_start",
    "ex02_main_guard": "print_au_niveau_module",
    "ex03_pool_map": "threadpool",
    "ex04_pool_starmap": "map_avec_aide",
    "ex05_pool_async": "map_au_lieu_de_map_async",
    "ex06_queue": "sortie_sans_prefixe",
    "ex07_pipe": "pong_incorrect",
    "ex08_shared_memory": "compteur_sequentiel",
    "ex09_cpu_bound": "resultats_tries",
}
SUMMARY_LINES = 60  # the stubs' terminal summary: one line per exercise not started, and a few more


def _not_passed(report: dict) -> list[tuple]:
    return [(exercise["id"], check["id"], check["status"], check["message"])
            for exercise in report["exercises"] for check in exercise["checks"]
            if check["status"] != "passed" and not machine_bound(check)]


@pytest.mark.parametrize("start_method", ["spawn", "fork", "forkserver"])
def test_solutions_get_full_marks(tmp_path, course_settings, start_method):
    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{start_method} does not exist on this platform")
    exercises = (list(course_settings["exercises"]) if start_method == "spawn"
                 else list(START_METHOD_EXERCISES))
    graded = grade(SOLUTIONS, *exercises, start_method=start_method, json_path=tmp_path / "r.json")
    assert graded.report, graded.stdout + graded.stderr
    assert graded.report["start_method"] == start_method
    assert [exercise["id"] for exercise in graded.report["exercises"]] == exercises
    assert not _not_passed(graded.report)
    assert graded.returncode not in (1, 2)


def test_stubs_score_zero_with_a_short_summary(tmp_path):
    graded = grade(STUBS, json_path=tmp_path / "r.json")
    assert graded.returncode == 1 and graded.report["score"] == 0
    for exercise in graded.report["exercises"]:
        for check in exercise["checks"]:
            assert check["status"] in ("failed", "error"), check
            assert check["message"] and check["hint"], check
    assert "pas encore commencé" in graded.stdout and "Traceback" not in graded.stderr
    assert len(graded.stdout.splitlines()) < SUMMARY_LINES, graded.stdout


def test_one_known_bad_variant_of_each_exercise(tmp_path, course_settings):
    assert set(SMOKE_VARIANTS) == set(course_settings["exercises"])
    folder = make_submission(tmp_path / "variantes", {
        exercise_id: BAD / exercise_id / f"{variant}.py" for exercise_id, variant in SMOKE_VARIANTS.items()})
    graded = grade(folder, json_path=tmp_path / "r.json")
    assert graded.report, graded.stdout + graded.stderr
    assert graded.returncode == 1
    for exercise_id, variant in SMOKE_VARIANTS.items():
        assert_graded_variant(graded, exercise_id, EXPECTATIONS[exercise_id][variant])
