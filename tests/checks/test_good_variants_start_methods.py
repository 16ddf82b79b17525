"""The known-good variants under ``fork`` and ``forkserver`` too (``test_good_variants.py`` grades
every variant under ``spawn``). Every variant of the exercises whose objects cross to the children
differently with the start method (``START_METHOD_EXERCISES``); of the others, the representative
(``tests/good/expectations.yaml``) — all of them with ``MPGRADE_TEST_EVERY_START_METHOD=1``, the
full measure (README). A module of its own, so that ``make test``'s workers share the gradings."""
from __future__ import annotations

import os

import pytest

from conftest import START_METHOD_EXERCISES
from variants import assert_full_marks, cases

START_METHODS = ("fork", "forkserver")
EVERY_VARIANT = bool(os.environ.get("MPGRADE_TEST_EVERY_START_METHOD"))


@pytest.mark.parametrize("exercise_id, variant, start_method",
                         cases(START_METHODS, representatives_only=False, exercises=START_METHOD_EXERCISES)
                         + cases(START_METHODS, representatives_only=not EVERY_VARIANT,
                                 excluded=START_METHOD_EXERCISES))
def test_good_variant_gets_full_marks_under(tmp_path, exercise_id, variant, start_method):
    assert_full_marks(tmp_path, exercise_id, variant, start_method)
