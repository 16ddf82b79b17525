"""ex05's ``executer_async_resultat`` tells « in submission order » from « in the order they end »
only in a run where the tasks ended out of order: its durations make that happen, and a run where
it did not happen is measured again rather than passed."""
from __future__ import annotations

import random

import pytest

from grader.checking.scenario import Scenario
from grader.checking.verdicts import CannotMeasure, CheckFailed
from grader.course.ex05_pool_async import checks
from grader.run.harness import Run, Step

PROCESSES = 3


def _scenario(durations: list[float], starts: list[float], returned: list[float]) -> Scenario:
    """``executer_async(durations)`` whose task ``i`` ran from ``starts[i]`` for ``durations[i]``
    (one worker each) and which returned the messages of ``returned``."""
    events = [{"ev": "call", "fn": checks.TASK, "pid": 10 + index, "t0": 100.0 + start,
               "t1": 100.0 + start + duration}
              for index, (start, duration) in enumerate(zip(starts, durations))]
    step = Step(name="call-0", status="ok", t0=100.0, t1=105.0, value=checks._messages(returned))
    run = Run(status="finished", returncode=0, harness_pid=1, steps=[step], events=events,
              stacks={}, stdout="", stderr="", elapsed_s=5.0, time_limit_s=10)
    return Scenario(run, [durations, PROCESSES], checks.FILE)


DURATIONS = [0.3, 0.1, 0.25]


def test_results_kept_as_tasks_end_fail_when_they_ended_out_of_order():
    ended_out_of_order = _scenario(DURATIONS, [0.0, 0.0, 0.0], returned=[0.1, 0.25, 0.3])
    with pytest.raises(CheckFailed) as raised:
        checks.test_executer_async_resultat(ended_out_of_order)
    assert raised.value.key == "resultat_incorrect"


def test_results_in_submission_order_pass_when_the_tasks_ended_out_of_order():
    checks.test_executer_async_resultat(_scenario(DURATIONS, [0.0, 0.0, 0.0], returned=DURATIONS))


def test_overlapping_tasks_that_ended_in_start_order_cannot_tell_the_two_apart():
    """Workers that started 0.25 s apart: each task ended after the one before it, so messages
    kept as they end would be in submission order too."""
    staggered = _scenario(DURATIONS, [0.0, 0.25, 0.3], returned=DURATIONS)
    with pytest.raises(CannotMeasure) as raised:
        checks.test_executer_async_resultat(staggered)
    assert raised.value.key == "ordre_de_fin_non_observe" and raised.value.facts["taches"] == 3


def test_tasks_one_after_another_are_judged_on_their_results():
    """Sequential tasks (another check fails them) end in order whatever: the results are right."""
    sequential = _scenario(DURATIONS, [0.0, 0.3, 0.4], returned=DURATIONS)
    checks.test_executer_async_resultat(sequential)


@pytest.mark.parametrize("seed", range(200))
def test_each_long_task_is_followed_by_a_shorter_one(seed):
    """Distinct durations in the course's range, alternately long and short, the first short one
    far shorter than the first long one: tasks end out of order unless workers start that far
    apart."""
    durations = checks._durations(random.Random(seed), 12, 0.1, 0.3)
    assert len(set(durations)) == 12 and all(0.1 <= duration <= 0.3 for duration in durations)
    assert all(durations[index] > durations[index + 1] for index in range(0, 12, 2))
    assert durations[0] - durations[1] >= 0.15
