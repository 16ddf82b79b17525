"""How long grading takes, against how long the student's tasks themselves take.

    python bench/bench_check.py [FOLDER] [--repeat N]

Grades FOLDER (default: solutions) N times with ``python -m grader check`` and prints, per run, the
command's wall time beside the sum of the watched tasks' own durations (every ``carre``,
``worker_function``…, as the probe recorded them) and the harnesses' total time. Figures, not
assertions: compare them on the same machine, in the same run.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grade_once(folder: Path) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as work:
        report_path = Path(work) / "report.json"
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "grader", "check", str(folder), "--json",
                        str(report_path)], cwd=ROOT, capture_output=True, check=False)
        wall = time.monotonic() - started
        return wall, json.loads(report_path.read_text(encoding="utf-8"))


def task_seconds(report: dict) -> float:
    return sum(task["t1"] - task["t0"] for exercise in report["exercises"]
               for run in exercise.get("runs", []) for task in run["tasks"]
               if task["t1"] is not None and task["t0"] is not None)


def harness_seconds(report: dict) -> float:
    return sum(run["elapsed_s"] for exercise in report["exercises"] for run in exercise.get("runs", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "solutions")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    walls, tasks = [], []
    print(f"{'run':>3}  {'wall (s)':>9}  {'tasks (s)':>9}  {'harness calls (s)':>17}  score")
    for index in range(arguments.repeat):
        wall, report = grade_once(arguments.folder)
        walls.append(wall)
        tasks.append(task_seconds(report))
        print(f"{index + 1:>3}  {wall:>9.2f}  {tasks[-1]:>9.2f}  {harness_seconds(report):>17.2f}  "
              f"{report['score']:g}/{report['max_score']:g}")
    print(f"median wall {statistics.median(walls):.2f} s for {statistics.median(tasks):.2f} s of tasks "
          f"(ratio {statistics.median(walls) / max(statistics.median(tasks), 1e-9):.2f})")


if __name__ == "__main__":
    main()
