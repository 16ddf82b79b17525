"""Each known-bad variant (one typical mistake) fails exactly the checks that mistake breaks.

The variants are small files in ``tests/bad/<exercise>/``; ``tests/bad/expectations.yaml`` says
which checks each must not pass, and why. Every other check of the exercise must pass: a variant
is the reference solution with one mistake, so a check failing elsewhere would be a false alarm.
"""
from __future__ import annotations

import pytest
import yaml

from conftest import BAD, grade, make_submission

EXPECTATIONS = yaml.safe_load((BAD / "expectations.yaml").read_text(encoding="utf-8"))
VARIANTS = [(exercise_id, variant, spec) for exercise_id, variants in EXPECTATIONS.items()
            for variant, spec in variants.items()]


def test_every_variant_file_has_an_expectation():
    files = {(path.parent.name, path.stem) for path in BAD.glob("*/*.py")}
    assert files == {(exercise_id, variant) for exercise_id, variant, _ in VARIANTS}


@pytest.mark.parametrize("exercise_id, variant, spec", VARIANTS,
                         ids=[f"{e}/{v}" for e, v, _ in VARIANTS])
def test_variant_fails_the_expected_checks(tmp_path, exercise_id, variant, spec):
    folder = make_submission(tmp_path / variant, {exercise_id: BAD / exercise_id / f"{variant}.py"})
    graded = grade(folder, exercise_id)
    assert graded.report, graded.stderr
    statuses = {check_id: check["status"] for check_id, check in graded.checks(exercise_id).items()}
    failing = {check_id for check_id, status in statuses.items() if status in ("failed", "error")}
    skipped = {check_id for check_id, status in statuses.items() if status == "skipped"}
    either = set(spec.get("may_fail", []))
    assert set(spec["fails"]) <= failing <= set(spec["fails"]) | either, _explain(graded, exercise_id)
    assert skipped - either == set(spec.get("skips", [])), _explain(graded, exercise_id)
    for check_id in spec["fails"]:
        check = graded.checks(exercise_id)[check_id]
        assert check["message"] and check["hint"], check
    assert graded.returncode == 1


def _explain(graded, exercise_id: str) -> str:
    return "\n".join(f"{check['id']}: {check['status']} — {check['message']}"
                     for check in graded.exercise(exercise_id)["checks"])
