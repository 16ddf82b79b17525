"""The sandbox of every harness run, on Linux: bubblewrap (Debian's ``bubblewrap``, ``bwrap``).

Each run gets its own PID namespace (when its first process dies, the kernel kills every other
process of the namespace: no zombie leader, double fork or ``setsid`` outlives the run), dies with
the grader (``--die-with-parent``), has no network, a private ``/tmp`` and ``/dev/shm`` (their files
go with the run), and sees the file system read-only except its own work folder. When the grader
runs as root, the run's processes are switched to a uid of their own (``run_uid``: no user of the
machine has it) by ``setpriv`` after bubblewrap has set the sandbox up, so that ``RLIMIT_NPROC`` and
file permissions apply to them; a directory the Python installation lies under which that uid may
not cross (``/root`` for pyenv) is replaced by an empty one holding only what the run needs.
The folders a cohort names in ``MPGRADE_HIDE`` (its ``--out``, the intake's copies, the submissions:
the other students' code and reports) are replaced in the same way: no run sees them.

Where ``bwrap`` is missing or does not work (macOS, Windows, a Linux without it or without user
namespaces), or ``MPGRADE_SANDBOX=off``, the process-tree containment of ``grader.run.process_tree``
is all there is; ``containment()`` says which one is used, and the report shows it.
"""
from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from grader.run import process_tree

SWITCH = "MPGRADE_SANDBOX"  # "off" turns the sandbox off
HIDE = "MPGRADE_HIDE"  # folders no run may see, os.pathsep between them: set by a cohort
BUBBLEWRAP = "bubblewrap"
PROCESS_TREE = "process-tree"
FIRST_UID = 200_000  # runs of a root grader get FIRST_UID + the grader's pid: nobody's uid
SHM_BYTES = 1024 * 1024 * 1024  # the private /dev/shm and /tmp of a run: bounded, in memory
TMP_BYTES = 256 * 1024 * 1024


PRIVATE_FOLDERS = (Path("/tmp"), Path("/dev/shm"))  # each run gets its own, empty


def containment() -> str:
    """``"bubblewrap"`` when each run is sandboxed, else ``"process-tree"``."""
    return BUBBLEWRAP if _bwrap() else PROCESS_TREE


def switched_off() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() in ("off", "0", "no", "false")


def run_uid() -> int | None:
    """The uid the runs of this grader process use: their own when the grader is root, else None
    (they keep the grader's, which is not root: the kernel's limits already apply)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    return FIRST_UID + os.getpid()


def wrap(command: list[str], work: Path, cwd: Path) -> list[str]:
    """``command`` run in the sandbox, with ``work`` its only writable folder, started in ``cwd``."""
    bwrap = _bwrap()
    assert bwrap is not None, "wrap() without a working bwrap: check containment() first"
    uid = run_uid()
    arguments = [bwrap, *_isolation(), *_kept_from_private()]
    if uid is not None:
        arguments += _reachable(_needed())
    # Last, so that no empty folder mounted above hides the run's own.
    arguments += [*_hidden(work), "--bind", str(work), str(work)]
    if uid is None:
        return arguments + ["--chdir", str(cwd), "--"] + command
    # bwrap would change directory as root without its capabilities, which the run's 0700 folder
    # refuses: the run's own uid does it, after setpriv.
    return arguments + ["--", shutil.which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={uid}",
                        "--clear-groups", "--inh-caps=-all", "--no-new-privs", "--",
                        shutil.which("env") or "env", f"--chdir={cwd}", "--"] + command


def hidden_folders() -> list[Path]:
    """The folders the runs must not see (``MPGRADE_HIDE``): a cohort names its ``--out`` and its
    submissions, so that a student's run reads neither the others' code nor their reports."""
    return [Path(part).resolve() for part in os.environ.get(HIDE, "").split(os.pathsep) if part]


def give(work: Path) -> None:
    """Make the run's uid the owner of ``work`` and everything in it (a root grader only)."""
    uid = run_uid()
    if uid is None:
        return
    for folder, _folders, files in os.walk(work):
        os.chown(folder, uid, uid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def exit_signal(returncode: int | None) -> int | None:
    """bwrap reports a command killed by signal N as 128 + N: the negative code Popen gives."""
    if returncode is not None and 128 < returncode < 128 + 65 and _bwrap():
        return 128 - returncode
    return returncode


def _isolation() -> list[str]:
    arguments = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--die-with-parent", "--new-session", "--ro-bind", "/", "/", "--dev", "/dev",
                 "--proc", "/proc", "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm", "--cap-drop", "ALL"]
    if run_uid() is not None:  # setpriv needs these two, and drops them with the uid
        arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return arguments


