"""Exercise 5 — ``apply`` (blocking), ``apply_async`` and ``map_async``: submit, work meanwhile, collect.

``pendant_ce_temps`` is a function of the grader that only records when it is called; whether it
ran while the tasks were still running is read from the tasks' own intervals.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import cast

import pytest

from grader.checking import observe
from grader.checking.calibration import pool_startup_s
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import (
    async_bound,
    expect_course_constants,
    expect_pool_closed,
    expect_process_pool_method,
    expect_task_sleeps,
)
from grader.checking.scenario import Scenario, count_to_ask, expect_equal
from grader.checking.verdicts import CannotMeasure, CheckFailed
from grader.config import Exercise
from grader.run.harness import Run, Step

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
TASK = "tache"
SQUARE = "carre"
MEANWHILE = {"$callback": "pendant_ce_temps"}


def _durations(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    """Distinct durations spread over [low, high], a long one then a short one: the first short
    tasks end well before the long ones submitted just before them, even when the workers start a
    tenth of a second apart (durations 0.01 s apart, longest first, ended in submission order on a
    busy machine, and results collected as tasks end looked right). A run where they still end in
    order is measured again (``ordre_de_fin_non_observe``)."""
    width = (high - low) / count
    digits = 2 if width >= 0.01 else 3  # enough distinct values in a narrow range
    spread: list[float] = []
    while len(set(spread)) < count:  # two draws either side of a slot's edge may round alike
        spread = sorted(round(low + width * (slot + rng.random()), digits) for slot in range(count))
    return [spread[-1 - index // 2] if index % 2 == 0 else spread[index // 2]
            for index in range(count)]


def _messages(durations: list[float]) -> list[str]:
    return [f"Tâche de {duration}s terminée" for duration in durations]


@pytest.fixture(scope="module")
def blocking(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """``tache`` alone, then ``executer_bloquant`` on a few durations."""
    single = round(rng.uniform(0.05, 0.15), 2)
    durations = _durations(rng, 4, 0.05, 0.15)
    # Timed: « one task at a time » is judged from when the tasks ran.
    return Scenario.timed(student, [call(TASK, single), call("executer_bloquant", durations, 2)],
                          [single, durations], FILE, watch=[TASK])


@pytest.fixture(scope="module")
def asynchronous(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``executer_async`` with a ``pendant_ce_temps``, after timing an empty Pool."""
    bounds = exercise.bounds
    durations = _durations(rng, bounds["taches_async"], *bounds["durees_async"])
    processes = count_to_ask(rng, bounds["processes"], example=2)
    calls = [call("executer_async", durations, processes, pendant_ce_temps=MEANWHILE)]
    return Scenario.timed(student, calls, [durations, processes], FILE, watch=[TASK],
                          calibrate_pool=processes)


