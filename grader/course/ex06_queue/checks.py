"""Exercise 6 — ``Queue`` and the sentinel: producer, consumer, and the pipelines that join them.

The parts are tested alone, fed and read by the grader's harness, and together. ``pipeline`` also
runs on a large ``n``: joining the consumer before draining its output queue deadlocks there, and
that must be a failed check with a diagnosis, not a hung grader.
"""
from __future__ import annotations

import collections
import random
from pathlib import Path

import pytest

from grader.checking import observe
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import expect_children_joined
from grader.checking.scenario import Scenario, deadlock_fails, expect_equal, shorten
from grader.checking.verdicts import CheckFailed, Detail
from grader.config import Exercise
from grader.run.harness import Run, Step

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
PRODUCER, CONSUMER = "producteur", "consommateur"
MARKER = "APRÈS LA SENTINELLE"


def _queue(name: str) -> dict:
    return {"$queue": name}


def _items(count: int) -> list[str]:
    return [f"item {index}" for index in range(count)]


def _consumed(items: list[str]) -> list[str]:
    return [f"Consommé : {item}" for item in items]


@pytest.fixture(scope="module")
def producer(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``producteur`` alone in the harness, then the grader reads its queue: n items, then 0."""
    count, wait = rng.randint(20, 60), exercise.bounds["attente_s"]
    calls = [call(PRODUCER, _queue("q"), count), call("@take", _queue("q"), count + 1, wait),
             call("@drain", _queue("q"), 0.3),
             call(PRODUCER, _queue("vide"), 0), call("@take", _queue("vide"), 1, wait),
             call("@drain", _queue("vide"), 0.3)]
    return Scenario(student.run(calls, watch=[PRODUCER]), [count], FILE)


@pytest.fixture(scope="module")
def consumer(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``consommateur`` in a child, fed by the grader: items, the sentinel, then a marker."""
    items = [f"donnée {rng.randint(0, 999)}" for _ in range(rng.randint(10, 40))]
    wait = exercise.bounds["attente_s"]
    calls = [call("@put", _queue("entree"), *items, None, MARKER),
             call("@start", "c", CONSUMER, _queue("entree"), _queue("sortie")),
             call("@take", _queue("sortie"), len(items), wait),
             call("@join", "c", exercise.bounds["arret_s"]),
             call("@drain", _queue("sortie"), 0.3), call("@drain", _queue("entree"), 0.3)]
    return Scenario(student.run(calls, watch=[CONSUMER]), [items], FILE)


@pytest.fixture(scope="module")
def waiting_consumer(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``consommateur`` started on an empty queue, left waiting longer than any timeout a student
    would write, then fed items — an empty one among them, which is not the sentinel."""
    items = [f"donnée {rng.randint(0, 999)}" for _ in range(rng.randint(4, 10))]
    items.insert(rng.randint(1, len(items) - 1), "")
    bounds = exercise.bounds
    calls = [call("@start", "c", CONSUMER, _queue("entree"), _queue("sortie")),
             call("@alive", "c", bounds["patience_s"]),
             call("@put", _queue("entree"), *items, None, MARKER),
             call("@take", _queue("sortie"), len(items), bounds["attente_s"]),
             call("@join", "c", bounds["arret_s"]),
             call("@drain", _queue("sortie"), 0.3)]
    return Scenario(student.run(calls, watch=[CONSUMER]), [items], FILE)


@pytest.fixture(scope="module")
def small_pipeline(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    count = rng.randint(10, 40)
    return Scenario(student.run([call("pipeline", count)], watch=[PRODUCER, CONSUMER]), [count], FILE)


@pytest.fixture(scope="module")
def large_pipeline(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """Enough items to fill the output queue's pipe: a join before draining deadlocks here."""
    count = rng.randint(*exercise.bounds["grand_n"])
    return Scenario(student.run([call("pipeline", count)]), [count], FILE)


@pytest.fixture(scope="module")
def large_multi(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    count = rng.randint(*exercise.bounds["grand_n"])
    return Scenario(student.run([call("pipeline_multi", count, rng.randint(2, 4))]), [count], FILE)


@pytest.fixture(scope="module")
def multi(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    count, consumers = rng.randint(200, 400), rng.randint(2, 4)
    run = student.run([call("pipeline_multi", count, consumers)], watch=[PRODUCER, CONSUMER])
    return Scenario(run, [count, consumers], FILE)


def _children_of(run: Run, step: Step, function: str) -> list[observe.Task]:
    return [task for task in observe.tasks(run, function, step) if task.pid != run.harness_pid]


# -- the parts alone --------------------------------------------------------------------------


def test_producteur_seul(producer: Scenario) -> None:
    """``producteur(q, n)`` puts the n items in order, then exactly one sentinel, then nothing."""
    count = producer.inputs[0]
    for first, expected in ((0, _items(count)), (3, [])):
        producer.value(first, PRODUCER)
        received = producer.helper_value(first + 1, "@take")
        if None not in received:  # without its sentinel, "wrong items" would hide the real mistake
            raise CheckFailed("sentinelle_absente", recu=shorten(received[-3:]))
        expect_equal(received[:-1], expected, PRODUCER, f"q, {len(expected)}")
        if received[-1] is not None:
            raise CheckFailed("sentinelle_absente", recu=shorten(received[-3:]))
        after = producer.helper_value(first + 2, "@drain")
        if after:
            raise CheckFailed("apres_sentinelle", recu=shorten(after))


def test_consommateur_seul(consumer: Scenario) -> None:
    """``consommateur`` puts « Consommé : item » on the output queue for each item, in order."""
    items = consumer.inputs[0]
    received = consumer.helper_value(2, "@take") + consumer.helper_value(4, "@drain")
    if received != _consumed(items):
        consumer.expect_written(CONSUMER, 1)
    expect_equal(received, _consumed(items), CONSUMER, shorten(items + [None]))


def test_consommateur_s_arrete_a_la_sentinelle(consumer: Scenario, waiting_consumer: Scenario,
                                               exercise: Exercise) -> None:
    """``consommateur`` waits on an empty queue as long as it takes, returns at the sentinel only,
    by itself, and reads nothing placed after it."""
    waited = waiting_consumer.helper_value(1, "@alive")
    if not waited["alive"]:
        waiting_consumer.expect_written(CONSUMER, 0, 1)  # a stub ends at once too: not written
        raise CheckFailed("consommateur_n_attend_pas", attente=exercise.bounds["patience_s"],
                          code=waited["exitcode"])
    items = waiting_consumer.inputs[0]
    received = waiting_consumer.helper_value(3, "@take") + waiting_consumer.helper_value(5, "@drain")
    if len(received) < len(items) and received == _consumed(items[:len(received)]):
        raise CheckFailed("consommateur_s_arrete_trop_tot", element=repr(items[len(received)]),
                          traites=len(received), total=len(items))
    ended = consumer.helper_value(3, "@join")
    if ended["alive"]:
        raise CheckFailed("consommateur_ne_s_arrete_pas", attente=exercise.bounds["arret_s"])
    if ended["exitcode"] != 0:
        consumer.expect_written(CONSUMER, 1)
        raise CheckFailed("code_non_nul", fonction=CONSUMER, codes=[ended["exitcode"]])
    left = consumer.helper_value(5, "@drain")
    if left != [MARKER]:
        raise CheckFailed("lu_apres_sentinelle", reste=shorten(left))


# -- pipeline ---------------------------------------------------------------------------------


def test_pipeline_resultat(small_pipeline: Scenario) -> None:
    """``pipeline(n)`` returns the n consumed items, in order."""
    count = small_pipeline.inputs[0]
    expect_equal(small_pipeline.value(0, "pipeline"), _consumed(_items(count)), "pipeline", count)


def test_pipeline_deux_processus(small_pipeline: Scenario) -> None:
    """The producer and the consumer each run in their own child process."""
    small_pipeline.value(0, "pipeline")
    run, step = small_pipeline.run, small_pipeline.step(0)
    for function in (PRODUCER, CONSUMER):
        if len({task.pid for task in _children_of(run, step, function)}) != 1:
            raise CheckFailed("pas_dans_un_enfant", fonction=function,
                              dans_appelant=any(t.pid == run.harness_pid
                                                for t in observe.tasks(run, function, step)))


def test_pipeline_joints(small_pipeline: Scenario) -> None:
    """Both processes of ``pipeline`` are joined and end with code 0; none is terminated."""
    small_pipeline.value(0, "pipeline")
    expect_children_joined(small_pipeline.run, small_pipeline.step(0), "pipeline")


def _expect_finishes_with_all(large: Scenario, function: str) -> None:
    """Only termination is judged here: the results themselves are the small-n checks' business."""
    count = large.inputs[0]
    with deadlock_fails():
        found = large.value(0, function)
    if not isinstance(found, list) or len(found) != count:
        shown = (Detail("liste_de", nombre=len(found)).as_fact() if isinstance(found, list)
                 else shorten(found))
        raise CheckFailed("grand_n_incomplet", fonction=function, n=count, obtenu=shown)


def test_pipeline_grand_n(large_pipeline: Scenario) -> None:
    """``pipeline(n)`` finishes for a large n: the output queue is drained before the joins."""
    _expect_finishes_with_all(large_pipeline, "pipeline")


# -- pipeline_multi ---------------------------------------------------------------------------


def test_pipeline_multi_resultat(multi: Scenario) -> None:
    """``pipeline_multi`` returns every item consumed exactly once (in any order)."""
    count, consumers = multi.inputs
    found = multi.value(0, "pipeline_multi")
    expected = _consumed(_items(count))
    if not isinstance(found, list) or collections.Counter(found) != collections.Counter(expected):
        missing = len(set(expected) - set(found)) if isinstance(found, list) else count
        twice = sum(n - 1 for n in collections.Counter(found).values() if n > 1) \
            if isinstance(found, list) else 0
        raise CheckFailed("multi_incorrect", n=count, manquants=missing, doublons=twice)


def test_pipeline_multi_consommateurs(multi: Scenario) -> None:
    """``consommateurs`` consumer processes share the work."""
    count, consumers = multi.inputs
    multi.value(0, "pipeline_multi")
    run, step = multi.run, multi.step(0)
    children = {event["child"] for event in observe.started(run, step, by_student=True)}
    pids = observe.entered_in(run, CONSUMER, children)
    if len(pids) != consumers:
        raise CheckFailed("nombre_consommateurs", attendus=consumers, obtenus=len(pids))


def test_pipeline_multi_arret(multi: Scenario) -> None:
    """Every consumer stops by itself on its own sentinel; all are joined, none is terminated."""
    count, consumers = multi.inputs
    multi.value(0, "pipeline_multi")
    run, step = multi.run, multi.step(0)
    returned = _children_of(run, step, CONSUMER)
    if len(returned) < consumers:
        raise CheckFailed("consommateurs_non_arretes", arretes=len(returned), attendus=consumers)
    expect_children_joined(run, step, "pipeline_multi")


def test_pipeline_multi_grand_n(large_multi: Scenario) -> None:
    """``pipeline_multi`` finishes for a large n: the output queue is drained before the joins."""
    _expect_finishes_with_all(large_multi, "pipeline_multi")
