"""The grader's own calibrations of this machine, as the timing checks read them.

Before a timed call, the harness times an empty ``Pool`` of the same size (its start-up); ex09
times the grader's own CPU work with threads and with processes (the speed-up this machine can show
now). A check that "cannot measure" decides so from these figures only, never from anything the
submission controls.

For the project's own tests, ``MPGRADE_TEST_BUSY_MACHINE`` set in the grader's environment (never
the student's: their processes get theirs from the harness) makes every calibration read as a
machine too busy to measure: the suite uses it to prove that such a machine gives ``pending``
checks, and that its idle-machine tests would turn red if calibrations always said so.
"""
from __future__ import annotations

import os

from grader.run.harness import Run

SIMULATE_BUSY_MACHINE = "MPGRADE_TEST_BUSY_MACHINE"
SIMULATED_STARTUP_S = 60.0  # a pool start-up so slow that no timing bound proves anything


def busy_machine_simulated() -> bool:
    return bool(os.environ.get(SIMULATE_BUSY_MACHINE))


def pool_startup_s(run: Run) -> float:
    """How long starting (and stopping) a pool took just before the student's call, on this machine."""
    if busy_machine_simulated():
        return SIMULATED_STARTUP_S
    return run.calibration["startup_s"] if run.calibration else 0.0


def cpu_speedup(measures: list[dict]) -> dict:
    """The CPU calibrations around the student's rounds taken together: the grader's work one after
    another against the same work in a pool, summed over the calibrations. One timing on a shared
    machine varies by some 15 %; a single slow moment is averaged, not decisive (a machine that got
    busy during the student's rounds is caught by the workers' share of the CPU, not here)."""
    sequential = sum(measure["sequential_s"] for measure in measures)
    in_pool = sum(measure["pool_s"] for measure in measures)
    speedup = 1.0 if busy_machine_simulated() else sequential / in_pool
    return {"sequential_s": sequential / len(measures), "pool_s": in_pool / len(measures),
            "speedup": speedup}
