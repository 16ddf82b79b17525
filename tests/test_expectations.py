"""The duration of a ``Pool.map`` call judged from the tasks' own intervals (grader.checking.expectations)."""
from __future__ import annotations

import pytest

from grader import config
from grader.checking.expectations import MappedCall, async_bound
from grader.checking.verdicts import CannotMeasure, CheckFailed
from grader.run.harness import Run, Step

DUREE = 0.1
TASKS = 8
PROCESSES = 4
STARTUP_S = 0.1  # the Pool start-up measured before the call


def _call(task_starts: list[tuple[int, float]], call_s: float,
          startup_s: float = STARTUP_S) -> MappedCall:
    """A call of ``call_s`` seconds whose tasks (pid, start) each last ``DUREE``, after a Pool
    start-up of ``startup_s`` measured by the grader."""
    events = [{"ev": "call", "fn": "carre", "pid": pid, "t0": 10.0 + start,
               "t1": 10.0 + start + DUREE} for pid, start in task_starts]
    run = Run(status="finished", returncode=0, harness_pid=1, steps=[], events=events, stacks={},
              stdout="", stderr="", elapsed_s=call_s, time_limit_s=10,
              calibration={"startup_s": startup_s})
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


MEASURED_START_UPS = [0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0]


def _verdict(call: MappedCall) -> str:
    try:
        call.expect_duration(DUREE)
    except CannotMeasure:
        return "pending"
    except CheckFailed:
        return "failed"
    return "passed"


@pytest.mark.parametrize("startup_s", MEASURED_START_UPS)
def test_over_any_measured_start_up_parallel_never_fails_and_sequential_never_passes(startup_s):
    """The bound (waves + 1.5 × start-up + margin) over the start-ups a loaded machine shows: a pool
    whose processes took that start-up then ran the tasks in waves is passed or pending; the same
    tasks one after another are failed or pending; and while the bound stays under 80 % of the
    sequential time, both are decided."""
    parallel = _call(_in_waves(startup_s), call_s=startup_s + 2 * DUREE + 0.05, startup_s=startup_s)
    sequential = _call([(2, startup_s + index * DUREE) for index in range(TASKS)],
                       call_s=startup_s + TASKS * DUREE + 0.05, startup_s=startup_s)
    verdicts = (_verdict(parallel), _verdict(sequential))
    assert verdicts[0] in ("passed", "pending") and verdicts[1] in ("failed", "pending")
    bound = 2 * DUREE + parallel.bounds["demarrage_facteur"] * startup_s + parallel.bounds["marge_s"]
    if bound < 0.8 * TASKS * DUREE:
        assert verdicts == ("passed", "failed")


def test_a_loose_bound_still_passes_a_call_far_below_the_sequential_time():
    """The start-up measured was long (a busy moment) but the call itself took half the sequential
    time: only parallel work does that, so the bound's looseness does not matter."""
    call = _call(_in_waves(0.1), call_s=0.4, startup_s=2.0)
    assert _verdict(call) == "passed"


def test_a_loose_bound_leaves_pending_a_call_it_cannot_decide():
    """Bound 3.45 s, sequential 0.8 s, the call took 1.2 s: neither proven parallel nor over."""
    call = _call(_in_waves(1.0), call_s=1.2, startup_s=2.0)
    with pytest.raises(CannotMeasure) as raised:
        call.expect_duration(DUREE)
    assert raised.value.key == "machine_trop_chargee"


@pytest.mark.parametrize("startup_s", MEASURED_START_UPS)
@pytest.mark.parametrize("processes", [3, 4, 5])
def test_the_async_bound_holds_a_parallel_run_and_excludes_a_sequential_one(startup_s, processes):
    """ex05's bound over the start-ups a loaded machine shows: tasks spread over the workers in the
    worst order stay within it; the tasks one after another exceed it while it stays under 80 % of
    their sum (beyond, the check cannot decide and is pending)."""
    bounds = config.load().exercise("ex05_pool_async").bounds
    durations = [0.3, 0.28, 0.25, 0.22, 0.2, 0.18, 0.17, 0.15, 0.13, 0.12, 0.11, 0.1]
    bound = async_bound(durations, processes, startup_s, bounds)
    workers = [0.0] * processes
    for duration in sorted(durations):  # longest last: the worst ending a pool can give
        workers[workers.index(min(workers))] += duration
    assert startup_s + max(workers) <= bound
    if bound < bounds["part_sequentielle_max"] * sum(durations):
        assert startup_s + sum(durations) > bound
