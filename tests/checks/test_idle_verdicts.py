"""On an idle machine the timing checks decide, both ways: the reference passes every timing and
speed-up check (none pending), and the sequential, one-worker and threads mistakes fail them (none
pending). A change that made these checks "cannot measure" on every machine turns this red.

Serial: nothing else may run beside these gradings (``make test`` runs them alone).
"""
from __future__ import annotations

import pytest

from conftest import BAD, SOLUTIONS, grade, make_submission

pytestmark = pytest.mark.serial

# (exercise, known-bad variant, the timing checks it must fail)
SEQUENTIAL_MISTAKES = [
    ("ex03_pool_map", "sequentiel", ["duree_dans_la_borne"]),
    ("ex04_pool_starmap", "sequentiel", ["duree_dans_la_borne"]),
    ("ex05_pool_async", "get_immediat", ["executer_async_simultane"]),
    ("ex09_cpu_bound", "threads_partout", ["acceleration"]),
    ("ex09_cpu_bound", "un_seul_processus", ["acceleration"]),
]


def test_the_reference_passes_every_check_with_none_pending(tmp_path):
    graded = grade(SOLUTIONS, json_path=tmp_path / "r.json")
    not_passed = [(exercise["id"], check["id"], check["status"], check["message"])
                  for exercise in graded.report["exercises"] for check in exercise["checks"]
                  if check["status"] != "passed"]
    assert not not_passed and graded.returncode == 0
    assert graded.report["pending"] == []


@pytest.mark.parametrize("exercise_id, variant, timing_checks", SEQUENTIAL_MISTAKES,
                         ids=[f"{e}/{v}" for e, v, _ in SEQUENTIAL_MISTAKES])
def test_a_sequential_mistake_fails_its_timing_checks_none_pending(tmp_path, exercise_id, variant,
                                                                   timing_checks):
    folder = make_submission(tmp_path / variant, {exercise_id: BAD / exercise_id / f"{variant}.py"})
    checks = grade(folder, exercise_id).checks(exercise_id)
    assert {check_id: checks[check_id]["status"] for check_id in timing_checks} \
        == dict.fromkeys(timing_checks, "failed"), [checks[check_id] for check_id in timing_checks]
    assert not [check_id for check_id, check in checks.items() if check["status"] == "pending"]
