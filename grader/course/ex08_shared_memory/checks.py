"""Exercise 8 — shared memory: ``Value`` and its lock, ``Array`` filled slice by slice.

``incrementer`` is judged by running several instances of the student's own function at once on one
``Value``, released together by a barrier: with that many increments, an unlocked ``+= 1`` (or a
lock created inside the function, one per process) loses updates on a 2-core machine every time.
How the increment is protected is observed too (the probe counts the student's writes of the
counter, and those made without holding its lock): an unprotected write fails even when the count
happens to be right.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from grader.checking import observe
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import expect_children_joined
from grader.checking.scenario import Scenario, count_to_ask, expect_equal
from grader.checking.verdicts import CannotMeasure, CheckFailed
from grader.config import Exercise
from grader.run.harness import Run, Step

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
INCREMENT, FILL = "incrementer", "remplir_carres"


@pytest.fixture(scope="module")
def increments(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``incrementer`` alone in the harness, then several at once on one shared counter."""
    start, alone = rng.randint(1, 99), rng.randint(10, 500)
    together, times = exercise.bounds["processus_concurrents"], exercise.bounds["increments_concurrents"]
    calls = [call(INCREMENT, {"$value": ["seul", "i", start]}, alone),
             call("@value", {"$value": ["seul", "i", start]})]
    for round_ in range(exercise.bounds["manches"]):  # a race may spare one round, not all of them
        shared = {"$value": [f"partage{round_}", "i", 0]}
        calls += [call("@together", INCREMENT, together, shared, times), call("@value", shared),
                  call("@race", together, {"$value": [f"controle{round_}", "i", 0]}, times)]
    return Scenario.timed(student, calls, [start, alone, together, times], FILE, value_writes=True)


