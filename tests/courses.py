"""The shipped course as one mapping, and edited copies of it for the tests that need other limits.

A course is a folder (``grader/course/``): ``course.yaml`` and one folder per exercise with its
``exercise.yaml``. ``shipped_settings`` reads them as one mapping, the exercises under
``exercises``; ``write_course`` copies the whole folder (checks and texts too) and writes such a
mapping back into it, so a test edits a limit or a bound as one dictionary.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml

from grader import config

SHIPPED = config.COURSE_FOLDER


def shipped_settings() -> dict:
    """``course.yaml``, with each exercise's ``exercise.yaml`` under ``exercises``."""
    settings = _read(SHIPPED / config.COURSE_FILE_NAME)
    settings["exercises"] = {path.parent.name: _read(path)
                             for path in config.exercise_files_of(SHIPPED)}
    return settings


def write_course(folder: Path, settings: dict) -> Path:
    """A copy of the shipped course in a new folder of ``folder`` with ``settings``
    (``shipped_settings``' shape) as its files; returns the course folder, what ``--course`` takes.
    Every shipped exercise stays: ``settings`` edits them, it does not remove one."""
    course = Path(tempfile.mkdtemp(prefix="course-", dir=folder))
    shutil.copytree(SHIPPED, course, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    settings = dict(settings)
    exercises = settings.pop("exercises")
    _write(course / config.COURSE_FILE_NAME, settings)
    for exercise_id, exercise in exercises.items():
        _write(course / exercise_id / config.EXERCISE_FILE_NAME, exercise)
    return course


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, settings: dict) -> None:
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
