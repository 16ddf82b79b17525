"""Each known-bad variant (one typical mistake) fails exactly the checks that mistake breaks.

The variants are small files in ``tests/bad/<exercise>/``; ``tests/bad/expectations.yaml`` says
which checks each must not pass, and why. Every other check of the exercise must pass: a variant
is the reference solution with one mistake, so a check failing elsewhere would be a false alarm.
This module grades the variants of the Pool exercises (ex01–ex05); those of the exercises whose
mistakes hang or burn CPU (ex06–ex09) are in ``test_bad_variants_communication.py``, so that
``make test``'s workers share the long gradings.
"""
from __future__ import annotations

import pytest

from conftest import BAD, EXPECTATIONS, assert_variant_verdicts
from variants import BAD_COMMUNICATION_VARIANTS as OTHER_VARIANTS
from variants import BAD_POOL_VARIANTS as VARIANTS


def test_every_variant_file_has_an_expectation():
    files = {(path.parent.name, path.stem) for path in BAD.glob("*/*.py")}
    assert files == {(exercise_id, variant) for exercise_id, variants in EXPECTATIONS.items()
                     for variant in variants}
    graded = {(exercise_id, variant) for exercise_id, variant, _ in VARIANTS + OTHER_VARIANTS}
    assert graded == files  # each variant is graded by one of the two modules


@pytest.mark.parametrize("exercise_id, variant, spec", VARIANTS,
                         ids=[f"{e}/{v}" for e, v, _ in VARIANTS])
def test_variant_fails_the_expected_checks(tmp_path, exercise_id, variant, spec):
    assert_variant_verdicts(tmp_path, exercise_id, variant, spec)
