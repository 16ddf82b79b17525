"""Exercise 4 — ``Pool.starmap``: powers of (base, exposant) pairs, in order, in worker processes."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from grader.checking import observe
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import (
    MappedCall,
    expect_course_constants,
    expect_pool_closed,
    expect_process_pool_method,
    expect_task_sleeps,
)
from grader.checking.scenario import Scenario, count_to_ask, expect_equal
from grader.checking.verdicts import CheckFailed
from grader.config import Exercise

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
TASK = "puissance"


def _pairs(rng: random.Random, count: int) -> list[list[int]]:
    return [[rng.randint(-9, 12), rng.randint(0, 7)] for _ in range(count)]


def _powers(pairs: list[list[int]]) -> list[int]:
    return [base ** exponent for base, exponent in pairs]


@pytest.fixture(scope="module")
def direct(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """``puissance`` called twice in the harness."""
    inputs = _pairs(rng, 2)
    return Scenario(student.run([call(TASK, *pair) for pair in inputs], watch=[TASK],
                                constants=["DUREE"]), inputs, FILE)


@pytest.fixture(scope="module")
def parallel(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``puissances`` on enough pairs to take several waves, after timing an empty Pool."""
    pairs = _pairs(rng, rng.randint(*exercise.bounds["taches"]))
    processes = count_to_ask(rng, exercise.bounds["processes"], example=4)
    return Scenario.timed(student, [call("puissances", pairs, processes)], [pairs, processes], FILE,
                          watch=[TASK], constants=["DUREE"], calibrate_pool=processes)


@pytest.fixture(scope="module")
def edge_cases(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """No pair, one pair, and more pairs than processes."""
    inputs = [([], 4), (_pairs(rng, 1), 2), (_pairs(rng, rng.randint(7, 12)), 3)]
    return Scenario(student.run([call("puissances", *case) for case in inputs], watch=[TASK]),
                    inputs, FILE)


def _mapped(parallel: Scenario, exercise: Exercise) -> MappedCall:
    parallel.value(0, "puissances")
    pairs, processes = parallel.inputs
    return MappedCall(parallel.run, parallel.step(0), TASK, len(pairs), processes,
                      "pool.starmap(puissance, paires)", exercise.bounds)


def test_puissance_resultat(direct: Scenario, exercise: Exercise) -> None:
    """``puissance(base, exposant)`` returns base ** exposant after sleeping ``DUREE`` (as in the
    course)."""
    for index, pair in enumerate(direct.inputs):
        expect_equal(direct.value(index, TASK), _powers([pair])[0], TASK, ", ".join(map(str, pair)))
    expect_course_constants(direct.run, exercise.constants)
    expect_task_sleeps(direct.run, direct.step(0), TASK, exercise.constants["DUREE"])


def test_puissances_resultat(parallel: Scenario) -> None:
    """``puissances`` returns the powers of random pairs, in the order of the pairs."""
    pairs = parallel.inputs[0]
    expect_equal(parallel.value(0, "puissances"), _powers(pairs), "puissances", pairs)


def test_puissances_cas_limites(edge_cases: Scenario) -> None:
    """``puissances`` handles no pair, one pair, and more pairs than processes."""
    for index, (pairs, _) in enumerate(edge_cases.inputs):
        expect_equal(edge_cases.value(index, "puissances"), _powers(pairs), "puissances", pairs)


def test_taches_dans_des_enfants(parallel: Scenario, exercise: Exercise) -> None:
    """Every ``puissance`` ran in a worker process, none in the caller."""
    _mapped(parallel, exercise).expect_tasks_in_children()


def test_processus_demandes(parallel: Scenario, exercise: Exercise) -> None:
    """The pool has exactly the ``processes`` worker processes that were asked for."""
    _mapped(parallel, exercise).expect_requested_processes()


def test_taches_simultanees(parallel: Scenario, exercise: Exercise) -> None:
    """Several powers were computed at the same moment, in several worker processes."""
    _mapped(parallel, exercise).expect_simultaneous(exercise.constants["DUREE"])


def test_duree_dans_la_borne(parallel: Scenario, exercise: Exercise, measured: dict) -> None:
    """The call took about as many waves as ``Pool.starmap`` needs, not the sum of the tasks."""
    measured.update(_mapped(parallel, exercise).expect_duration(exercise.constants["DUREE"]))


def test_pool_starmap_utilise(parallel: Scenario) -> None:
    """``puissances`` hands the pairs to ``Pool.starmap``, which unpacks each into the arguments."""
    parallel.value(0, "puissances")
    run, step = parallel.run, parallel.step(0)
    used = {op["op"] for op in observe.pool_operations(run, step)}
    if "starmap" not in used and used & {"map", "map_async", "imap"}:
        raise CheckFailed("map_au_lieu_de_starmap")
    expect_process_pool_method(run, step, "starmap")


def test_pool_ferme(parallel: Scenario) -> None:
    """The pool is closed when ``puissances`` returns."""
    parallel.value(0, "puissances")
    expect_pool_closed(parallel.run, parallel.step(0))
