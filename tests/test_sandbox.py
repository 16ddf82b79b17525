"""The sandbox when the grader is not root: a student's laptop, a teacher's account. bubblewrap then
makes its namespaces as that user (user namespaces), without ``setpriv``; the run keeps the
grader's uid, which the kernel's limits and file permissions already bind."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import SOLUTIONS, machine_bound
from grader.run import sandbox

NOBODY = 65534


@pytest.fixture
def as_nobody():
    """A command prefix that runs as ``nobody`` in the machine as it is, except that what the
    grader needs (this interpreter, its packages, the grader, the solutions) is reachable even
    where a folder above it is closed to others (pyenv under ``/root``, a clone in a private
    folder): a root bubblewrap without namespaces of its own, only binds. And a folder nobody may
    write. Removed afterwards."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root, to become another user, and setpriv")
    if sandbox.containment() != sandbox.BUBBLEWRAP:
        pytest.skip("bubblewrap does not work here")
    out = Path(tempfile.mkdtemp(prefix="mpgrade-nobody-"))
    out.chmod(0o777)
    needed = sandbox._needed() | {SOLUTIONS.resolve()}
    prefix = ["bwrap", "--dev-bind", "/", "/", *sandbox._reachable(needed), "--bind", str(out), str(out),
              "--", "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    try:
        yield prefix, out
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_a_grader_that_is_not_root_sandboxes_every_run_and_grades_the_reference_fully(as_nobody):
    prefix, out = as_nobody
    command = [*prefix, sys.executable, "-m", "grader", "check", str(SOLUTIONS),
               "--exercise", "ex03_pool_map", "--json", str(out / "report.json")]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MPGRADE")}
    environment["HOME"] = str(out)
    finished = subprocess.run(command, cwd=out, env=environment, capture_output=True, text=True,
                              timeout=600)
    assert (out / "report.json").exists(), finished.stdout + finished.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["containment"] == sandbox.BUBBLEWRAP, finished.stdout + finished.stderr
    (exercise,) = report["exercises"]
    # A timing check the busy machine could not measure (pending) is not the sandbox's doing.
    not_passed = [check["id"] for check in exercise["checks"]
                  if check["status"] != "passed" and not machine_bound(check)]
    assert exercise["checks"] and not not_passed, finished.stdout
