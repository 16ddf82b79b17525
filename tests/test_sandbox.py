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

from conftest import SOLUTIONS
from grader.run import sandbox

NOBODY = 65534


def _interpreter_for_nobody() -> Path | None:
    """The system's Python of this one's version: the one running the suite may lie under a folder
    closed to other users (pyenv under ``/root``), and packages built for it load in that one."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = Path("/usr/bin") / version
    return system if system.exists() else None


@pytest.fixture
def environment_for_nobody():
    """A virtual environment anyone may run, on the system's Python, that reaches this one's
    packages and the grader; and a folder anyone may write. Removed afterwards."""
    interpreter = _interpreter_for_nobody()
    if os.geteuid() != 0 or interpreter is None or shutil.which("setpriv") is None:
        pytest.skip("needs root (to become another user), setpriv and /usr/bin/pythonX.Y")
    folder = Path(tempfile.mkdtemp(prefix="mpgrade-nobody-"))
    try:
        folder.chmod(0o755)
        subprocess.run([str(interpreter), "-m", "venv", "--without-pip", str(folder / "venv")],
                       check=True, timeout=120)
        packages = next(Path(path) for path in sys.path if path.endswith("site-packages"))
        site = next((folder / "venv" / "lib").glob("python*/site-packages"))
        (site / "mpgrade-suite.pth").write_text(
            f"import site; site.addsitedir({str(packages)!r})\n", encoding="utf-8")
        out = folder / "out"
        out.mkdir(mode=0o777)
        out.chmod(0o777)
        yield folder / "venv" / "bin" / "python", out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_grader_that_is_not_root_sandboxes_every_run_and_grades_the_reference_fully(
        environment_for_nobody):
    if sandbox.containment() != sandbox.BUBBLEWRAP:
        pytest.skip("bubblewrap does not work here")
    python, out = environment_for_nobody
    command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--",
               str(python), "-m", "grader", "check", str(SOLUTIONS), "--exercise", "ex03_pool_map",
               "--json", str(out / "report.json")]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MPGRADE")}
    environment.update(HOME=str(out), PYTHONPATH=str(Path(sandbox.__file__).parents[2]))
    finished = subprocess.run(command, cwd=out, env=environment, capture_output=True, text=True,
                              timeout=600)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["containment"] == sandbox.BUBBLEWRAP, finished.stdout + finished.stderr
    (exercise,) = report["exercises"]
    assert exercise["score"] == exercise["max_score"] > 0, finished.stdout
