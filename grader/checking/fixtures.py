"""Fixtures of the checks: the course, the submission, one exercise under test, its random inputs.

A pytest plugin (``-p grader.checking.fixtures``, see ``grading``): a course folder holds only its
settings, checks and texts.

Every fixture here runs in the grader's pytest process, which never imports student code: the
exercise is exercised through harness subprocesses (``grader.checking.exercise_under_test``).
"""
from __future__ import annotations

import functools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from grader import config
from grader.checking import observe
from grader.checking.exercise_under_test import ExerciseUnderTest
from grader.config import Course, Exercise

if TYPE_CHECKING:  # public as pytest.FixtureDef only from pytest 8.1
    from _pytest.fixtures import FixtureDef as _FixtureDef

    FixtureDef = _FixtureDef[Any]


def course_of(pytestconfig: pytest.Config) -> Course:
    """The course this pytest grades (``--course``), read once: the check modules' parametrizing
    asks for it too."""
    path = pytestconfig.getoption("--course")
    return _course_in(Path(path) if path else config.COURSE_FOLDER)


@functools.cache
def _course_in(folder: Path) -> Course:
    return config.load(folder, check_modules=False)  # the grading read them before starting us


@pytest.fixture(scope="session")
def course(pytestconfig: pytest.Config) -> Course:
    return course_of(pytestconfig)


@pytest.fixture(scope="session")
def start_method(pytestconfig: pytest.Config, course: Course) -> str:
    return pytestconfig.getoption("--start-method") or course.start_method


@pytest.fixture(scope="session")
def _exercises_under_test(pytestconfig: pytest.Config) -> Iterator[dict[str, ExerciseUnderTest]]:
    """One ``ExerciseUnderTest`` per exercise, shared by its own checks and the guard checks.

    At the end, the timelines of every run are written where ``--observations`` says."""
    exercises: dict[str, ExerciseUnderTest] = {}
    yield exercises
    path = pytestconfig.getoption("--observations")
    if path:
        timelines = {exercise_id: [observe.timeline(run, under_test.exercise.marks)
                                   for run in under_test.runs]
                     for exercise_id, under_test in exercises.items()}
        Path(path).write_text(json.dumps(timelines), encoding="utf-8")


@pytest.fixture(scope="module")
def exercise_id(request: pytest.FixtureRequest) -> str:
    """The exercise a check module grades: the folder it is in (``ex03_pool_map/checks.py``)."""
    return request.path.parent.name


@pytest.fixture(scope="module")
def exercise(course: Course, exercise_id: str) -> Exercise:
    return course.exercise(exercise_id)


@pytest.fixture(scope="module")
def student(pytestconfig: pytest.Config, exercise: Exercise, start_method: str,
            _exercises_under_test: dict) -> ExerciseUnderTest:
    """The exercise in the submission, run only in harness subprocesses."""
    if exercise.id not in _exercises_under_test:
        folder = Path(pytestconfig.getoption("--submission")).resolve()
        _exercises_under_test[exercise.id] = ExerciseUnderTest(folder, exercise, start_method)
    return _exercises_under_test[exercise.id]


@pytest.fixture(scope="module")
def rng(pytestconfig: pytest.Config, exercise_id: str) -> random.Random:
    """Random inputs drawn from the run's seed: the same seed gives the same inputs (each fixture
    that draws gets it seeded for itself: ``pytest_fixture_setup``)."""
    return random.Random(f"{pytestconfig.getoption('--seed')}:{exercise_id}")


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: FixtureDef, request: pytest.FixtureRequest) -> None:
    """Before a fixture that draws inputs is built, ``rng`` is seeded for it alone (the seed, the
    exercise, the fixture's name): what it draws does not depend on the fixtures built before it
    in this pytest. The same seed then gives a scenario the same inputs whichever part of the
    grading holds its checks (they differ with the sandbox and without), and when a cohort
    measures a check again on its own."""
    if "rng" in fixturedef.argnames:
        seed = request.config.getoption("--seed")
        exercise_id = request.getfixturevalue("exercise_id")
        request.getfixturevalue("rng").seed(f"{seed}:{exercise_id}:{fixturedef.argname}")


@pytest.fixture
def measured(request: pytest.FixtureRequest) -> dict:
    """Figures a check reports even when it passes (e.g. timings): filled by the check."""
    request.node.mpgrade_measured = {}
    return request.node.mpgrade_measured
