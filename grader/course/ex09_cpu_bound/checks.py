"""Exercise 9 — CPU-bound work: threads share one GIL, processes use the cores.

Which version ran where is read from the probe (``travail_cpu`` calls: process and thread). The
speed-up of processes over threads is measured on the run's own steps and judged against what this
machine showed just before with the grader's own work: a machine that cannot show a speed-up now
(one core, too busy) makes the check ``pending``, never ``failed``.
"""
from __future__ import annotations

import os
import random
from pathlib import Path
from typing import cast

import pytest

from grader.checking import observe
from grader.checking.calibration import cpu_speedup
from grader.checking.exercise_under_test import ExerciseUnderTest, call, returned
from grader.checking.expectations import expect_pool_closed
from grader.checking.scenario import MachineCheck, Scenario, count_to_ask, expect_equal
from grader.checking.verdicts import CannotMeasure, CheckFailed
from grader.config import Exercise
from grader.run.harness import Run

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
TASK = "travail_cpu"
VERSIONS = ("sequentiel", "avec_threads", "avec_processus")
PERIOD = [0, 1, 4, 2, 2, 4, 1]  # i * i % 7 for i = 0 … 6: travail_cpu sums this pattern


def travail_cpu_expected(n: int) -> int:
    """What the course's ``travail_cpu(n)`` returns, computed here without running student code."""
    return sum(PERIOD) * (n // len(PERIOD)) + sum(PERIOD[: n % len(PERIOD)])


@pytest.fixture(scope="module")
def versions(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """The grader's calibration, then the three versions on the same random tasks."""
    bounds = exercise.bounds
    sizes = [rng.randint(*bounds["taille_tache"]) for _ in range(bounds["taches"])]
    workers = count_to_ask(rng, bounds["workers"], example=2)
    # Calibrated before and after: the machine may get busier while the student's versions run.
    # With ``manches`` above 1, threads and processes are timed again in later rounds and the
    # fastest round of each is compared. One round is enough: a burst of load that slows it is
    # caught by the workers' share of the CPU (``_cpu_share``), and the check measured again.
    rounds = [call(function, sizes, workers) for function in ("avec_threads", "avec_processus")]
    calibration = call("@calibrate_cpu", sizes, workers)
    calls = [calibration, call("sequentiel", sizes), *rounds, *rounds * (bounds["manches"] - 1),
             calibration]
    # Measured again, the versions run anew only once the calibration alone shows a speed-up
    # this machine can measure: on a machine still too busy, an attempt costs a calibration.
    machine_check = MachineCheck([calibration], lambda run: _speedup_measurable(run, exercise))
    return Scenario.timed(student, calls, [sizes, workers], FILE, machine_check, watch=[TASK])


def _speedup_measurable(run: Run, exercise: Exercise) -> bool:
    """Whether a run of the calibration alone shows a speed-up this machine can measure now. It ran
    in the student's interpreter: a result of another shape is a machine that cannot (the check
    stays pending, as with the calibrations of the whole run), never the grader's own error."""
    measure = cast(dict, returned(run, 0, "@calibrate_cpu", FILE))  # the grader's helper: its JSON
    try:
        return _shows_a_speedup(cpu_speedup([measure]), exercise)
    except (KeyError, TypeError, ZeroDivisionError):
        return False


def _shows_a_speedup(calibration: dict, exercise: Exercise) -> bool:
    """Whether the grader's own work ran fast enough in a pool, against one after another, for
    this machine to measure a speed-up now (below ``calibration_min``: ``pending``)."""
    return calibration["speedup"] >= exercise.bounds["calibration_min"]


def _step_of(versions: Scenario, function: str, round_index: int = 0):
    index = 1 + VERSIONS.index(function) + (2 * round_index if function != VERSIONS[0] else 0)
    versions.value(index, function)
    return versions.step(index)


def _fastest(versions: Scenario, function: str, rounds: int) -> float:
    return min(_step_of(versions, function, round_index).duration for round_index in range(rounds))


def test_resultats_identiques(versions: Scenario) -> None:
    """The three versions return ``travail_cpu`` of each task, in the order of the tasks."""
    sizes = versions.inputs[0]
    expected = [travail_cpu_expected(size) for size in sizes]
    for index, function in enumerate(VERSIONS, start=1):
        expect_equal(versions.value(index, function), expected, function, sizes)


def test_avec_threads_threads(versions: Scenario) -> None:
    """``avec_threads`` runs the tasks in several threads of the calling process, no child."""
    sizes, workers = versions.inputs
    run, step = versions.run, _step_of(versions, "avec_threads")
    tasks = [event for event in run.events_of("call") if event["fn"] == TASK
             and observe.is_within(event, step)]
    if observe.started(run, step) or any(event["pid"] != run.harness_pid for event in tasks):
        raise CheckFailed("threads_en_processus")
    threads = {event["tid"] for event in tasks}
    if len(threads) < min(workers, len(sizes)):
        raise CheckFailed("un_seul_thread", threads=len(threads), workers=workers)


def test_avec_processus_processus(versions: Scenario) -> None:
    """``avec_processus`` runs the tasks in ``workers`` child processes, at the same time."""
    sizes, workers = versions.inputs
    run, step = versions.run, _step_of(versions, "avec_processus")
    tasks = observe.tasks(run, TASK, step)
    pids = {task.pid for task in tasks}
    pools = [op for op in observe.pool_operations(run, step) if op["op"] == "create"]
    if any(pool["processes"] != workers for pool in pools):
        raise CheckFailed("pool_taille", demandes=workers, obtenus=pools[0]["processes"])
    started = {event["child"] for event in observe.started(run, step)}
    if run.harness_pid in pids or not 2 <= len(pids) <= workers or len(started) > workers:
        raise CheckFailed("nombre_de_processus", fonction=TASK, attendus=workers,
                          obtenus=len(pids - {run.harness_pid}), dans_appelant=run.harness_pid in pids)
    if observe.max_in_flight(tasks) < 2:
        raise CheckFailed("pas_simultane", en_vol=observe.max_in_flight(tasks), workers=len(pids),
                          minimum=2, taches=len(sizes), fonction=TASK,
                          appel="pool.map(travail_cpu, taches)")


def test_acceleration(versions: Scenario, exercise: Exercise, measured: dict) -> None:
    """Processes finish the CPU-bound work faster than threads, as much as this machine allows."""
    bounds = exercise.bounds
    rounds = bounds["manches"]
    after = 2 + 2 * rounds  # the calibration after the rounds
    calibration = cpu_speedup([versions.helper_value(index, "@calibrate_cpu") for index in (0, after)])
    walls = {function: _fastest(versions, function, rounds if function != VERSIONS[0] else 1)
             for function in VERSIONS}
    speedup = walls["avec_threads"] / walls["avec_processus"]
    cpu = _step_of(versions, "avec_processus").cpu or {"self": 0.0, "children": 0.0}
    measured.update(sequentiel_s=round(walls["sequentiel"], 3), threads_s=round(walls["avec_threads"], 3),
                    processus_s=round(walls["avec_processus"], 3), acceleration=round(speedup, 2),
                    cpu_processus_s=round(cpu["self"] + cpu["children"], 3),
                    calibration=round(calibration["speedup"], 2), coeurs=os.cpu_count(),
                    reference_sequentiel_s=round(calibration["sequential_s"], 3),
                    reference_pool_s=round(calibration["pool_s"], 3))
    # Halfway between no speed-up at all (threads, or a sequential version: 1.0) and what the
    # machine showed with the grader's own work a moment before.
    required = 1 + bounds["part_de_la_calibration"] * (calibration["speedup"] - 1)
    measured["requis"] = round(required, 2)
    share = _cpu_share(versions, rounds)
    if share is None:  # not two worker processes: the code, not the machine, rules a speed-up out
        raise CheckFailed("pas_d_acceleration", **measured)
    if not _shows_a_speedup(calibration, exercise):
        raise CannotMeasure("acceleration_impossible", **measured)
    if speedup < required:
        measured["part_cpu"] = share
        if share is not None and share < bounds["part_cpu_min"]:
            raise CannotMeasure("processus_prives_de_cpu", **measured)
        raise CheckFailed("pas_d_acceleration", **measured)


def _cpu_share(versions: Scenario, rounds: int) -> float | None:
    """How fast the tasks ran in the worker processes of the fastest ``avec_processus`` round,
    against the same tasks run one by one in ``sequentiel``: on free cores, about 1. Well below,
    the workers did not get the cores (other programs took them after the calibration), and the
    round says nothing of the code. ``None`` when the tasks did not run in child processes: then
    the code, not the machine, explains the missing speed-up."""
    run = versions.run
    step = min((_step_of(versions, "avec_processus", round_index) for round_index in range(rounds)),
               key=lambda found: found.duration)
    in_workers = [task for task in observe.tasks(run, TASK, step) if task.pid != run.harness_pid]
    alone = observe.tasks(run, TASK, _step_of(versions, "sequentiel"))
    if len({task.pid for task in in_workers}) < 2 or not alone:
        return None
    return round(sum(task.duration for task in alone) / sum(task.duration for task in in_workers), 2)


def test_pool_ferme(versions: Scenario) -> None:
    """The pool of ``avec_processus`` is closed when it returns."""
    expect_pool_closed(versions.run, _step_of(versions, "avec_processus"))

