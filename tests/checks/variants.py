"""The known-good and known-bad variants the check tests grade, split by exercise family so that
``make test``'s workers share the gradings (one module per family): which variants, how each is
graded, and what it must get."""
from __future__ import annotations

import zlib
from pathlib import Path

import pytest
import yaml

from conftest import course_maximum, grade, machine_bound, make_submission, variants_of

GOOD = Path(__file__).parent.parent / "good"
SETTINGS = yaml.safe_load((GOOD / "expectations.yaml").read_text(encoding="utf-8"))
FILES = sorted((path.parent.name, path.stem) for path in GOOD.glob("ex*/*.py"))
MINIMUM_PER_EXERCISE = 3
POOL_EXERCISES = ("ex01_process", "ex02_main_guard", "ex03_pool_map", "ex04_pool_starmap",
                  "ex05_pool_async")
# The exercises whose mistakes hang or burn CPU: queues, pipes, shared memory, CPU-bound work.
COMMUNICATION_EXERCISES = ("ex06_queue", "ex07_pipe", "ex08_shared_memory", "ex09_cpu_bound")
BAD_POOL_VARIANTS = variants_of(POOL_EXERCISES)
BAD_COMMUNICATION_VARIANTS = variants_of(COMMUNICATION_EXERCISES)


def cases(start_methods: tuple[str, ...], *, representatives_only: bool,
          exercises: tuple[str, ...] | None = None, excluded: tuple[str, ...] = ()) -> list:
    """pytest parameters (exercise, variant, start method), a known failure marked as such."""
    found = []
    for exercise_id, variant in FILES:
        if (exercises is not None and exercise_id not in exercises) or exercise_id in excluded:
            continue
        if representatives_only and SETTINGS["representatives"].get(exercise_id) != variant:
            continue
        known = (SETTINGS.get("known_failures") or {}).get(exercise_id, {}).get(variant)
        marks = [pytest.mark.xfail(reason=known["why"], strict=True, raises=AssertionError)] if known else []
        found += [pytest.param(exercise_id, variant, method, marks=marks,
                               id=f"{exercise_id}/{variant}/{method}") for method in start_methods]
    return found


def assert_full_marks(tmp_path: Path, exercise_id: str, variant: str, start_method: str) -> None:
    """Grade the variant alone; a known failure must fail exactly its listed checks (then the
    full-marks assertion fails, as its xfail expects); any other shortfall fails the test."""
    folder = make_submission(tmp_path / variant, {exercise_id: GOOD / exercise_id / f"{variant}.py"})
    seed = zlib.crc32(f"{exercise_id}/{variant}".encode())  # other inputs per variant, the same each run
    graded = grade(folder, exercise_id, seed=seed, start_method=start_method)
    assert graded.report, graded.stderr
    assert graded.report["start_method"] == start_method
    checks = graded.exercise(exercise_id)["checks"]
    explanation = "\n".join(f"{check['id']}: {check['status']} ({check.get('message_key')}) — "
                            f"{check['message']}" for check in checks if check["status"] != "passed")
    short = {check["id"] for check in checks if check["status"] != "passed"
             and not (check["status"] == "pending" and machine_bound(check))}
    known = (SETTINGS.get("known_failures") or {}).get(exercise_id, {}).get(variant)
    if known and short != set(known["fails"]):
        pytest.fail(f"known failure, but not the one expected ({sorted(known['fails'])}):\n{explanation}")
    assert not short, explanation
    maximum = course_maximum(exercise_id)
    pending_points = sum(check["max_score"] for check in checks if check["status"] == "pending")
    assert graded.report["max_score"] == graded.exercise(exercise_id)["max_score"] == maximum
    assert graded.exercise(exercise_id)["score"] == pytest.approx(maximum - pending_points)
    assert graded.returncode == (3 if pending_points else 0), graded.stdout
