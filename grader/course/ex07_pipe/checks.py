"""Exercise 7 — ``Pipe``: a child answers each ping with its pong, stops on ``None``.

``repondeur`` is tested alone against the grader's end of a pipe; ``ping_pong`` for random n,
0, and a large n, where a parent that sends every ping before reading deadlocks once the pipe's
buffers fill; and against the grader's own responder, whose end of the pipe sees what ended the
dialogue (the ``None`` the course asks for, not a closed pipe).
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from grader.checking import observe
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import expect_children_joined
from grader.checking.scenario import Scenario, deadlock_fails, expect_equal, shorten
from grader.checking.verdicts import CheckFailed, Detail, NotWritten
from grader.config import Exercise

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
RESPONDER = "repondeur"
CLOSED = "<EOF>"  # what the grader's end reads once every copy of the other end is closed
RESPONDER_ENDS = ("none", "eof", "silence")  # what ended the dialogue, as the grader's responder saw it


def _pongs(count: int) -> list[str]:
    return [f"pong {index}" for index in range(count)]


@pytest.fixture(scope="module")
def responder(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``repondeur`` in a child; the grader sends pings in a random order, then ``None``."""
    numbers = rng.sample(range(1000), rng.randint(5, 20))
    pings = [f"ping {number}" for number in numbers]
    calls = [call("@start", "r", RESPONDER, {"$pipe": ["p", 1]}),
             call("@dialogue", {"$pipe": ["p", 0]}, pings, exercise.bounds["attente_s"]),
             call("@join", "r", exercise.bounds["arret_s"])]
    return Scenario(student.run(calls, watch=[RESPONDER]), [numbers], FILE)


@pytest.fixture(scope="module")
def games(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    counts = [rng.randint(3, 40), 0]
    return Scenario(student.run([call("ping_pong", count) for count in counts], watch=[RESPONDER]),
                    counts, FILE)


@pytest.fixture(scope="module")
def long_game(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    count = rng.randint(*exercise.bounds["grand_n"])
    return Scenario(student.run([call("ping_pong", count)]), [count], FILE)


@pytest.fixture(scope="module")
def grader_end(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """``ping_pong`` whose child runs the grader's responder instead of ``repondeur``."""
    count = rng.randint(3, 20)
    run = student.run([call("ping_pong", count)], replace={RESPONDER: "repondeur_du_correcteur"})
    return Scenario(run, [count], FILE)


def _dialogue(responder: Scenario) -> dict:
    """What the grader's end of the pipe sent and received; why it got stuck, if it did."""
    responder.helper_value(0, "@start")
    talk = responder.helper_value(1, "@dialogue")
    if talk["stuck_at"] is not None:
        if "NotImplementedError" in responder.step(0).stderr:  # the child's output, since its start
            raise NotWritten("a_faire", fonction=RESPONDER)
        raise CheckFailed("pas_de_reponse", message=talk["stuck_at"], recues=len(talk["answers"]))
    return talk


def test_repondeur_repond(responder: Scenario) -> None:
    """``repondeur`` answers each « ping i » with « pong i », in order."""
    numbers = responder.inputs[0]
    talk = _dialogue(responder)
    expected = [f"pong {number}" for number in numbers]
    expect_equal(talk["answers"], expected, RESPONDER, shorten([f"ping {n}" for n in numbers]))


def test_repondeur_s_arrete_sur_none(responder: Scenario, exercise: Exercise) -> None:
    """On ``None``, ``repondeur`` sends nothing more, closes its end and returns."""
    talk = _dialogue(responder)
    extra = [message for message in talk["after_none"] if message != CLOSED]
    if extra:
        raise CheckFailed("repond_apres_none", recu=shorten(extra))
    ended = responder.helper_value(2, "@join")
    if ended["alive"] or CLOSED not in talk["after_none"]:
        raise CheckFailed("repondeur_ne_s_arrete_pas", attente=exercise.bounds["arret_s"])
    if ended["exitcode"] != 0:
        raise CheckFailed("code_non_nul", fonction=RESPONDER, codes=[ended["exitcode"]])


def test_ping_pong_resultat(games: Scenario) -> None:
    """``ping_pong(n)`` returns the n pongs in order, for a random n and for 0."""
    for index, count in enumerate(games.inputs):
        expect_equal(games.value(index, "ping_pong"), _pongs(count), "ping_pong", count)


def test_ping_pong_enfant(games: Scenario) -> None:
    """``repondeur`` runs in a child process started with ``Process`` and ``start()``."""
    games.value(0, "ping_pong")
    run, step = games.run, games.step(0)
    children = {event["child"] for event in observe.started(run, step, by_student=True)}
    in_caller = [task for task in observe.tasks(run, RESPONDER, step) if task.pid == run.harness_pid]
    if in_caller or not observe.entered_in(run, RESPONDER, children):
        raise CheckFailed("repondeur_pas_dans_un_enfant", enfants=len(children))


def test_ping_pong_envoie_none(grader_end: Scenario) -> None:
    """``ping_pong`` ends the dialogue by sending ``None`` (seen on the grader's end of the pipe)."""
    grader_end.value(0, "ping_pong")
    children = {event["child"] for event in observe.started(grader_end.run, grader_end.step(0),
                                                            by_student=True)}
    ends = [event for event in grader_end.run.events_of("responder_end")
            if event["pid"] in children and event["ended"] in RESPONDER_ENDS]
    if not ends:  # the grader's responder never ran, or was stopped before the dialogue ended
        raise CheckFailed("none_jamais_recu", enfants=len(children))
    if ends[0]["ended"] != "none":
        raise CheckFailed(f"none_jamais_envoye_{ends[0]['ended']}", reponses=ends[0]["answered"])


def test_ping_pong_joint(games: Scenario) -> None:
    """``ping_pong`` joins its child, which ends with code 0 on its own (never terminated)."""
    for index in range(len(games.inputs)):
        games.value(index, "ping_pong")
        expect_children_joined(games.run, games.step(index), "ping_pong")


def test_ping_pong_grand_n(long_game: Scenario) -> None:
    """``ping_pong`` finishes for a large n: each answer is read before the next ping is sent."""
    count = long_game.inputs[0]
    with deadlock_fails():
        found = long_game.value(0, "ping_pong")
    if not isinstance(found, list) or len(found) != count:  # the answers are ping_pong_resultat's
        shown = (Detail("liste_de", nombre=len(found)).as_fact() if isinstance(found, list)
                 else shorten(found))
        raise CheckFailed("ping_pong_incomplet", n=count, obtenu=shown)
