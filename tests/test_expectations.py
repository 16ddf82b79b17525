"""The duration of a ``Pool.map`` call judged from the tasks' own intervals (grader.expectations)."""
from __future__ import annotations

import pytest

from grader import config
from grader.expectations import MappedCall
from grader.harness import Run, Step
from grader.verdicts import CannotMeasure, CheckFailed

DUREE = 0.1
TASKS = 8
PROCESSES = 4
STARTUP_S = 0.1  # the Pool start-up measured before the call


def _call(task_starts: list[tuple[int, float]], call_s: float) -> MappedCall:
    """A call of ``call_s`` seconds whose tasks (pid, start) each last ``DUREE``."""
    events = [{"ev": "call", "fn": "carre", "pid": pid, "t0": 10.0 + start,
               "t1": 10.0 + start + DUREE} for pid, start in task_starts]
    run = Run(status="finished", returncode=0, harness_pid=1, steps=[], events=events, stacks={},
              stdout="", stderr="", elapsed_s=call_s, time_limit_s=10,
              calibration={"startup_s": STARTUP_S})
    step = Step(name="call-0", status="ok", t0=10.0, t1=10.0 + call_s)
    bounds = config.load().exercise("ex03_pool_map").bounds
    return MappedCall(run, step, "carre", TASKS, PROCESSES, "pool.map(carre, nombres)", bounds)


def _in_waves(offset: float) -> list[tuple[int, float]]:
    """Two waves on four workers (chunks of one), starting ``offset`` after the call."""
    return [(2 + index % PROCESSES, offset + (index // PROCESSES) * DUREE) for index in range(TASKS)]


def test_tasks_in_waves_within_the_bound_pass():
    facts = _call(_in_waves(0.1), call_s=0.5).expect_duration(DUREE)
    assert facts["vagues"] == 2 and facts["mesure"] <= facts["borne"]


def test_a_slow_start_up_with_tasks_in_waves_cannot_be_judged_rather_than_failed():
    """The machine got busier after the start-up was measured: processes took 1.5 s to start, but
    the tasks, once running, took their two waves."""
    with pytest.raises(CannotMeasure) as raised:
        _call(_in_waves(1.5), call_s=1.8).expect_duration(DUREE)
    assert raised.value.key == "demarrage_ralenti"
    assert raised.value.facts["etendue"] == pytest.approx(2 * DUREE)


def test_tasks_one_after_another_fail_whatever_the_start_up():
    sequential = [(2, 0.1 + index * DUREE) for index in range(TASKS)]
    with pytest.raises(CheckFailed) as raised:
        _call(sequential, call_s=0.1 + TASKS * DUREE + 0.1).expect_duration(DUREE)
    assert raised.value.key == "trop_lent"
