"""The representative known-good variant of each exercise gets full marks under ``fork`` and
``forkserver`` too (``test_good_variants.py`` grades every variant under ``spawn``). A module of its
own, so that ``make test``'s workers share the gradings."""
from __future__ import annotations

import pytest

from test_good_variants import assert_full_marks, cases


@pytest.mark.parametrize("exercise_id, variant, start_method",
                         cases(("fork", "forkserver"), representatives_only=True))
def test_good_variant_gets_full_marks_under(tmp_path, exercise_id, variant, start_method):
    assert_full_marks(tmp_path, exercise_id, variant, start_method)
