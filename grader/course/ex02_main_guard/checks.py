"""Exercise 2 — the ``__main__`` guard: ``main()`` maps ``double`` over a Pool, import stays silent.

The guard checks themselves (import and script) are in ``common_checks.py``, as for every exercise;
they weigh most here.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from grader.checking import observe
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import expect_pool_closed, expect_process_pool_method
from grader.checking.scenario import Scenario, expect_equal
from grader.checking.verdicts import CheckFailed

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
TASK = "double"
EXPECTED = [0, 2, 4, 6, 8]


@pytest.fixture(scope="module")
def calls(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    numbers = [rng.randint(-500, 500), rng.randint(1000, 9999)]
    run = student.run([call(TASK, numbers[0]), call(TASK, numbers[1]), call("main")], watch=[TASK])
    return Scenario(run, numbers, FILE)


def test_double_resultat(calls: Scenario) -> None:
    """``double(x)`` returns 2 * x for random x."""
    for index, number in enumerate(calls.inputs):
        expect_equal(calls.value(index, TASK), 2 * number, TASK, number)


def test_main_resultat(calls: Scenario) -> None:
    """``main()`` prints and returns [0, 2, 4, 6, 8]."""
    expect_equal(calls.value(2, "main"), EXPECTED, "main", "")
    if str(EXPECTED) not in [line.strip() for line in calls.step(2).stdout.splitlines()]:
        raise CheckFailed("main_sans_affichage", attendu=str(EXPECTED))


def test_pool_map_utilise(calls: Scenario) -> None:
    """``main()`` computes the doubles with ``Pool(2).map``, in worker processes."""
    calls.value(2, "main")
    run, step = calls.run, calls.step(2)
    expect_process_pool_method(run, step, "map", processes=2)
    tasks = observe.tasks(run, TASK, step)
    if len(tasks) != len(EXPECTED) or any(task.pid == run.harness_pid for task in tasks):
        raise CheckFailed("double_hors_des_workers", appels=len(tasks),
                          dans_appelant=sum(task.pid == run.harness_pid for task in tasks))


def test_pool_ferme(calls: Scenario) -> None:
    """The pool of ``main()`` is closed when ``main()`` returns."""
    calls.value(2, "main")
    expect_pool_closed(calls.run, calls.step(2))
