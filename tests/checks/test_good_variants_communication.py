"""Known-good variants of ex06–ex09 (queues, pipes, shared memory, CPU-bound work) get full marks
under ``spawn`` (see ``test_good_variants.py``): a module of its own lets another worker take them."""
from __future__ import annotations

import pytest

from variants import POOL_EXERCISES, assert_full_marks, cases


@pytest.mark.parametrize("exercise_id, variant, start_method",
                         cases(("spawn",), representatives_only=False, excluded=POOL_EXERCISES))
def test_good_variant_gets_full_marks(tmp_path, exercise_id, variant, start_method):
    assert_full_marks(tmp_path, exercise_id, variant, start_method)
