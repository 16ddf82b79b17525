"""An exercise's runs as the checks get them: a run the grader's observations refute is made again."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from conftest import SOLUTIONS
from grader import config
from grader.checking.exercise_under_test import RUNS_WHEN_REFUTED, ExerciseUnderTest, call
from grader.checking.verdicts import CheckFailed, Detail
from grader.run import reservation, witness
from grader.run.harness import Run

COURSE = config.load()
STALL = Detail("debut_d_etape_deplace", etape="call-0", ecart_s="0.63")  # what CI saw once


def _refuting(monkeypatch, how_many: int, refuted_by: Detail = STALL) -> list[Run]:
    """The first ``how_many`` runs are refuted, by default as a machine that stalled the harness
    would have them; returns every run judged."""
    judged: list[Run] = []

    def contradictions(run: Run, cpu_bound: tuple[str, ...] = ()) -> list[Detail]:
        judged.append(run)
        return [refuted_by] if len(judged) <= how_many else []

    monkeypatch.setattr(witness, "contradictions", contradictions)
    return judged


def test_a_run_refuted_once_is_made_again_and_the_new_run_is_graded(monkeypatch):
    judged = _refuting(monkeypatch, 1)
    student = ExerciseUnderTest(SOLUTIONS, COURSE.exercise("ex03_pool_map"), "spawn")
    run = student.run([call("carre", 3)])
    assert len(judged) == 2 and run is judged[1] and run.call(0).value == 9
    assert student.runs == [run]  # the refuted run is not shown in the timelines


def test_a_run_refuted_each_time_fails_its_checks_naming_the_runs_made(monkeypatch):
    judged = _refuting(monkeypatch, RUNS_WHEN_REFUTED)
    student = ExerciseUnderTest(SOLUTIONS, COURSE.exercise("ex03_pool_map"), "spawn")
    with pytest.raises(CheckFailed) as refuted:
        student.run([call("carre", 3)])
    assert len(judged) == RUNS_WHEN_REFUTED == 2
    assert refuted.value.key == "observations_contredites"
    assert refuted.value.facts["executions"] == 2 and refuted.value.facts["nombre"] == 1


def test_a_run_refuted_by_what_no_machine_makes_is_not_made_again(monkeypatch):
    forged = Detail("enregistrement_d_un_autre_processus", pid=4242, expediteur=17)
    judged = _refuting(monkeypatch, 1, forged)
    student = ExerciseUnderTest(SOLUTIONS, COURSE.exercise("ex03_pool_map"), "spawn")
    with pytest.raises(CheckFailed) as refuted:
        student.run([call("carre", 3)])
    assert len(judged) == 1 and refuted.value.facts["executions"] == 1


def test_a_timed_run_of_the_timed_part_knows_the_loops_met_while_it_waited_at_the_gate(monkeypatch):
    """The timed part reads the loops the other pytests met once they have all ended: a loop
    told while it waits at the gate still stops its timed run's call at once."""
    monkeypatch.delenv(reservation.FOLDER, raising=False)
    student = ExerciseUnderTest(SOLUTIONS, COURSE.exercise("ex03_pool_map"), "spawn")
    with reservation.shared_by_pytests(enabled=True) as environment, \
            reservation.claim_for_child(environment, timed_part=True) as (claim, _):
        for name, value in {**environment, **claim}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(reservation, "_claim", None)  # forgotten after: claim_for_child closes it
        reservation.hold()  # as the timed part's pytest does at its start
        with reservation.Gate(environment) as gate:
            student.require_loaded()  # an untimed run: it goes before the gate opens

            def another_pytest_meets_a_loop() -> None:
                time.sleep(0.5)
                told = Path(environment[reservation.FOLDER]) / "loops-ex03_pool_map.1.json"
                told.write_text(json.dumps({"carre": {"line": 1}}), encoding="utf-8")
                gate.open()

            telling = threading.Thread(target=another_pytest_meets_a_loop)
            telling.start()
            run = student.run([call("carre", 3)], alone=True)
            telling.join()
    assert "carre" in run.known_loops
