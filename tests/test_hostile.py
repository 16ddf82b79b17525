"""Hostile submissions (tests/hostile/) are contained, diagnosed, and never trusted.

Each case is graded by the real command under a short course file: the expected checks fail or
error with the expected message, grading takes under a minute, the machine stays responsive, the
report is the grader's own, and no process of the submission survives (found by the test token in
its environment, or in its command line for a daemon that replaced its environment).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import containments, grade, make_submission
from hostile_cases import (
    FAKE_MARKER,
    HOSTILE,
    SPEC,
    assert_contained_and_diagnosed,
)


def bubblewrap_works() -> bool:
    environment = {key: value for key, value in os.environ.items() if key != "MPGRADE_SANDBOX"}
    return subprocess.run([sys.executable, "-c", "from grader.run import sandbox; "
                           "raise SystemExit(sandbox.containment() != sandbox.BUBBLEWRAP)"],
                          cwd=Path(__file__).parent.parent, env=environment).returncode == 0


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "containment" in metafunc.fixturenames:
        metafunc.parametrize("containment", containments(metafunc.config))


@pytest.fixture(autouse=True)
def _needs_bubblewrap(request: pytest.FixtureRequest) -> None:
    containment = (request.node.callspec.params.get("containment") if hasattr(request.node, "callspec")
                   else None)
    if containment == "bubblewrap" and not bubblewrap_works():
        pytest.skip("bubblewrap (bwrap) is missing or does not work here: sandboxed cases not run")


@pytest.mark.parametrize("case", sorted(SPEC["cases"]))
def test_a_hostile_submission_is_contained_and_diagnosed(tmp_path, hostile_course, case, containment,
                                                         tracked_processes):
    assert_contained_and_diagnosed(tmp_path, hostile_course, case, tracked_processes,
                                   SPEC["cases"][case]["expect"], containment=containment)


def test_a_report_overwritten_by_the_submission_is_written_again_by_the_grader(
        tmp_path, hostile_course, containment, tracked_processes):
    """ecrase_rapports.py finds the report's path in its ancestors' command lines and writes a
    perfect score there: the grader writes the report after every student process is dead."""
    folder = make_submission(tmp_path / "s", {"ex03_pool_map": HOSTILE / "ecrase_rapports.py"})
    json_path = tmp_path / "rapport.json"
    json_path.write_text('{"score": 0}', encoding="utf-8")  # a previous run's report, to be found
    graded = grade(folder, "ex03_pool_map", course=hostile_course, json_path=json_path,
                   containment=containment)
    text = json_path.read_text(encoding="utf-8")
    assert FAKE_MARKER not in text and graded.report["submission"] == "s"
    assert graded.report["score"] < graded.report["max_score"]
    printed = graded.checks("ex03_pool_map")["carres_paralleles_resultat"]
    assert printed["status"] == "passed"  # the values were right: only the claims were false
    assert tracked_processes() == set()
