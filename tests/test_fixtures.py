"""The checks' fixtures (grader.checking.fixtures): random inputs that depend on the seed only."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from grader.checking import grading

EXERCISES = Path(__file__).parent / "data" / "drawn_inputs"
EXERCISE = "ex99_tirages"


def _drawn(tmp_path: Path, seed: int, *checks: str) -> dict[str, list[float]]:
    """What each check's scenario drew, grading only ``checks`` as a part of a grading would."""
    written = tmp_path / f"drawn-{seed}-{'-'.join(checks)}.jsonl"
    command = [sys.executable, "-m", "pytest", str(EXERCISES / EXERCISE), "-c", str(grading.PYTEST_SETTINGS),
               "--rootdir", str(EXERCISES), "-p", "grader.checking.pytest_plugin",
               "-p", "grader.checking.fixtures", "--noconftest", "-q", f"--seed={seed}"]
    command += [f"--grade-check={EXERCISE}:{check}" for check in checks]
    subprocess.run(command, check=True, capture_output=True, env=dict(os.environ, DRAWN_INPUTS=str(written)))
    return dict(json.loads(line) for line in written.read_text(encoding="utf-8").splitlines())


def test_a_scenario_draws_the_same_inputs_whatever_was_drawn_before_it_in_its_pytest(tmp_path):
    together = _drawn(tmp_path, 7, "premier", "second")
    alone = _drawn(tmp_path, 7, "second")
    assert alone["second"] == together["second"]
    assert together["premier"] != together["second"]
    assert _drawn(tmp_path, 8, "second")["second"] != alone["second"]
