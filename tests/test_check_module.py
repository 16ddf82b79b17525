"""What the grading reads from a check module without importing it
(grader.checking.check_module): the checks that judge a timed run, which alone need the cores."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader import config
from grader.checking.check_module import timed_checks

DATA = Path(__file__).parent / "data" / "check_modules"
COURSE = config.load()


def test_a_check_judges_a_timed_run_made_by_its_fixtures_or_by_itself():
    assert timed_checks(DATA / "checks.py") == {"on_the_timed_run", "through_another_fixture",
                                                "measures_itself"}


@pytest.mark.parametrize("exercise_id", [exercise for exercise in COURSE.exercises
                                         if COURSE.exercise(exercise).timing])
def test_each_scenario_of_a_timing_exercise_is_made_in_one_pytest_only(exercise_id):
    """The fixtures the timed checks ask for and those the other checks ask for are apart: a
    scenario asked for on both sides would be run twice, once in each pytest."""
    module = COURSE.folder / exercise_id / config.CHECK_MODULE
    functions = {node.name: node for node in ast.parse(module.read_text(encoding="utf-8")).body
                 if isinstance(node, ast.FunctionDef)}

    def fixtures(name: str) -> set[str]:
        asked = {argument.arg for argument in functions[name].args.args if argument.arg in functions}
        return asked.union(*(fixtures(fixture) for fixture in asked))

    exercise = COURSE.exercise(exercise_id)
    timed = {fixture for check in exercise.timed_checks or () for fixture in fixtures(f"test_{check}")}
    others = {fixture for check in exercise.checks if f"test_{check}" in functions
              and check not in (exercise.timed_checks or ()) for fixture in fixtures(f"test_{check}")}
    assert exercise.timed_checks and timed and not timed & others


def test_the_course_s_timing_exercises_keep_their_checks_of_untimed_runs_out_of_the_timed_part():
    ex03 = COURSE.exercise("ex03_pool_map")
    assert not ex03.judges_time("carre_resultat") and not ex03.judges_time("script_sous_spawn")
    assert ex03.judges_time("duree_dans_la_borne") and ex03.judges_time("carres_paralleles_resultat")
    assert not COURSE.exercise("ex06_queue").judges_time("pipeline_joints")  # not a timing exercise
