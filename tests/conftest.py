"""Shared fixtures: grading a folder with the real command, building submissions, CPU load."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil
import pytest
import yaml

ROOT = Path(__file__).parent.parent
SOLUTIONS = ROOT / "solutions"
STUBS = ROOT / "exercises"
BAD = Path(__file__).parent / "bad"
DATA = Path(__file__).parent / "data"
COURSE = ROOT / "grader" / "course.yaml"
HOGS = 2
# Skips that say "this machine cannot measure it now": allowed on any check, never a verdict.
MACHINE_BOUND = {"machine_trop_chargee", "demarrage_ralenti", "acceleration_impossible",
                 "processus_prives_de_cpu"}


@dataclass
class Graded:
    report: dict
    returncode: int
    stdout: str
    stderr: str

    def exercise(self, exercise_id: str) -> dict:
        return next(e for e in self.report["exercises"] if e["id"] == exercise_id)

    def checks(self, exercise_id: str) -> dict[str, dict]:
        return {check["id"]: check for check in self.exercise(exercise_id)["checks"]}

    def not_passed(self, exercise_id: str) -> set[str]:
        return {check_id for check_id, check in self.checks(exercise_id).items()
                if check["status"] != "passed"}


def grade(folder: Path, *exercises: str, seed: int = 1, start_method: str | None = None,
          course: Path | None = None, json_path: Path | None = None, html_path: Path | None = None,
          language: str | None = None) -> Graded:
    """Run ``python -m grader check`` as a user does and read its JSON report."""
    json_path = json_path or folder.parent / f"report-{folder.name}-{os.getpid()}.json"
    command = [sys.executable, "-m", "grader", "check", str(folder), "--json", str(json_path),
               "--seed", str(seed)]
    command += [f"--exercise={exercise}" for exercise in exercises]
    if html_path:
        command.append(f"--html={html_path}")
    if language:
        command.append(f"--lang={language}")
    if start_method:
        command.append(f"--start-method={start_method}")
    if course:
        command.append(f"--course={course}")
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, encoding="utf-8",
                              errors="replace", timeout=600)  # what the grader prints to a pipe
    report = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else {}
    return Graded(report, finished.returncode, finished.stdout, finished.stderr)


EXPECTATIONS = yaml.safe_load((BAD / "expectations.yaml").read_text(encoding="utf-8"))


def variants_of(exercises: tuple[str, ...]) -> list[tuple[str, str, dict]]:
    """(exercise, variant, expectation) of every known-bad variant of ``exercises``."""
    return [(exercise_id, variant, spec) for exercise_id in exercises
            for variant, spec in EXPECTATIONS.get(exercise_id, {}).items()]


def assert_variant_verdicts(tmp_path: Path, exercise_id: str, variant: str, spec: dict) -> None:
    """Grade a known-bad variant alone: exactly its expected checks fail, skip, or may fail."""
    folder = make_submission(tmp_path / variant, {exercise_id: BAD / exercise_id / f"{variant}.py"})
    graded = grade(folder, exercise_id)
    assert graded.report, graded.stderr
    assert_graded_variant(graded, exercise_id, spec)
    assert graded.returncode == 1


def assert_graded_variant(graded: Graded, exercise_id: str, spec: dict) -> None:
    """The verdicts of one exercise of ``graded``, a known-bad variant: exactly its expected checks
    fail, skip, or may fail."""
    statuses = {check_id: check["status"] for check_id, check in graded.checks(exercise_id).items()}
    failing = {check_id for check_id, status in statuses.items() if status in ("failed", "error")}
    skipped = {check_id for check_id, check in graded.checks(exercise_id).items()
               if check["status"] == "skipped" and check.get("message_key") not in MACHINE_BOUND}
    # A timing check the busy machine could not judge is skipped, never passed: the mistake is
    # still caught by the observations of the other checks (asserted just below).
    unjudged = {check_id for check_id, check in graded.checks(exercise_id).items()
                if check.get("message_key") in MACHINE_BOUND}
    either = set(spec.get("may_fail", []))
    explanation = "\n".join(f"{check['id']}: {check['status']} — {check['message']}"
                            for check in graded.exercise(exercise_id)["checks"])
    assert set(spec["fails"]) <= failing | unjudged, explanation
    assert failing and failing <= set(spec["fails"]) | either, explanation
    assert skipped - either == set(spec.get("skips", [])), explanation
    for check_id in spec["fails"]:
        check = graded.checks(exercise_id)[check_id]
        assert check["message"] and check["hint"], check


@pytest.fixture(scope="session")
def course_settings() -> dict:
    return yaml.safe_load(COURSE.read_text(encoding="utf-8"))


def make_submission(folder: Path, files: dict[str, Path]) -> Path:
    """A submission folder holding ``files`` (exercise id -> source file), named as the contract."""
    folder.mkdir(parents=True, exist_ok=True)
    for exercise_id, source in files.items():
        shutil.copy(source, folder / f"{exercise_id}.py")
    return folder


TOKEN_VARIABLE = "GRADER_TEST_TOKEN"


@pytest.fixture
def tracked_processes(monkeypatch):
    """Marks every process started from now on (the environment is inherited down the whole
    tree) and returns a function that lists those still alive. A process that replaced its
    environment (a daemon of tests/hostile/) is found by the token in its command line."""
    token = uuid.uuid4().hex
    monkeypatch.setenv(TOKEN_VARIABLE, token)

    def alive() -> set[int]:
        found = set()
        for process in psutil.process_iter():
            try:
                marked = process.environ().get(TOKEN_VARIABLE) == token or token in process.cmdline()
                if process.pid != os.getpid() and marked and process.status() != psutil.STATUS_ZOMBIE:
                    found.add(process.pid)
            except psutil.Error:
                pass
        return found

    return alive


def harness_runs_below(pid: int) -> bool:
    """Whether the student's code is being run below ``pid`` (a harness process is there)."""
    try:
        return any(any("mpgrade_harness" in part for part in process.cmdline())
                   for process in psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return False


def still_alive_after(alive: Callable[[], set[int]], within_s: float) -> set[int]:
    """What ``alive()`` (of ``tracked_processes``) still lists after waiting up to ``within_s``."""
    deadline = time.monotonic() + within_s
    while (left := alive()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.fixture
def cpu_hogs():
    """Keep every core busy while the test runs (as a loaded laptop or a shared CI runner)."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(HOGS)]
    yield hogs
    for hog in hogs:
        hog.kill()
        hog.wait()
