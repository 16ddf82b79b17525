"""What the grading reads from a check module without importing it
(grader.checking.check_module): the checks that surely judge no timed run, which need no cores
alone; any other check of a timing exercise is taken for one that does."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from grader import config
from grader.checking.check_module import untimed_checks

DATA = Path(__file__).parent / "data" / "check_modules"
COURSE = config.load()


def test_only_a_check_with_no_way_to_a_timed_run_is_untimed():
    """Fixtures, fixtures of fixtures, helpers, aliases: whatever reaches ``.timed`` makes a check
    timed, and so does a decorator the reading does not follow."""
    assert untimed_checks(DATA / "checks.py") == {"on_an_untimed_run", "in_a_cycle", "asynchronous"}


def test_a_check_module_python_cannot_read_is_a_configuration_error(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE.folder, course)
    (course / "ex03_pool_map" / config.CHECK_MODULE).write_text("def test_(:\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="ex03_pool_map"):
        config.load(course)


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
    in_module = [check for check in exercise.checks if f"test_{check}" in functions]
    timed = {fixture for check in in_module if exercise.judges_time(check)
             for fixture in fixtures(f"test_{check}")}
    others = {fixture for check in in_module if not exercise.judges_time(check)
              for fixture in fixtures(f"test_{check}")}
    assert timed and not timed & others


def test_the_course_s_timing_exercises_keep_their_checks_of_untimed_runs_out_of_the_timed_part():
    ex03 = COURSE.exercise("ex03_pool_map")
    assert not ex03.judges_time("carre_resultat") and not ex03.judges_time("script_sous_spawn")
    assert ex03.judges_time("duree_dans_la_borne") and ex03.judges_time("carres_paralleles_resultat")
    assert not COURSE.exercise("ex06_queue").judges_time("pipeline_joints")  # not a timing exercise
