"""The grader's calibrations as the checks read them (``grader/checking/calibration.py``)."""
from __future__ import annotations

from grader.checking.calibration import SIMULATE_BUSY_MACHINE, cpu_speedup

# Two calibrations around ex09's rounds, as seen on this project's 2-core CI machine: the second
# caught the sequential work at a fast moment (a single timing there varies by some 15 %).
AROUND_THE_ROUNDS = [{"sequential_s": 2.10, "pool_s": 1.50, "speedup": 1.40},
                     {"sequential_s": 1.51, "pool_s": 1.40, "speedup": 1.08}]


def test_the_speedup_pools_the_calibrations_so_one_slow_moment_does_not_decide(monkeypatch):
    monkeypatch.delenv(SIMULATE_BUSY_MACHINE, raising=False)
    calibration = cpu_speedup(AROUND_THE_ROUNDS)
    assert round(calibration["speedup"], 2) == round(3.61 / 2.90, 2) == 1.24  # not 1.08: not pending
    assert calibration["sequential_s"] == (2.10 + 1.51) / 2
    assert calibration["pool_s"] == (1.50 + 1.40) / 2


def test_a_simulated_busy_machine_shows_no_speedup(monkeypatch):
    monkeypatch.setenv(SIMULATE_BUSY_MACHINE, "1")
    assert cpu_speedup(AROUND_THE_ROUNDS)["speedup"] == 1.0
