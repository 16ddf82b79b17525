"""Does grading students side by side change a verdict, and what does it gain?

    python bench/bench_cohort.py [--runs 5] [--all-exercises]

Grades the sample cohort of the tests (tests/sample_cohort.py: 12 submissions in three layouts,
solutions, stubs, known-bad and hostile variants, broken archives; ex01 and ex03, or all nine
exercises with ``--all-exercises``) with ``--jobs 1`` and ``--jobs 2`` in turn, ``--runs`` times
each, with the same seed;
prints each run's throughput (students per minute) and whether every gradebook is identical to the
first one, cell for cell. Run it on a machine with nothing else to do: a check skipped because the
machine was too busy is not a verdict, but it does change a gradebook's total.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import sample_cohort  # noqa: E402  (the cohort the tests grade)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--all-exercises", action="store_true",
                        help="nine-exercise submissions, graded whole")
    arguments = parser.parse_args()
    exercises = tuple(sorted(path.stem for path in sample_cohort.SOLUTIONS.glob("ex*.py"))) \
        if arguments.all_exercises else sample_cohort.EXERCISES
    with tempfile.TemporaryDirectory(prefix="mpgrade-bench-") as work:
        submissions = sample_cohort.build(Path(work), exercises)
        students = sum(1 for _ in submissions.iterdir())
        reference: str | None = None
        rates: dict[int, list[float]] = {1: [], 2: []}
        for run in range(arguments.runs):
            for jobs in (1, 2):
                out = Path(work) / f"out-{run}-{jobs}"
                command = [sys.executable, "-m", "grader", "cohort", str(submissions),
                           "--out", str(out), "--jobs", str(jobs), "--seed", str(arguments.seed)]
                command += [f"--exercise={exercise}" for exercise in exercises]
                started = time.monotonic()
                subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
                minutes = (time.monotonic() - started) / 60
                gradebook = (out / "gradebook.csv").read_text(encoding="utf-8-sig")
                reference = reference or gradebook
                same = "identical" if gradebook == reference else "DIFFERENT"
                rates[jobs].append(students / minutes)
                print(f"run {run + 1} --jobs {jobs}: {students} students in {minutes * 60:.0f} s, "
                      f"{students / minutes:.1f} students/min, gradebook {same}", flush=True)
                if gradebook != reference:
                    print(gradebook)
    for jobs, values in rates.items():
        print(f"--jobs {jobs}: median {statistics.median(values):.1f} students/min "
              f"(min {min(values):.1f}, max {max(values):.1f})")
    print(f"speed-up of --jobs 2: {statistics.median(rates[2]) / statistics.median(rates[1]):.2f}")


if __name__ == "__main__":
    main()
