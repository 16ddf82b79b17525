"""The size of the HTML report and the time to render it, for a whole failing submission.

    python bench/bench_page.py [FOLDER] [--report JSON] [--repeat N]

Grades FOLDER (default: exercises, the stubs: every check fails) once with ``python -m grader
check --json``, or reads a report already written (``--report``), then renders the page N times in
this process and prints its size and its render times. The issue's limits: under 300 KB and under
one second; the exit status is 1 when either is exceeded.
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
sys.path.insert(0, str(ROOT))

from grader.report import page  # noqa: E402  (the repository's grader, whether installed or not)
from grader.report.model import Report  # noqa: E402

MAX_BYTES = 300 * 1024
MAX_SECONDS = 1.0


def graded(folder: Path) -> Report:
    with tempfile.TemporaryDirectory() as work:
        report_path = Path(work) / "report.json"
        subprocess.run([sys.executable, "-m", "grader", "check", str(folder),
                        "--json", str(report_path)], cwd=ROOT, capture_output=True, check=False)
        return json.loads(report_path.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "exercises")
    parser.add_argument("--report", type=Path, help="a JSON report to render instead of grading")
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    report: Report = (json.loads(arguments.report.read_text(encoding="utf-8")) if arguments.report
                      else graded(arguments.folder))
    timings, html = [], ""
    for _ in range(arguments.repeat):  # the first one also loads and compiles the templates
        started = time.perf_counter()
        html = page.render(report)
        timings.append(time.perf_counter() - started)
    size = len(html.encode("utf-8"))
    checks = sum(len(exercise["checks"]) for exercise in report["exercises"])
    print(f"{report['submission']}: {len(report['exercises'])} exercises, {checks} checks, "
          f"score {report['score']:g}/{report['max_score']:g}")
    print(f"page size    {size / 1024:8.1f} KB   (limit {MAX_BYTES / 1024:.0f} KB)")
    print(f"render time  {timings[0]:8.3f} s    first, templates compiled (limit {MAX_SECONDS:.0f} s)")
    later = timings[1:] or timings
    print(f"             {statistics.median(later):8.3f} s    median of the next {len(timings) - 1}")
    return 0 if size < MAX_BYTES and max(timings) < MAX_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
