"""Where one grading's time goes, exercise by exercise — figures to choose speed work from.

    python bench/profile_grading.py [FOLDER] [--exercise ID ...] [--report PATH]

Grades FOLDER once with ``python -m grader check`` (or reads a report written before, with
``--report``) and runs each exercise's demonstration as a student does (``python exNN.py`` in a
copy of the folder). Per exercise it prints:

- ``grading``: the exercise's share of the grading (the sum of its checks' durations; the checks
  that judge no timing run side by side, so the shares add up to more than the wall time);
- ``runs``: how many harness runs, and their total elapsed time; inside them ``start``: the time
  before the first step (interpreter start-up, probe, sandbox) and after the last; ``import``: the
  student's module; ``calib``: the grader's own calibrations (``@calibrate…`` steps, and the pool
  start-ups timed before timed calls); ``calls``: the student's calls, of which ``tasks`` is the
  watched task functions' own time;
- ``grader``: what is left — pytest, the checks, the waits between re-measures;
- ``demo``: the demonstration script's wall time, and the ratio grading / demo.

Figures, not assertions: compare them on the same machine, in the same run.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION_PREFIX = "@calibrate"


@dataclass
class Share:
    """One exercise's time, in seconds."""

    grading: float = 0.0
    runs: int = 0
    elapsed: float = 0.0
    start: float = 0.0
    imports: float = 0.0
    calibration: float = 0.0
    calls: float = 0.0
    tasks: float = 0.0
    demo: float = 0.0

    @property
    def grader(self) -> float:
        return self.grading - self.elapsed


def share_of(exercise: dict) -> Share:
    share = Share(grading=sum(check.get("duration_s") or 0.0 for check in exercise["checks"]))
    for run in exercise.get("runs", []):
        share.runs += 1
        share.elapsed += run["elapsed_s"]
        steps = [step for step in run["steps"] if step["t0"] is not None and step["t1"] is not None]
        if steps:
            share.start += run["elapsed_s"] - (max(s["t1"] for s in steps) - min(s["t0"] for s in steps))
        for step in steps:
            length = step["t1"] - step["t0"]
            if step["name"] == "import":
                share.imports += length
            elif (step["function"] or "").startswith(CALIBRATION_PREFIX):
                share.calibration += length
            else:
                share.calls += length
        startup = (run.get("calibration") or {}).get("startup_s") or 0.0
        share.calibration += startup  # timed inside a call step: moved from calls to calib
        share.calls -= startup
        share.tasks += sum(task["t1"] - task["t0"] for task in run["tasks"]
                           if task["t0"] is not None and task["t1"] is not None)
    return share


def grade(folder: Path, exercises: list[str]) -> tuple[dict, float]:
    with tempfile.TemporaryDirectory() as work:
        report_path = Path(work) / "report.json"
        command = [sys.executable, "-m", "grader", "check", str(folder), "--json", str(report_path)]
        command += [f"--exercise={exercise}" for exercise in exercises]
        started = time.monotonic()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
        wall = time.monotonic() - started
        return json.loads(report_path.read_text(encoding="utf-8")), wall


def demo_seconds(folder: Path, exercise_id: str) -> float:
    """``python <exercise>.py`` as a student runs it, in a copy of the folder."""
    with tempfile.TemporaryDirectory() as work:
        for path in folder.glob("*.py"):
            shutil.copy(path, work)
        started = time.monotonic()
        subprocess.run([sys.executable, f"{exercise_id}.py"], cwd=work, capture_output=True,
                       check=False, timeout=300)
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "solutions")
    parser.add_argument("--exercise", action="append", default=[])
    parser.add_argument("--report", type=Path, help="a report already written: no grading")
    arguments = parser.parse_args()
    if arguments.report:
        report, wall = json.loads(arguments.report.read_text(encoding="utf-8")), None
    else:
        report, wall = grade(arguments.folder.resolve(), arguments.exercise)
    columns = ("grading", "runs", "elapsed", "start", "imports", "calibration", "calls", "tasks",
               "grader", "demo")
    print(f"{'exercise':<20}" + "".join(f"{name:>12}" for name in columns) + f"{'ratio':>8}")
    total = Share()
    for exercise in report["exercises"]:
        share = share_of(exercise)
        share.demo = demo_seconds(arguments.folder.resolve(), exercise["id"])
        for name in columns[:-2] + ("demo",):
            setattr(total, name, getattr(total, name) + getattr(share, name))
        print(_row(exercise["id"], share, columns))
    print(_row("total", total, columns))
    if wall is not None:
        print(f"\n`grader check` wall time: {wall:.1f} s for {total.demo:.1f} s of demonstrations "
              f"(ratio {wall / max(total.demo, 1e-9):.1f}; the checks' own sum: {total.grading:.1f} s)")


def _row(name: str, share: Share, columns: tuple[str, ...]) -> str:
    cells = "".join(f"{getattr(share, column):>12d}" if column == "runs"
                    else f"{getattr(share, column):>12.2f}" for column in columns)
    return f"{name:<20}{cells}{share.grading / max(share.demo, 1e-9):>8.1f}"


if __name__ == "__main__":
    main()
