"""How long grading takes against the demonstrations it grades — issue 15's figures.

    python bench/bench_speed.py [FOLDER] [--repeat N] [--exercise ID ...] [--hogs N]
                                [--against CHECKOUT]

Each round runs every exercise's demonstration as a student does (``python exNN.py`` in a copy
of FOLDER, default: solutions), then grades FOLDER with ``python -m grader check`` (only the
``--exercise`` ones when given), and with ``--against`` grades it again with the grader of another
checkout (e.g. a worktree of an older commit): the figures of one round are taken side by side,
on the same machine in the same minute. With ``--hogs N``, N processes burn CPU during the whole
run. Prints per round, then the best of the rounds: grading time, demonstrations, their ratio and
their difference. Figures, not assertions.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def demonstrations_s(folder: Path, exercises: list[str]) -> float:
    """Wall time of ``python <exercise>.py`` for each exercise, one after another, in a copy."""
    with tempfile.TemporaryDirectory() as work:
        for path in folder.glob("*.py"):
            shutil.copy(path, work)
        started = time.monotonic()
        for exercise in exercises:
            subprocess.run([sys.executable, f"{exercise}.py"], cwd=work, capture_output=True,
                           check=False, timeout=300)
        return time.monotonic() - started


def grading_s(checkout: Path, folder: Path, exercises: list[str]) -> tuple[float, str]:
    """Wall time of ``python -m grader check`` with the grader of ``checkout``, and its score."""
    with tempfile.TemporaryDirectory() as work:
        report_path = Path(work) / "report.json"
        command = [sys.executable, "-m", "grader", "check", str(folder), "--json", str(report_path)]
        command += [f"--exercise={exercise}" for exercise in exercises]
        environment = dict(os.environ, PYTHONPATH=str(checkout))
        started = time.monotonic()
        subprocess.run(command, cwd=checkout, env=environment, capture_output=True, check=False)
        wall = time.monotonic() - started
        if not report_path.exists():
            return wall, "no report"
        report = json.loads(report_path.read_text(encoding="utf-8"))
        pending = len(report.get("pending", []))
        return wall, f"{report['score']}/{report['max_score']}" + (f" ({pending} pending)" if pending else "")


def _burn() -> None:
    while True:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "solutions")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exercise", action="append", default=[])
    parser.add_argument("--hogs", type=int, default=0)
    parser.add_argument("--against", type=Path, help="another checkout of the grader to time too")
    arguments = parser.parse_args()
    folder = arguments.folder.resolve()
    exercises = arguments.exercise or sorted(path.stem for path in folder.glob("ex*.py"))
    graders = {"this": ROOT} | ({"against": arguments.against.resolve()} if arguments.against else {})
    hogs = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(arguments.hogs)]
    for hog in hogs:
        hog.start()
    best: dict[str, tuple[float, float]] = {}
    try:
        print(f"{len(exercises)} exercise(s), {arguments.hogs} CPU hog(s)")
        for round_number in range(1, arguments.repeat + 1):
            demos = demonstrations_s(folder, exercises)
            for name, checkout in graders.items():
                wall, score = grading_s(checkout, folder, exercises)
                print(f"round {round_number} {name:>8}: grading {wall:6.1f} s, demonstrations "
                      f"{demos:5.1f} s, ratio {wall / demos:5.2f}, difference {wall - demos:5.1f} s,"
                      f" {score}")
                if name not in best or wall / demos < best[name][0] / best[name][1]:
                    best[name] = (wall, demos)
    finally:
        for hog in hogs:
            hog.kill()
    for name, (wall, demos) in best.items():
        print(f"best {name:>8}: grading {wall:.1f} s for {demos:.1f} s of demonstrations: "
              f"ratio {wall / demos:.2f}, difference {wall - demos:.1f} s")


if __name__ == "__main__":
    main()
