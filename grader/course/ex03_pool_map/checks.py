"""Exercise 3 — ``Pool.map``: squares computed by a pool of worker processes, in input order."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import (
    MappedCall,
    expect_course_constants,
    expect_pool_closed,
    expect_process_pool_method,
    expect_task_sleeps,
)
from grader.checking.scenario import Scenario, count_to_ask, expect_equal
from grader.config import Exercise

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
TASK = "carre"


def _numbers(rng: random.Random, count: int) -> list[int]:
    return [rng.randint(-50, 200) for _ in range(count)]


@pytest.fixture(scope="module")
def sequential(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """``carre`` twice and ``carres_sequentiels`` on a few numbers, in the harness only."""
    inputs = [rng.randint(-99, 99), rng.randint(100, 999), _numbers(rng, 4)]
    calls = [call("carre", inputs[0]), call("carre", inputs[1]), call("carres_sequentiels", inputs[2])]
    return Scenario(student.run(calls, watch=[TASK], constants=["DUREE"]), inputs, FILE)


@pytest.fixture(scope="module")
def parallel(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``carres_paralleles`` on enough numbers to take several waves, after timing an empty Pool."""
    count = rng.randint(*exercise.bounds["taches"])
    processes = count_to_ask(rng, exercise.bounds["processes"], example=4)
    numbers = _numbers(rng, count)
    return Scenario.timed(student, [call("carres_paralleles", numbers, processes)],
                          [numbers, processes], FILE, watch=[TASK], constants=["DUREE"],
                          calibrate_pool=processes)


@pytest.fixture(scope="module")
def edge_cases(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """Empty input, one number, and more numbers than processes."""
    inputs = [([], 4), ([rng.randint(-9, 9)], 2), (_numbers(rng, rng.randint(7, 12)), 3)]
    return Scenario(student.run([call("carres_paralleles", *case) for case in inputs], watch=[TASK]),
                    inputs, FILE)


def _expect_squares(found: object, numbers: list[int], function: str) -> None:
    expect_equal(found, [number * number for number in numbers], function, numbers)


def _mapped(parallel: Scenario, exercise: Exercise) -> MappedCall:
    """The parallel call as the probe saw it, once it is certain the call returned."""
    parallel.value(0, "carres_paralleles")
    numbers, processes = parallel.inputs
    return MappedCall(parallel.run, parallel.step(0), TASK, len(numbers), processes,
                      "pool.map(carre, nombres)", exercise.bounds)


# -- result -----------------------------------------------------------------------------------


def test_carre_resultat(sequential: Scenario, exercise: Exercise) -> None:
    """``carre(x)`` returns x * x after sleeping ``DUREE`` seconds (``DUREE`` as in the course)."""
    for index in (0, 1):
        _expect_squares([sequential.value(index, "carre")], [sequential.inputs[index]], "carre")
    expect_course_constants(sequential.run, exercise.constants)
    expect_task_sleeps(sequential.run, sequential.step(0), TASK, exercise.constants["DUREE"])


def test_carres_sequentiels_resultat(sequential: Scenario) -> None:
    """``carres_sequentiels`` returns the squares in input order."""
    _expect_squares(sequential.value(2, "carres_sequentiels"), sequential.inputs[2], "carres_sequentiels")


def test_carres_paralleles_resultat(parallel: Scenario) -> None:
    """``carres_paralleles`` returns the squares of random numbers, in input order."""
    _expect_squares(parallel.value(0, "carres_paralleles"), parallel.inputs[0], "carres_paralleles")


def test_carres_paralleles_cas_limites(edge_cases: Scenario) -> None:
    """``carres_paralleles`` handles an empty list, one number, and more numbers than processes."""
    for index, (numbers, _) in enumerate(edge_cases.inputs):
        _expect_squares(edge_cases.value(index, "carres_paralleles"), numbers, "carres_paralleles")


# -- parallelism ------------------------------------------------------------------------------


def test_taches_dans_des_enfants(parallel: Scenario, exercise: Exercise) -> None:
    """Every ``carre`` of ``carres_paralleles`` ran in a worker process, none in the caller."""
    _mapped(parallel, exercise).expect_tasks_in_children()


def test_processus_demandes(parallel: Scenario, exercise: Exercise) -> None:
    """The pool has exactly the ``processes`` worker processes that were asked for."""
    _mapped(parallel, exercise).expect_requested_processes()


def test_taches_simultanees(parallel: Scenario, exercise: Exercise) -> None:
    """Several squares were computed at the same moment, in several worker processes."""
    _mapped(parallel, exercise).expect_simultaneous(exercise.constants["DUREE"])


def test_duree_dans_la_borne(parallel: Scenario, exercise: Exercise, measured: dict) -> None:
    """The call took about as many waves as ``Pool.map`` needs, not the sum of the tasks."""
    measured.update(_mapped(parallel, exercise).expect_duration(exercise.constants["DUREE"]))


# -- api and shutdown -------------------------------------------------------------------------


def test_pool_map_utilise(parallel: Scenario) -> None:
    """``carres_paralleles`` uses ``Pool.map`` of a process pool (not threads, not ``apply``)."""
    parallel.value(0, "carres_paralleles")
    expect_process_pool_method(parallel.run, parallel.step(0), "map")


def test_pool_ferme(parallel: Scenario) -> None:
    """The pool is closed when ``carres_paralleles`` returns (``with`` or ``close``/``join``)."""
    parallel.value(0, "carres_paralleles")
    expect_pool_closed(parallel.run, parallel.step(0))
