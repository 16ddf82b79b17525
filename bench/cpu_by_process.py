"""Where one grading's CPU time goes, by kind of process — is it bound by the cores, and by what?

    python bench/cpu_by_process.py [FOLDER] [--exercise ID ...]

Grades FOLDER (default: solutions) with ``python -m grader check`` and watches its process tree
every 10 ms from outside, keeping each process's last CPU time (user + system) before it ended.
Prints, per kind (pytest, harness, spawned child, bwrap, demonstration…), how many processes and
their CPU seconds, then the wall time: CPU seconds near twice the wall time on 2 cores mean the
grading is bound by the cores. A process shorter than a look is missed, and a forked child that
does not exec counts as its parent's kind. Figures, not assertions.
"""
from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
LOOK_S = 0.01


def kind_of(command_line: str) -> str:
    """What a process of the grading is, from its command line (bwrap's names what it starts)."""
    if command_line.split(" ", 1)[0].endswith("bwrap"):
        return "bwrap"
    kinds = (("pytest", "pytest"), ("mpgrade_harness", "harness"),
             ("multiprocessing.spawn", "spawned child"), ("forkserver", "spawned child"),
             ("resource_tracker", "resource tracker"), ("grader check", "grader"))
    for marker, kind in kinds:
        if marker in command_line:
            return kind
    return "demonstration" if command_line.endswith(".py") else "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercise", action="append", default=[])
    arguments = parser.parse_args()
    # The report in a folder of its own: the grader replaces the file it writes (never /dev/null).
    report = Path(tempfile.mkdtemp(prefix="mpgrade-cpu-")) / "report.json"
    command = [sys.executable, "-m", "grader", "check", str(arguments.folder), "--json", str(report)]
    command += [f"--exercise={exercise}" for exercise in arguments.exercise]
    started = time.monotonic()
    grading = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = psutil.Process(grading.pid)
    last: dict[tuple[int, float], tuple[str, float]] = {}  # (pid, start) -> (kind, CPU seconds)
    while grading.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            tree = []
        for process in tree:
            try:
                with process.oneshot():
                    key = (process.pid, process.create_time())
                    times = process.cpu_times()
                    kind = last[key][0] if key in last else kind_of(" ".join(process.cmdline()))
                    last[key] = (kind, times.user + times.system)
            except psutil.Error:
                continue
        time.sleep(LOOK_S)
    wall = time.monotonic() - started
    shutil.rmtree(report.parent, ignore_errors=True)
    seconds: dict[str, float] = collections.defaultdict(float)
    count: collections.Counter[str] = collections.Counter()
    for kind, cpu in last.values():
        seconds[kind] += cpu
        count[kind] += 1
    for kind, cpu in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"{kind:18s} {count[kind]:5d} processes {cpu:7.2f} CPU-s")
    print(f"wall {wall:.1f} s, CPU seen {sum(seconds.values()):.1f} s "
          f"({sum(seconds.values()) / wall:.2f} cores on average)")


if __name__ == "__main__":
    main()
