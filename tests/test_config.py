"""A course (its course.yaml and each exercise folder's exercise.yaml) is validated with errors that
name the file and the place."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA
from grader import config
from grader.checking import grading
from grader.cohort.intake import IntakeLimits
from grader.config import ConfigError


def test_the_shipped_course_file_loads():
    course = config.load()
    assert course.start_method == "spawn"
    assert {"ex01_process", "ex02_main_guard", "ex03_pool_map"} <= set(course.exercises)
    assert all(exercise.max_score > 0 for exercise in course.exercises.values())


@pytest.mark.parametrize("name, place", [
    ("points_negatifs", "ex03_pool_map/exercise.yaml: ex03_pool_map.checks.carre_resultat.points"),
    ("categorie_inconnue", "ex03_pool_map/exercise.yaml: ex03_pool_map.checks.carre_resultat.category"),
    ("pas_du_yaml", "course.yaml: not valid YAML"),
    ("methode_inconnue", "course.yaml: start_method"),
    ("limite_inconnue", "course.yaml: limits.threads is not a known limit"),
    ("limite_negative", "exercise.yaml: ex03_pool_map.limits.memory_mb must be a positive whole number"),
    ("limite_processus", "course.yaml: limits.processes must be at least"),
    ("intake_inconnue", "course.yaml: intake.max_files is not a known intake limit"),
    ("intake_negative", "course.yaml: intake.max_total_mb must be a positive number"),
    ("intake_membres", "course.yaml: intake.max_members must be a positive whole number"),
    ("ancien_format", "course.yaml: exercises are folders: one per exercise"),
    ("sans_exercice", "sans_exercice must hold the exercises: a folder for each"),
    ("marque_inconnue", "exercise.yaml: ex06_queue.marks must map functions of the exercise"),
])
def test_a_bad_course_is_an_error_naming_the_file_and_the_place(name, place):
    with pytest.raises(ConfigError, match=place.replace(".", r"\.")):
        config.load(DATA / "course" / name)


def test_limits_have_defaults_course_values_and_exercise_overrides():
    course = config.load(DATA / "course" / "limites")
    ex03, ex02 = course.exercise("ex03_pool_map").limits, course.exercise("ex02_main_guard").limits
    assert (ex02.memory_mb, ex02.processes, ex02.cpu_s) == (1024, 30, config.DEFAULT_LIMITS["cpu_s"])
    assert (ex03.memory_mb, ex03.processes, ex03.cpu_s) == (1024, 12, 2.5)
    assert ex03.file_mb == config.DEFAULT_LIMITS["file_mb"]


def test_intake_limits_have_defaults_and_course_values():
    assert config.load().intake == IntakeLimits(max_member_mb=5, max_total_mb=20, max_members=200)
    assert config.load(DATA / "course" / "limites" / "course.yaml").intake == IntakeLimits()
    assert config.load(DATA / "course" / "intake").intake == IntakeLimits(
        max_member_mb=0.5, max_total_mb=IntakeLimits().max_total_mb, max_members=50)


def test_a_course_given_by_a_relative_path_is_found_from_anywhere(monkeypatch):
    """pytest grades in the course folder: the course's path is made absolute when it is read."""
    monkeypatch.chdir(DATA / "course")
    course = config.load(Path("limites"))
    assert course.folder == (DATA / "course" / "limites").resolve()


def test_the_exercise_checks_run_before_the_common_ones():
    """The guard's checks run the file as a script: after the exercise's own checks, so that what
    the script run learns (a function that loops) never decides those checks."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", str(config.COURSE_FOLDER), "-c", str(grading.PYTEST_SETTINGS),
         "--rootdir", str(config.COURSE_FOLDER), "-p", "grader.checking.pytest_plugin",
         "-p", "grader.checking.fixtures", "--collect-only", "-q", "--submission=."],
        cwd=config.COURSE_FOLDER, env=grading.grader_environment(), capture_output=True, text=True,
        timeout=120)
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    common = [index for index, node in enumerate(ids) if node.startswith("common_checks.py")]
    assert len(common) == 2 * len(config.load().exercises), collected.stdout
    assert common == list(range(len(ids) - len(common), len(ids)))  # all of them, last


def test_a_missing_course_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        config.load(tmp_path / "absent.yaml")


def _check_functions(module_path):
    tree = ast.parse(module_path.read_text(encoding="utf-8"))
    return {node.name.removeprefix("test_") for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_configured_check_is_implemented_and_every_check_configured():
    course = config.load()
    common_checks = _check_functions(course.folder / "common_checks.py")
    for exercise in course.exercises.values():
        implemented = _check_functions(course.folder / exercise.id / "checks.py") | common_checks
        assert set(exercise.checks) <= implemented, exercise.id
        assert implemented - common_checks <= set(exercise.checks), exercise.id
