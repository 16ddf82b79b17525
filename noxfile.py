"""The project on each Python version the course supports: ``nox -s tests-3.10``, ``nox -s smoke``.

- ``smoke-3.X``: the quick check of one version (``tests/test_smoke.py``: solutions full marks
  under the three start methods, stubs 0, one known-bad variant per exercise), a few minutes.
  ``.ci/run`` runs it for every version present before ``make test``.
- ``tests-3.X``: the whole suite on that version, as ``make test`` runs it (two parts).

Each session's virtual environment (``.nox/``) is kept and reused: the project is installed in it
once. Interpreters are looked up on ``PATH`` as ``python3.X``; pyenv's (``$PYENV_ROOT/versions``,
whose shims answer only for the versions pyenv has selected) are found there first.
Arguments after ``--`` go to pytest: ``nox -s smoke-3.12 -- -k variant``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]

# Two gradings at once only where there are cores to spare: on two cores, a grading's timing checks
# would wait on the other's (a pipeline's run may then reach its time limit).
SMOKE_WORKERS = "2" if (os.cpu_count() or 1) >= 4 else "0"

nox.needs_version = ">=2024.4.15"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["smoke"]


def _add_pyenv_interpreters() -> None:
    """Put the newest pyenv build of each wanted version first on ``PATH``, as ``python3.X`` alone
    (links in ``.nox/interpreters``): pyenv's shims answer ``python3.X`` only for the versions
    selected in pyenv, and its version folders hold a ``python3`` that must not shadow the usual one."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    newest: dict[str, tuple[tuple[int, ...], Path]] = {}
    for folder in root.glob("3.*") if root.is_dir() else []:
        match = re.fullmatch(r"(3\.\d+)\.(\d+)", folder.name)  # 3.12.1, not 3.13.0t or 3.12-dev
        binary = folder / "bin" / f"python{match.group(1)}" if match else None
        if match and match.group(1) in PYTHONS and binary.exists():
            key = tuple(int(part) for part in folder.name.split("."))
            if match.group(1) not in newest or key > newest[match.group(1)][0]:
                newest[match.group(1)] = (key, binary)
    if not newest:
        return
    links = Path(__file__).parent / ".nox" / "interpreters"
    links.mkdir(parents=True, exist_ok=True)
    for version, (_, binary) in newest.items():
        link = links / f"python{version}"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(binary)
    os.environ["PATH"] = os.pathsep.join([str(links), os.environ.get("PATH", "")])


_add_pyenv_interpreters()


@nox.session(python=PYTHONS)
def smoke(session: nox.Session) -> None:
    """Solutions, stubs and one known-bad variant per exercise, graded on this version."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "tests/test_smoke.py", "-m", "smoke", "-n", SMOKE_WORKERS,
                "-p", "no:cacheprovider", "-q", "--durations=0", *session.posargs)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite on this version, in make test's two parts."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-n", "3", "--dist", "loadfile",
                "-m", "not load and not serial and not smoke", *session.posargs)
    session.run("python", "-m", "pytest", "-m", "load or serial", *session.posargs)
