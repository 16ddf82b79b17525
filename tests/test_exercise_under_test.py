"""An exercise's runs as the checks get them: a run the grader's observations refute is made again."""
from __future__ import annotations

import pytest

from conftest import SOLUTIONS
from grader import config
from grader.checking.exercise_under_test import RUNS_WHEN_REFUTED, ExerciseUnderTest, call
from grader.checking.verdicts import CheckFailed, Detail
from grader.run import witness
from grader.run.harness import Run

COURSE = config.load()
STALL = Detail("debut_d_etape_deplace", etape="call-0", ecart_s="0.63")  # what CI saw once


def _refuting(monkeypatch, how_many: int) -> list[Run]:
    """The first ``how_many`` runs are refuted, as a machine that stalled the harness would have
    them; returns every run judged."""
    judged: list[Run] = []

    def contradictions(run: Run, cpu_bound: tuple[str, ...] = ()) -> list[Detail]:
        judged.append(run)
        return [STALL] if len(judged) <= how_many else []

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
