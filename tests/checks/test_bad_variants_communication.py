"""Known-bad variants of ex06–ex09 (queues, pipes, shared memory, CPU-bound work): each fails
exactly the checks its mistake breaks (see ``test_bad_variants.py``). Many of these mistakes hang
until the time limit or burn CPU: a module of their own lets another worker take them."""
from __future__ import annotations

import pytest

from conftest import assert_variant_verdicts
from variants import BAD_COMMUNICATION_VARIANTS as VARIANTS


@pytest.mark.parametrize("exercise_id, variant, spec", VARIANTS,
                         ids=[f"{e}/{v}" for e, v, _ in VARIANTS])
def test_variant_fails_the_expected_checks(tmp_path, exercise_id, variant, spec):
    assert_variant_verdicts(tmp_path, exercise_id, variant, spec)
