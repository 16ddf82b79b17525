"""Verdicts hold on a busy machine: every core burning, the solutions still get full marks and the
sequential mistakes still fail their parallelism checks."""
from __future__ import annotations

import pytest

from conftest import EXPECTATIONS, SOLUTIONS, assert_variant_verdicts, grade, machine_bound

TIMING_SENSITIVE = [
    ("ex01_process", "plusieurs_sequentiel"),
    ("ex03_pool_map", "sequentiel"),
    ("ex03_pool_map", "apply_en_boucle"),
    ("ex03_pool_map", "moins_de_processus"),
    ("ex03_pool_map", "threadpool"),
    ("ex04_pool_starmap", "sequentiel"),
    ("ex05_pool_async", "get_immediat"),
    ("ex05_pool_async", "attend_tout_avant"),
    ("ex08_shared_memory", "sans_verrou"),
    ("ex08_shared_memory", "verrou_local"),
    ("ex08_shared_memory", "compteur_sequentiel"),
    ("ex09_cpu_bound", "threads_partout"),
]

pytestmark = pytest.mark.load


def test_solutions_get_full_marks_under_load(tmp_path, cpu_hogs):
    graded = grade(SOLUTIONS, json_path=tmp_path / "r.json")
    not_passed = [(exercise["id"], check["id"], check["message"]) for exercise in
                  graded.report["exercises"] for check in exercise["checks"]
                  if check["status"] != "passed" and not machine_bound(check)]
    assert not not_passed


@pytest.mark.parametrize("exercise_id, variant", TIMING_SENSITIVE,
                         ids=[f"{e}/{v}" for e, v in TIMING_SENSITIVE])
def test_timing_sensitive_variant_verdicts_hold_under_load(tmp_path, cpu_hogs, exercise_id, variant):
    assert_variant_verdicts(tmp_path, exercise_id, variant, EXPECTATIONS[exercise_id][variant])
