"""A correct solution passes under every start method (Python 3.14 makes forkserver the default on
Linux; spawn is the default on Windows and macOS and is covered by ``test_reference``)."""
from __future__ import annotations

import pytest

from conftest import SOLUTIONS, grade, machine_bound


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_solutions_get_full_marks_under(tmp_path, start_method):
    graded = grade(SOLUTIONS, start_method=start_method, json_path=tmp_path / "r.json")
    assert graded.report["start_method"] == start_method
    not_passed = [(exercise["id"], check["id"], check["status"], check["message"])
                  for exercise in graded.report["exercises"] for check in exercise["checks"]
                  if check["status"] != "passed" and not machine_bound(check)]
    assert not not_passed
