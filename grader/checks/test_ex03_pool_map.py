"""Exercise 3 — ``Pool.map``: squares computed by a pool of worker processes, in input order."""
from __future__ import annotations

import random

import pytest

from grader import observe
from grader.config import Exercise
from grader.expectations import expect_pool_closed, expect_process_pool_method
from grader.observe import MapPlan
from grader.scenario import Scenario, expect_equal
from grader.submission import ExerciseUnderTest, call
from grader.verdicts import CannotMeasure, CheckFailed

EXERCISE = "ex03_pool_map"
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
    processes = exercise.bounds["processes"]
    numbers = _numbers(rng, count)
    run = student.run([call("carres_paralleles", numbers, processes)], watch=[TASK],
                      constants=["DUREE"], calibrate_pool=processes)
    return Scenario(run, [numbers, processes], FILE)


@pytest.fixture(scope="module")
def edge_cases(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """Empty input, one number, and more numbers than processes."""
    inputs = [([], 4), ([rng.randint(-9, 9)], 2), (_numbers(rng, rng.randint(7, 12)), 3)]
    return Scenario(student.run([call("carres_paralleles", *case) for case in inputs], watch=[TASK]),
                    inputs, FILE)


def _expect_squares(found: object, numbers: list[int], function: str) -> None:
    expect_equal(found, [number * number for number in numbers], function, numbers)


def _parallel_observations(parallel: Scenario) -> tuple[list[observe.Task], int, int]:
    """The tasks of the parallel call, after making sure the call returned."""
    parallel.value(0, "carres_paralleles")
    step = parallel.run.call(0)
    return observe.tasks(parallel.run, TASK, step), len(parallel.inputs[0]), parallel.inputs[1]


# -- result -----------------------------------------------------------------------------------


def test_carre_resultat(sequential: Scenario) -> None:
    """``carre(x)`` returns x * x after sleeping ``DUREE`` seconds."""
    for index in (0, 1):
        _expect_squares([sequential.value(index, "carre")], [sequential.inputs[index]], "carre")
    duree = sequential.run.constants.get("DUREE")
    durations = [task.duration for task in observe.tasks(sequential.run, TASK, sequential.run.call(0))]
    if not isinstance(duree, (int, float)) or not durations or min(durations) < 0.9 * duree:
        raise CheckFailed("carre_sans_pause", duree=duree,
                          mesure=round(min(durations), 3) if durations else "?")


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


def test_taches_dans_des_enfants(parallel: Scenario) -> None:
    """Every ``carre`` of ``carres_paralleles`` ran in a worker process, none in the caller."""
    found, count, _ = _parallel_observations(parallel)
    caller = parallel.run.harness_pid
    in_caller = [task for task in found if task.pid == caller]
    if len(found) != count:
        raise CheckFailed("nombre_appels", attendu=count, obtenu=len(found), fonction=TASK)
    if in_caller:
        key = "taches_dans_l_appelant" if len(in_caller) == count else "taches_en_partie_dans_l_appelant"
        raise CheckFailed(key, taches=count, dans_appelant=len(in_caller), pid=caller)


def test_processus_demandes(parallel: Scenario) -> None:
    """The pool has exactly the ``processes`` worker processes that were asked for."""
    found, count, processes = _parallel_observations(parallel)
    step = parallel.step(0)
    children = {event["child"] for event in observe.started(parallel.run, step)}
    workers = observe.worker_pids(found, parallel.run.harness_pid)
    if len(children) != processes or not workers <= children:
        raise CheckFailed("processus_demandes", demandes=processes, lances=len(children),
                          utilises=len(workers))


def test_taches_simultanees(parallel: Scenario, exercise: Exercise) -> None:
    """Several squares were computed at the same moment, in several worker processes."""
    found, count, processes = _parallel_observations(parallel)
    in_flight = observe.max_in_flight(found)
    workers = observe.worker_pids(found, parallel.run.harness_pid)
    needed = exercise.bounds["min_en_vol"]
    duree = parallel.run.constants.get("DUREE")
    if isinstance(duree, (int, float)) and found and observe.median_duration(found) < duree / 2:
        # Tasks that take no time cannot be seen overlapping; carre_resultat reports the cause.
        raise CannotMeasure("taches_trop_courtes", duree=duree,
                            mesure=round(observe.median_duration(found), 4))
    if in_flight >= needed and len(workers) < needed:
        raise CheckFailed("simultane_dans_un_processus", en_vol=in_flight, workers=len(workers))
    if in_flight < needed or len(workers) < needed:
        raise CheckFailed("pas_simultane", taches=count, en_vol=in_flight, workers=len(workers),
                          vagues=observe.busiest_worker_load(found), minimum=needed)


def test_duree_dans_la_borne(parallel: Scenario, exercise: Exercise) -> None:
    """The call took about as many waves as ``Pool.map`` needs, not the sum of the tasks."""
    found, count, processes = _parallel_observations(parallel)
    run = parallel.run
    bounds = exercise.bounds
    duree = run.constants.get("DUREE")
    if not found:
        raise CheckFailed("nombre_appels", attendu=count, obtenu=0, fonction=TASK)
    if not isinstance(duree, (int, float)) or duree <= 0:
        raise CheckFailed("duree_invalide", duree=duree)
    task_time = max(duree, min(observe.median_duration(found), duree * (1 + bounds["duree_tolerance"])))
    plan = MapPlan(count, processes)
    startup = run.calibration["startup_s"] if run.calibration else 0.0
    bound = plan.waves * task_time + bounds["demarrage_facteur"] * startup + bounds["marge_s"]
    sequential_time = count * duree
    facts = dict(taches=count, processes=processes, duree=duree, vagues=plan.waves,
                 paquets=plan.chunksize, borne=round(bound, 2), demarrage=round(startup, 3),
                 sequentiel=round(sequential_time, 2), mesure=round(run.call(0).duration, 2))
    if bound >= bounds["part_sequentielle_max"] * sequential_time:
        raise CannotMeasure("machine_trop_chargee", **facts)
    if run.call(0).duration > bound:
        raise CheckFailed("trop_lent", **facts)


# -- api and shutdown -------------------------------------------------------------------------


def test_pool_map_utilise(parallel: Scenario) -> None:
    """``carres_paralleles`` uses ``Pool.map`` of a process pool (not threads, not ``apply``)."""
    _parallel_observations(parallel)
    expect_process_pool_method(parallel.run, parallel.step(0), "map")


def test_pool_ferme(parallel: Scenario) -> None:
    """The pool is closed when ``carres_paralleles`` returns (``with`` or ``close``/``join``)."""
    _parallel_observations(parallel)
    expect_pool_closed(parallel.run, parallel.step(0))