def _needed() -> set[Path]:
    """What every run reads besides its own folder: the Python installation (and the virtual
    environment's packages) and the grader package, which holds the probe (``run/probe``)."""
    return {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
            Path(os.path.realpath(sys.executable)).parent, Path(__file__).resolve().parent.parent}


def _kept_from_private() -> list[str]:
    """What the run needs that lives under ``/tmp`` or ``/dev/shm`` (a clone or a CI checkout
    there, its virtual environment): the run's private, empty ``/tmp`` would hide it, and its
    Python would not even start (exit 127). Bound again, read-only, its folders made reachable."""
    arguments: list[str] = []
    made: set[Path] = set()
    for path in sorted(_needed()):
        private = next((folder for folder in PRIVATE_FOLDERS if folder in path.parents), None)
        if private is None:
            continue
        for folder in reversed(path.parents):
            if private in folder.parents and folder not in made:
                made.add(folder)
                arguments += ["--perms", "0755", "--dir", str(folder)]
        arguments += ["--ro-bind", str(path), str(path)]
    return arguments


def _reachable(needed: set[Path]) -> list[str]:
    """Binds that let another user reach ``needed`` (the Python installation, the probe) when one
    of their ancestors is closed to others (``/root`` 0700 holding pyenv): that ancestor becomes an
    empty tmpfs holding read-only binds of what is needed, and nothing else of it is visible."""
    hidden: dict[Path, set[Path]] = {}
    for path in needed:
        closed = _first_closed(path.resolve())
        if closed is not None:
            hidden.setdefault(closed, set()).add(path.resolve())
    arguments: list[str] = []
    for closed, paths in sorted(hidden.items()):
        arguments += _emptied(closed, paths)
    return arguments


def _hidden(work: Path) -> list[str]:
    """An empty folder over each of ``hidden_folders()``, holding read-only binds of what the run
    needs below it (a virtual environment, the grader) and the way to its own folder ``work``.
    A folder under the run's private ``/tmp`` or ``/dev/shm`` is not visible anyway, and the root
    (or ``/dev``), which holds the whole system, is never hidden."""
    needed = {path.resolve() for path in _needed()}
    work = work.resolve()
    arguments: list[str] = []
    for folder in hidden_folders():
        unseen_or_system = any(folder == private or folder in private.parents
                               or private in folder.parents for private in PRIVATE_FOLDERS)
        if unseen_or_system or not folder.is_dir():
            continue
        inside = {path for path in needed if path == folder or folder in path.parents}
        arguments += _emptied(folder, inside,
                              reached=frozenset({work}) if folder in work.parents else frozenset())
    return arguments


def _emptied(folder: Path, kept: set[Path], reached: frozenset[Path] = frozenset()) -> list[str]:
    """``folder`` replaced by an empty tmpfs holding read-only binds of ``kept``, and the folders
    on the way to ``kept`` and ``reached`` (bound later by the caller) made crossable."""
    arguments = ["--tmpfs", str(folder)]
    between = {ancestor for path in kept | reached for ancestor in path.parents
               if folder in ancestor.parents}
    for crossed in sorted(between, key=lambda crossed: len(crossed.parts)):
        arguments += ["--perms", "0755", "--dir", str(crossed)]  # bwrap would make them 0700
    for path in sorted(kept):
        arguments += ["--ro-bind", str(path), str(path)]
    return arguments


def _first_closed(path: Path) -> Path | None:
    """The first ancestor of ``path`` (or itself) that others may not cross, if one is."""
    for ancestor in reversed([path, *path.parents]):
        try:
            if not os.stat(ancestor).st_mode & stat.S_IXOTH:
                return ancestor
        except OSError:
            return None
    return None


@functools.cache
def _bwrap() -> str | None:
    """The path of a bwrap that works here (tried once per process), or None."""
    if not process_tree.LINUX or switched_off():  # MPGRADE_PORTABLE: as on a Mac, no sandbox
        return None
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        # --as-pid-1: no init of bwrap's own, which could outlive bwrap for a moment and come back
        # to a subreaper grader as a zombie nobody waits for.
        tried = subprocess.run([path, *_isolation(), "--as-pid-1", "--", "true"],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if tried.returncode == 0 else None
