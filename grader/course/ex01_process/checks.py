"""Exercise 1 — the ``Process`` class: start, join, exit codes, several processes at once."""
from __future__ import annotations

import random
from pathlib import Path
from typing import cast

import pytest

from grader.checking import observe
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import expect_children_joined
from grader.checking.scenario import Scenario, expect_equal, shorten
from grader.checking.verdicts import CheckFailed
from grader.config import Exercise

EXERCISE = Path(__file__).parent.name  # the exercise is its folder
FILE = f"{EXERCISE}.py"
WORKER = "worker_function"
SEPARATOR = "-" * 20


def _names(rng: random.Random, count: int) -> list[str]:
    return [f"W{rng.randint(10, 99)}{letter}" for letter in "ABCDEFGH"[:count]]


@pytest.fixture(scope="module")
def info(student: ExerciseUnderTest, rng: random.Random) -> Scenario:
    """``info_processus`` called in the harness, the student's main process."""
    title = f"Titre {rng.randint(100, 999)}"
    return Scenario(student.run([call("info_processus", title)]), [title], FILE)


@pytest.fixture(scope="module")
def worker(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``worker_function`` called directly, with a ``duree`` other than the default."""
    name, duration = _names(rng, 1)[0], exercise.bounds["worker_duree_s"]
    return Scenario(student.run([call(WORKER, name, duration)]), [name, duration], FILE)


@pytest.fixture(scope="module")
def launches(student: ExerciseUnderTest, exercise: Exercise, rng: random.Random) -> Scenario:
    """``lancer_worker`` and ``lancer_plusieurs``; one worker is made to exit with a random code.

    The failing worker's name is a marker the probe recognises: its ``worker_function`` raises
    ``SystemExit(code)``, so only a function that reads the real ``exitcode`` returns ``code``.
    """
    duration = exercise.bounds["worker_duree_s"]
    names = _names(rng, rng.randint(*exercise.bounds["workers"]))
    failing, code = f"echec{rng.randint(100, 999)}", rng.randint(3, 9)
    # The failing worker first or last, never in the middle: the order of the codes must show.
    mixed = [failing, names[1], names[2]] if rng.random() < 0.5 else [names[1], names[2], failing]
    calls = [call("lancer_worker", names[0], duration), call("lancer_worker", failing, duration),
             call("lancer_plusieurs", names, duration), call("lancer_plusieurs", [], duration),
             call("lancer_plusieurs", mixed, duration)]
    inject = {WORKER: {"when_first_arg": failing, "exit_code": code}}
    run = student.run(calls, watch=[WORKER], inject=inject)
    return Scenario(run, [names, failing, code, mixed], FILE)


def _expect_lines(printed: str, expected: list[str], function: str) -> None:
    """``expected`` appear as consecutive lines of ``printed``."""
    lines = [line.rstrip() for line in printed.splitlines()]
    for start in range(len(lines) - len(expected) + 1):
        if lines[start: start + len(expected)] == expected:
            return
    raise CheckFailed("affichage_incorrect", fonction=function, attendu=" | ".join(expected),
                      obtenu=shorten(" | ".join(lines[:8]), 300))


# -- result -----------------------------------------------------------------------------------


def test_info_processus_resultat(info: Scenario) -> None:
    """``info_processus`` prints the course's four lines and returns the same facts in a dict."""
    title = info.inputs[0]
    found = info.value(0, "info_processus")
    pid = info.run.harness_pid
    grader_pid = info.run.harness_ppid  # the grader, or the sandbox's init (pid 1 inside)
    expect_equal(found, {"titre": title, "module": EXERCISE, "ppid": grader_pid, "pid": pid},
                 "info_processus", title)
    _expect_lines(info.step(0).stdout, [title, f"Nom du module: {EXERCISE}",
                                        f"ID du processus parent: {grader_pid}",
                                        f"ID du processus: {pid}", SEPARATOR], "info_processus")


def test_worker_function_affichage(worker: Scenario) -> None:
    """``worker_function`` shows its process, prints Démarrage, sleeps ``duree``, prints Fin."""
    name, duration = worker.inputs
    worker.value(0, WORKER)
    step = worker.step(0)
    _expect_lines(step.stdout, [f"ID du processus: {worker.run.harness_pid}", SEPARATOR,
                                f"Worker {name}: Démarrage", f"Worker {name}: Fin"], WORKER)
    if step.duration < 0.9 * duration:
        raise CheckFailed("worker_sans_pause", duree=duration, mesure=round(cast(float, step.duration), 3))


def test_lancer_worker_code_sortie(launches: Scenario) -> None:
    """``lancer_worker`` returns the child's real exit code (0, or the code it exited with)."""
    names, failing, code, _ = launches.inputs
    expect_equal(launches.value(0, "lancer_worker"), 0, "lancer_worker", names[0])
    expect_equal(launches.value(1, "lancer_worker"), code, "lancer_worker", failing)


def test_lancer_plusieurs_codes_sortie(launches: Scenario) -> None:
    """``lancer_plusieurs`` returns one exit code per name, in the order of the names."""
    names, failing, code, mixed = launches.inputs
    expect_equal(launches.value(2, "lancer_plusieurs"), [0] * len(names), "lancer_plusieurs", names)
    expect_equal(launches.value(3, "lancer_plusieurs"), [], "lancer_plusieurs", [])
    expect_equal(launches.value(4, "lancer_plusieurs"), [code if name == failing else 0 for name in mixed],
                 "lancer_plusieurs", mixed)


# -- api --------------------------------------------------------------------------------------


def test_process_start(launches: Scenario) -> None:
    """``lancer_worker`` runs ``worker_function`` in a new process started with ``start()``."""
    launches.value(0, "lancer_worker")
    run, step = launches.run, launches.step(0)
    if any(task.pid == run.harness_pid for task in observe.tasks(run, WORKER, step)):
        raise CheckFailed("run_au_lieu_de_start", pid=run.harness_pid)
    children = {event["child"] for event in observe.started(run, step, by_student=True)}
    if not children:
        raise CheckFailed("start_non_appele")
    # Read from the children themselves: a child that is never joined may begin after the call.
    if not observe.entered_in(run, WORKER, children):
        raise CheckFailed("worker_jamais_appele", fonction="lancer_worker")


# -- parallelism ------------------------------------------------------------------------------


def test_lancer_plusieurs_simultanes(launches: Scenario) -> None:
    """Every process of ``lancer_plusieurs`` is started before the first one ends."""
    names = launches.inputs[0]
    launches.value(2, "lancer_plusieurs")
    run, step = launches.run, launches.step(2)
    starts = observe.started(run, step, by_student=True)
    if len(starts) < len(names):
        raise CheckFailed("pas_un_processus_par_nom", noms=len(names), lances=len(starts))
    children = {event["child"] for event in starts}
    ends = [event["t"] for event in run.events_of("exit") if event["pid"] in children]
    ends += [event["t"] for event in observe.ended_by_student(run, step, "join")]
    first_end = min(ends, default=float("inf"))
    started_before_first_end = sum(1 for event in starts if event["t"] < first_end)
    if started_before_first_end < len(names):
        raise CheckFailed("lancement_sequentiel", noms=len(names), ensemble=started_before_first_end)


# -- shutdown ---------------------------------------------------------------------------------


def test_processus_joints(launches: Scenario) -> None:
    """Every process started is waited for with ``join()``, ends with code 0, and none is left."""
    for index, function in ((0, "lancer_worker"), (2, "lancer_plusieurs")):
        launches.value(index, function)
        expect_children_joined(launches.run, launches.step(index), function)
