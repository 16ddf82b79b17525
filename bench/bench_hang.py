"""What a hang costs a whole grading: the nine solutions, then the same with a looping function.

    python bench/bench_hang.py [--rounds N]

Grades, side by side and N times each (1 by default), the nine reference solutions and a copy in
which ``ex03_pool_map.py`` is ``tests/hostile/boucle_infinie.py`` (``carre`` never returns and
burns its core), all nine exercises, with the course's own limits. Prints each grading's wall time,
ex03's share and how many of its runs reached their time limit, and the difference from the clean
grading: a function that looped in one run is not waited for again in the others
(``ExerciseUnderTest.known_loops``), so the hang should cost about one time limit (ex03's: 20 s).
Figures, not assertions.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LOOPING_EX03 = ROOT / "tests" / "hostile" / "boucle_infinie.py"


def grade(folder: Path) -> tuple[float, dict]:
    """Wall time of ``python -m grader check FOLDER``, and its report."""
    report = folder.parent / f"{folder.name}.json"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "grader", "check", str(folder), "--json", str(report)],
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started, json.loads(report.read_text(encoding="utf-8"))


def ex03_figures(report: dict) -> tuple[float, int, str]:
    """ex03's share of the grading, its runs stopped at their limit, its score."""
    exercise = next(item for item in report["exercises"] if item["id"] == "ex03_pool_map")
    share = sum(check.get("duration_s") or 0.0 for check in exercise["checks"])
    limited = sum(1 for run in exercise.get("runs", []) if run.get("status") == "timeout")
    return share, limited, f"{exercise['score']:g}/{exercise['max_score']:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="mpgrade-bench-hang-") as work:
        clean = Path(work) / "propre"
        shutil.copytree(SOLUTIONS, clean)
        looping = Path(work) / "boucle"
        shutil.copytree(SOLUTIONS, looping)
        shutil.copy(LOOPING_EX03, looping / "ex03_pool_map.py")
        print(f"{'grading':<10} {'wall s':>7} {'ex03 s':>7} {'at limit':>9} {'ex03':>7} {'total':>8}")
        walls: dict[str, list[float]] = {"propre": [], "boucle": []}
        for _ in range(rounds):
            for folder in (clean, looping):
                wall, report = grade(folder)
                share, limited, score = ex03_figures(report)
                walls[folder.name].append(wall)
                total = f"{report['score']:g}/{report['max_score']:g}"
                print(f"{folder.name:<10} {wall:7.1f} {share:7.1f} {limited:9d} {score:>7} {total:>8}")
        extra = min(walls["boucle"]) - min(walls["propre"])
        print(f"the looping ex03 costs {extra:.1f} s more than the clean grading (best of {rounds})")


if __name__ == "__main__":
    main()