@pytest.fixture(scope="module")
def counter(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    processes, times = count_to_ask(rng, [2, 5], example=4), rng.randint(500, 3000)
    return Scenario(student.run([call("compteur_partage", processes, times)], watch=[INCREMENT]),
                    [processes, times], FILE)


@pytest.fixture(scope="module")
def array(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """A size that the number of processes does not divide: the last slice is not like the others."""
    processes = count_to_ask(rng, [3, 6], example=4)
    size = rng.choice([size for size in range(11, 60) if size % processes])
    return Scenario(student.run([call("tableau_partage", size, processes)], watch=[FILL]),
                    [size, processes], FILE)


def test_incrementer_resultat(increments: Scenario) -> None:
    """``incrementer(compteur, n)`` adds n to the counter."""
    start, alone = increments.inputs[:2]
    increments.value(0, INCREMENT)
    expect_equal(increments.helper_value(1, "@value"), start + alone, INCREMENT,
                 f"Value('i', {start}), {alone}")


def test_incrementer_sans_perte(increments: Scenario) -> None:
    """Several ``incrementer`` at once on one counter lose no update: they share its lock. Judged
    only where the grader's own unlocked increments, run the same way beside them, did lose some
    (the race was possible on this machine at that moment)."""
    together, times = increments.inputs[2:]
    expected = together * times
    lost_by_control = []
    for index in range(2, len(increments.run.calls), 3):
        codes = increments.helper_value(index, "@together")
        if any(code != 0 for code in codes):
            increments.expect_written(INCREMENT, index)
            raise CheckFailed("code_non_nul", fonction=INCREMENT, codes=codes)
        found = increments.helper_value(index + 1, "@value")
        if found != expected:
            raise CheckFailed("increments_perdus", processus=together, n=times, attendu=expected,
                              obtenu=found, perdus=expected - found if isinstance(found, int) else "?")
        _expect_writes_under_its_lock(increments.run, increments.step(index), together)
        lost_by_control.append(expected - increments.helper_value(index + 2, "@race"))
    if not any(lost_by_control):
        raise CannotMeasure("course_impossible", processus=together, n=times,
                            manches=len(lost_by_control))


def _expect_writes_under_its_lock(run: Run, step: Step, together: int) -> None:
    """Each process that ran ``incrementer`` wrote the counter, every time holding its lock (the
    contract: « chaque incrément se fait sous le verrou du compteur »). A process that ended
    without its end recorded (``os._exit``) cannot show it: it fails too."""
    children = {event["child"] for event in observe.started(run, step)}
    ends = {event["pid"]: event for event in run.events_of("exit")
            if event["pid"] in children and observe.is_within(event, step)}
    if len(ends) < len(children):
        raise CheckFailed("ecritures_non_observees", sans=len(children) - len(ends), processus=together)
    writes = [end["writes"] for end in ends.values() if isinstance(end.get("writes"), dict)]
    if len(writes) < len(ends):  # the probe could not observe writes on this interpreter
        return
    unprotected = [seen for seen in writes if not seen.get("total") or seen.get("unlocked")]
    if unprotected:
        raise CheckFailed("ecriture_sans_verrou", sans=len(unprotected), processus=together,
                          non_protegees=sum(seen.get("unlocked") or 0 for seen in unprotected),
                          ecritures=sum(seen.get("total") or 0 for seen in unprotected))


def test_compteur_partage_resultat(counter: Scenario) -> None:
    """``compteur_partage(n_processus, increments)`` returns n_processus × increments."""
    processes, times = counter.inputs
    expect_equal(counter.value(0, "compteur_partage"), processes * times, "compteur_partage",
                 f"{processes}, {times}")


def test_compteur_partage_processus(counter: Scenario) -> None:
    """``incrementer`` runs in ``n_processus`` child processes, all started before any is joined."""
    processes, _ = counter.inputs
    counter.value(0, "compteur_partage")
    run, step = counter.run, counter.step(0)
    starts = observe.started(run, step, by_student=True)
    # Read from the children themselves: one never joined may begin after the call returned.
    pids = observe.entered_in(run, INCREMENT, {event["child"] for event in starts})
    in_caller = any(task.pid == run.harness_pid for task in observe.tasks(run, INCREMENT, step))
    if in_caller or len(pids) != processes:
        raise CheckFailed("nombre_de_processus", fonction=INCREMENT, attendus=processes,
                          obtenus=len(pids), dans_appelant=in_caller)
    first_join = min((event["t"] for event in observe.ended_by_student(run, step, "join")),
                     default=float("inf"))
    if sum(1 for event in starts if event["t"] < first_join) < processes:
        raise CheckFailed("lancement_sequentiel", noms=processes,
                          ensemble=sum(1 for event in starts if event["t"] < first_join))


def test_tableau_partage_resultat(array: Scenario) -> None:
    """``tableau_partage(taille, n_processus)`` returns the squares 0 … (taille-1)²."""
    size, processes = array.inputs
    expect_equal(array.value(0, "tableau_partage"), [index * index for index in range(size)],
                 "tableau_partage", f"{size}, {processes}")


def test_tableau_partage_tranches(array: Scenario) -> None:
    """Each cell is filled once, by one of ``n_processus`` children; the parent fills none."""
    size, processes = array.inputs
    array.value(0, "tableau_partage")
    run, step = array.run, array.step(0)
    calls = [event for event in run.events_of("call") if event["fn"] == FILL
             and observe.is_within(event, step)]
    in_parent = [event for event in calls if event["pid"] == run.harness_pid]
    if in_parent or len({event["pid"] for event in calls}) != processes:
        raise CheckFailed("nombre_de_processus", fonction=FILL, attendus=processes,
                          obtenus=len({event["pid"] for event in calls} - {run.harness_pid}),
                          dans_appelant=bool(in_parent))
    filled = [index for event in calls for index in range(*_slice(event))]
    if sorted(filled) != list(range(size)):
        twice = len(filled) - len(set(filled))
        raise CheckFailed("tranches_incorrectes", taille=size, processus=processes,
                          oubliees=size - len(set(filled) & set(range(size))), doublees=twice)


def _slice(event: dict) -> tuple[int, int]:
    """The ``debut, fin`` a ``remplir_carres`` call was given, positional or by name."""
    args, kwargs = event.get("args", []), event.get("kwargs", {})
    bounds = [args[i] if len(args) > i else kwargs.get(name) for i, name in ((1, "debut"), (2, "fin"))]
    return tuple(bounds) if all(isinstance(bound, int) for bound in bounds) else (0, 0)


def test_processus_joints(counter: Scenario, array: Scenario) -> None:
    """Every process of both functions is joined and ends with code 0."""
    for scenario, function in ((counter, "compteur_partage"), (array, "tableau_partage")):
        scenario.value(0, function)
        expect_children_joined(scenario.run, scenario.step(0), function)
