"""What the bubblewrap sandbox costs: grading the nine solutions with and without it, side by side.

    python bench/bench_sandbox.py [FOLDER] [--repeat N] [--starts M]

Grades FOLDER (default: solutions) N times each way, alternating (sandbox, then
``MPGRADE_SANDBOX=off``, then again) so that both see the same load, and prints each run's wall
time, the harnesses' total time and the score, then the medians and the growth. Then times M
starts of an empty harness run each way (the sandbox's fixed cost per run, which the nine
exercises pay about 150 times). Figures, not assertions: run it under ``nice`` on a quiet machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_check import ROOT, grade_once, harness_seconds  # noqa: E402

WAYS = {"bubblewrap": None, "process-tree": "off"}


def _set_way(way: str) -> None:
    value = WAYS[way]
    if value is None:
        os.environ.pop("MPGRADE_SANDBOX", None)
    else:
        os.environ["MPGRADE_SANDBOX"] = value


def empty_runs(count: int) -> dict[str, list[float]]:
    """Seconds of ``run_script`` on a module that does nothing, each way, alternating."""
    from grader.run import harness, sandbox

    times: dict[str, list[float]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "vide.py").write_text("pass\n", encoding="utf-8")
        for _ in range(count):
            for way in WAYS:
                _set_way(way)
                sandbox._bwrap.cache_clear()
                started = time.monotonic()
                run = harness.run_script(Path(folder), "vide", time_limit_s=20, start_method="spawn")
                times[way].append(time.monotonic() - started)
                assert run.status == "finished" and run.containment == way, (run.status, run.stderr)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "solutions")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--starts", type=int, default=20)
    arguments = parser.parse_args()
    walls: dict[str, list[float]] = {way: [] for way in WAYS}
    print(f"{'run':>3}  {'containment':<12}  {'wall (s)':>9}  {'harness runs (s)':>16}  score")
    for index in range(arguments.repeat):
        for way in WAYS:
            _set_way(way)
            wall, report = grade_once(arguments.folder)
            walls[way].append(wall)
            assert report.get("containment") == way, report.get("containment")
            print(f"{index + 1:>3}  {way:<12}  {wall:>9.2f}  {harness_seconds(report):>16.2f}  "
                  f"{report['score']:g}/{report['max_score']:g}")
    on, off = (statistics.median(walls[way]) for way in WAYS)
    print(f"median wall: sandbox {on:.2f} s, without {off:.2f} s: growth {100 * (on / off - 1):+.1f} %")
    if arguments.starts:
        starts = empty_runs(arguments.starts)
        on, off = (statistics.median(starts[way]) for way in WAYS)
        print(f"an empty run (median of {arguments.starts}): sandbox {1000 * on:.0f} ms, "
              f"without {1000 * off:.0f} ms: {1000 * (on - off):+.0f} ms per run")


if __name__ == "__main__":
    main()
