"""grader.cohort.cores: shared gradings run side by side, a timing grading runs with nothing beside it."""
from __future__ import annotations

import threading
import time

from grader.cohort.cores import Cores

HOLD_S = 0.05


def _record(cores: Cores, alone: bool, intervals: list, name: str) -> None:
    with (cores.alone() if alone else cores.shared()):
        start = time.monotonic()
        time.sleep(HOLD_S)
        intervals.append((name, alone, start, time.monotonic()))


def _run(plan: list[tuple[str, bool, float]]) -> list:
    cores = Cores()
    intervals: list[tuple[str, bool, float, float]] = []
    threads = []
    for name, alone, delay in plan:
        time.sleep(delay)
        thread = threading.Thread(target=_record, args=(cores, alone, intervals, name))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout=10)
    return intervals


def test_shared_gradings_overlap_and_a_timing_one_overlaps_nothing():
    intervals = _run([("a", False, 0), ("b", False, 0), ("t", True, 0.01), ("c", False, 0.01),
                      ("u", True, 0)])
    assert len(intervals) == 5
    shared = [interval for interval in intervals if not interval[1]]
    assert any(one[2] < other[3] and other[2] < one[3]
               for one in shared for other in shared if one is not other)  # side by side
    for name, alone, start, end in intervals:
        if alone:
            others = [interval for interval in intervals if interval[0] != name]
            assert all(end <= other[2] or other[3] <= start for other in others), name


def test_a_waiting_timing_grading_goes_before_shared_ones_that_ask_after_it():
    intervals = _run([("a", False, 0), ("t", True, 0.01), ("late", False, 0.01)])
    order = [name for name, *_ in sorted(intervals, key=lambda interval: interval[2])]
    assert order == ["a", "t", "late"]
