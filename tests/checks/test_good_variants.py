"""Each known-good variant (a correct answer in a style the reference does not use) gets full marks.

The variants are small files in ``tests/good/<exercise>/``: keyword arguments, decorators, a Pool
from a context or a subclass of it, helper functions, type hints, logging, ``terminate()`` on
processes already joined, a producer that closes its queue, the task reached through an alias, a
default argument or a ``functools.partial``… Each is graded alone: every check passes, or is pending
for a reason of the machine only (``machine_bound``), and the grade is out of the course's maximum.
All are graded under ``spawn``; the representative of each exercise (``tests/good/expectations.yaml``)
under ``fork`` and ``forkserver`` too (``test_good_variants_start_methods.py``). This module grades
the Pool exercises (ex01–ex05) under ``spawn``, ``test_good_variants_communication.py`` the others:
three modules, so that ``make test``'s workers share the gradings.
"""
from __future__ import annotations

import pytest

from variants import FILES, GOOD, MINIMUM_PER_EXERCISE, POOL_EXERCISES, SETTINGS, assert_full_marks, cases


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