@pytest.fixture(scope="module")
def squares(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``carres_async`` with a ``pendant_ce_temps``."""
    numbers = [rng.randint(-30, 99) for _ in range(rng.randint(9, 14))]
    processes = count_to_ask(rng, exercise.bounds["processes"], example=4)
    # Timed: tasks in flight together, and pendant_ce_temps before the last one ended, are judged.
    return Scenario.timed(student, [call("carres_async", numbers, processes, pendant_ce_temps=MEANWHILE)],
                          [numbers, processes], FILE, watch=[SQUARE], constants=["DUREE"])


def _expect_meanwhile(run: Run, step: Step, task: str, submission: str) -> None:
    """``pendant_ce_temps`` was called once, after every submission and before the last task ended."""
    callbacks = [event for event in run.events_of("callback") if observe.is_within(event, step)]
    if not callbacks:
        raise CheckFailed("pendant_jamais_appele")
    if len(callbacks) > 1:
        raise CheckFailed("pendant_plusieurs_fois", nombre=len(callbacks))
    moment = callbacks[0]["t"]
    submitted = [op["t"] for op in observe.pool_operations(run, step) if op["op"] == submission]
    tasks = observe.tasks(run, task, step)
    if not submitted:
        raise CheckFailed("pendant_sans_soumission", methode=submission)
    if moment < max(submitted):
        raise CheckFailed("pendant_avant_soumission", methode=submission)
    last_end = max((found.t1 for found in tasks), default=moment)
    if moment >= last_end:
        raise CheckFailed("pendant_apres_les_taches", retard=round(moment - last_end, 3),
                          taches=len(tasks))


# -- tache and executer_bloquant --------------------------------------------------------------


def test_tache_resultat(blocking: Scenario) -> None:
    """``tache(duree)`` sleeps ``duree`` and returns « Tâche de {duree}s terminée »."""
    single = blocking.inputs[0]
    expect_equal(blocking.value(0, TASK), _messages([single])[0], TASK, single)
    expect_task_sleeps(blocking.run, blocking.step(0), TASK, single)


def test_executer_bloquant_resultat(blocking: Scenario) -> None:
    """``executer_bloquant`` returns the messages in the order of the durations."""
    durations = blocking.inputs[1]
    expect_equal(blocking.value(1, "executer_bloquant"), _messages(durations), "executer_bloquant",
                 durations)


def test_executer_bloquant_un_a_la_fois(blocking: Scenario) -> None:
    """``executer_bloquant`` uses ``pool.apply``: each task ends before the next one starts."""
    blocking.value(1, "executer_bloquant")
    run, step = blocking.run, blocking.step(1)
    expect_process_pool_method(run, step, "apply")
    tasks = observe.tasks(run, TASK, step)
    if observe.max_in_flight(tasks) > 1:
        raise CheckFailed("bloquant_simultane", en_vol=observe.max_in_flight(tasks))


# -- executer_async ---------------------------------------------------------------------------


def test_executer_async_resultat(asynchronous: Scenario) -> None:
    """``executer_async`` returns the messages in submission order, whatever order they end in."""
    durations = asynchronous.inputs[0]
    expect_equal(asynchronous.value(0, "executer_async"), _messages(durations), "executer_async",
                 durations)
    tasks = observe.tasks(asynchronous.run, TASK, asynchronous.step(0))
    ends = sorted(tasks, key=lambda task: task.t1)
    if observe.max_in_flight(tasks) > 1 and ends == tasks:
        # The tasks overlapped yet ended in the order they started: messages kept as they end
        # would look right too, so this run cannot tell the two apart.
        raise CannotMeasure("ordre_de_fin_non_observe", taches=len(tasks))


def test_executer_async_soumet_tout(asynchronous: Scenario) -> None:
    """Every task is submitted with ``apply_async`` before the first result is awaited or looked
    at (``get``, ``wait``, ``ready``)."""
    asynchronous.value(0, "executer_async")
    run, step = asynchronous.run, asynchronous.step(0)
    expect_process_pool_method(run, step, "apply_async", asynchronous.inputs[1])
    submitted = [op["t"] for op in observe.pool_operations(run, step) if op["op"] == "apply_async"]
    if len(submitted) != len(asynchronous.inputs[0]):
        raise CheckFailed("soumissions_manquantes", soumises=len(submitted),
                          taches=len(asynchronous.inputs[0]))
    waits = [event for event in run.events_of("get")
             if observe.is_within(event, step) and observe.is_student(event)]
    first = min(waits, key=lambda event: event["t0"], default=None)
    if first is not None and first["t0"] < max(submitted):
        early = sum(1 for moment in submitted if moment > first["t0"])
        raise CheckFailed("get_trop_tot", apres=early, taches=len(submitted),
                          methode=first.get("op", "get"))


def test_executer_async_pendant_ce_temps(asynchronous: Scenario) -> None:
    """``pendant_ce_temps()`` is called once, after the submissions, while the tasks still run."""
    asynchronous.value(0, "executer_async")
    _expect_meanwhile(asynchronous.run, asynchronous.step(0), TASK, "apply_async")


def test_executer_async_simultane(asynchronous: Scenario, exercise: Exercise,
                                  measured: dict) -> None:
    """The tasks overlap in several workers; the call lasts about the longest wave, not the sum."""
    asynchronous.value(0, "executer_async")
    durations, processes = asynchronous.inputs
    run, step = asynchronous.run, asynchronous.step(0)
    tasks = observe.tasks(run, TASK, step)
    in_flight = observe.max_in_flight(tasks)
    workers = observe.worker_pids(tasks, run.harness_pid)
    if in_flight < 2 or len(workers) < 2:
        raise CheckFailed("pas_simultane", en_vol=in_flight, workers=len(workers), minimum=2,
                          taches=len(durations), fonction=TASK, appel="pool.apply_async(tache, (duree,))")
    bounds = exercise.bounds
    startup = pool_startup_s(run)
    bound = async_bound(durations, processes, startup, bounds)
    took = cast(float, step.duration)  # the call returned: its step is timed
    facts = dict(mesure=round(took, 2), borne=round(bound, 2),
                 sequentiel=round(sum(durations), 2), demarrage=round(startup, 3), taches=len(durations))
    measured.update(facts)
    sequential_share = bounds["part_sequentielle_max"] * sum(durations)
    if bound >= sequential_share and took < sequential_share:
        return  # far below the sequential time however loose the bound: the tasks ran at once
    if bound >= sequential_share and took <= bound:
        raise CannotMeasure("machine_trop_chargee", **facts)
    if took > bound:
        raise CheckFailed("async_trop_lent", **facts)


# -- carres_async -----------------------------------------------------------------------------


def test_carres_async_resultat(squares: Scenario, exercise: Exercise) -> None:
    """``carres_async`` returns the squares in the order of the numbers (``DUREE`` as in the
    course)."""
    numbers = squares.inputs[0]
    expect_equal(squares.value(0, "carres_async"), [number * number for number in numbers],
                 "carres_async", numbers)
    expect_course_constants(squares.run, exercise.constants)
    expect_task_sleeps(squares.run, squares.step(0), SQUARE, exercise.constants["DUREE"])


def test_carres_async_map_async(squares: Scenario) -> None:
    """``carres_async`` submits the whole list at once with ``Pool.map_async``, whose squares then
    run in several workers at the same time (not one chunk of them all)."""
    squares.value(0, "carres_async")
    run, step = squares.run, squares.step(0)
    expect_process_pool_method(run, step, "map_async", squares.inputs[1])
    tasks = observe.tasks(run, SQUARE, step)
    in_flight, workers = observe.max_in_flight(tasks), observe.worker_pids(tasks, run.harness_pid)
    if in_flight < 2 or len(workers) < 2:
        raise CheckFailed("pas_simultane", en_vol=in_flight, workers=len(workers), minimum=2,
                          taches=len(squares.inputs[0]), fonction=SQUARE,
                          appel="pool.map_async(carre, nombres)")


def test_carres_async_pendant_ce_temps(squares: Scenario) -> None:
    """``pendant_ce_temps()`` is called once, after ``map_async``, while the squares are computed."""
    squares.value(0, "carres_async")
    _expect_meanwhile(squares.run, squares.step(0), SQUARE, "map_async")


# -- shutdown ---------------------------------------------------------------------------------


def test_pools_fermes(blocking: Scenario, asynchronous: Scenario, squares: Scenario) -> None:
    """The pool of each function is closed when the function returns."""
    for scenario, index, function in ((blocking, 1, "executer_bloquant"),
                                      (asynchronous, 0, "executer_async"),
                                      (squares, 0, "carres_async")):
        scenario.value(index, function)
        expect_pool_closed(scenario.run, scenario.step(index))
