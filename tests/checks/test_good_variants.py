"""Each known-good variant (a correct answer in a style the reference does not use) gets full marks.

The variants are small files in ``tests/good/<exercise>/``: keyword arguments, decorators, a Pool
from a context or a subclass of it, helper functions, type hints, logging, ``terminate()`` on
processes already joined, a producer that closes its queue, the task reached through an alias, a
default argument or a ``functools.partial``… Each is graded alone: every check passes, or is pending
for a reason of the machine only (``MACHINE_BOUND``), and the grade is out of the course's maximum.
All are graded under ``spawn``; the representative of each exercise (``tests/good/expectations.yaml``)
under ``fork`` and ``forkserver`` too (``test_good_variants_start_methods.py``). This module grades
the Pool exercises (ex01–ex05) under ``spawn``, ``test_good_variants_communication.py`` the others:
three modules, so that ``make test``'s workers share the gradings.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import pytest
import yaml

from conftest import MACHINE_BOUND, course_maximum, grade, make_submission

GOOD = Path(__file__).parent.parent / "good"
SETTINGS = yaml.safe_load((GOOD / "expectations.yaml").read_text(encoding="utf-8"))
FILES = sorted((path.parent.name, path.stem) for path in GOOD.glob("ex*/*.py"))
MINIMUM_PER_EXERCISE = 3
POOL_EXERCISES = ("ex01_process", "ex02_main_guard", "ex03_pool_map", "ex04_pool_starmap",
                  "ex05_pool_async")


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
             and not (check["status"] == "pending" and check.get("message_key") in MACHINE_BOUND)}
    known = (SETTINGS.get("known_failures") or {}).get(exercise_id, {}).get(variant)
    if known and short != set(known["fails"]):
        pytest.fail(f"known failure, but not the one expected ({sorted(known['fails'])}):\n{explanation}")
    assert not short, explanation
    maximum = course_maximum(exercise_id)
    pending_points = sum(check["max_score"] for check in checks if check["status"] == "pending")
    assert graded.report["max_score"] == graded.exercise(exercise_id)["max_score"] == maximum
    assert graded.exercise(exercise_id)["score"] == pytest.approx(maximum - pending_points)
    assert graded.returncode == (3 if pending_points else 0), graded.stdout


def test_every_exercise_has_its_good_variants(course_settings):
    per_exercise = {exercise_id: [v for e, v in FILES if e == exercise_id]
                    for exercise_id in course_settings["exercises"]}
    assert all(len(variants) >= MINIMUM_PER_EXERCISE for variants in per_exercise.values()), per_exercise
    for exercise_id, variant in FILES:  # the first docstring line names the style it exercises
        source = (GOOD / exercise_id / f"{variant}.py").read_text(encoding="utf-8")
        assert source.startswith('"""Variante correcte : '), (exercise_id, variant)
    assert set(SETTINGS["representatives"]) == set(course_settings["exercises"])
    listed = set(SETTINGS["representatives"].items()) | {
        (exercise_id, variant) for exercise_id, variants in (SETTINGS.get("known_failures") or {}).items()
        for variant in variants}
    assert listed <= set(FILES)


@pytest.mark.parametrize("exercise_id, variant, start_method",
                         cases(("spawn",), representatives_only=False, exercises=POOL_EXERCISES))
def test_good_variant_gets_full_marks(tmp_path, exercise_id, variant, start_method):
    assert_full_marks(tmp_path, exercise_id, variant, start_method)
