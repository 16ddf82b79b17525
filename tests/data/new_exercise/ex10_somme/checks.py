"""Exercise 10 — a test's throwaway exercise: ``somme_carres`` sums squares computed by a Pool."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from grader.checking import observe
from grader.checking.scenario import Scenario, expect_equal
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.verdicts import CheckFailed
from grader.config import Exercise

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
TASK = "carre"


@pytest.fixture(scope="module")
def somme(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    numbers = [rng.randint(-20, 20) for _ in range(rng.randint(*exercise.bounds["nombres"]))]
    run = student.run([call("somme_carres", numbers, 2)], watch=[TASK])
    return Scenario(run, numbers, FILE)


def test_somme_carres_resultat(somme: Scenario) -> None:
    """``somme_carres`` returns the sum of the squares of its numbers."""
    expect_equal(somme.value(0, "somme_carres"), sum(n * n for n in somme.inputs), "somme_carres",
                 somme.inputs)


def test_carres_dans_des_workers(somme: Scenario) -> None:
    """Every square is computed in a worker process, none in the caller."""
    somme.value(0, "somme_carres")
    tasks = observe.tasks(somme.run, TASK, somme.step(0))
    in_caller = sum(task.pid == somme.run.harness_pid for task in tasks)
    if len(tasks) != len(somme.inputs) or in_caller:
        raise CheckFailed("carres_dans_l_appelant", appels=len(tasks), dans_appelant=in_caller)
