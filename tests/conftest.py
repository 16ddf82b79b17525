"""Shared fixtures: grading a folder with the real command, building submissions, CPU load."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import psutil
import pytest
import yaml

import courses
from language import french_in_english

ROOT = Path(__file__).parent.parent
SOLUTIONS = ROOT / "solutions"
STUBS = ROOT / "exercises"
BAD = Path(__file__).parent / "bad"
DATA = Path(__file__).parent / "data"
REPORT_SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
HOGS = 2
# The exercises whose objects cross to the children differently with the start method (Process,
# Pool, Queue, Pipe, Value/Array): ex04, ex05 and ex09 use the same Pool as ex03, and ex02's guard
# is always judged under spawn.
START_METHOD_EXERCISES = ("ex01_process", "ex03_pool_map", "ex06_queue", "ex07_pipe",
                          "ex08_shared_memory")


def machine_bound(check: dict) -> bool:
    """A verdict that says "this machine cannot measure it now" (from the grader's calibration, the
    ``kind`` of ``CannotMeasure``): allowed on a timing check of a busy machine, never a verdict."""
    return check.get("kind") == "machine_bound"


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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--containment", default="both", choices=("both", "bubblewrap", "process-tree"),
                     help="grade the hostile cases in the bubblewrap sandbox, without it "
                          "(MPGRADE_SANDBOX=off), or both ways (default)")


def containments(config: pytest.Config) -> list[str]:
    wanted = config.getoption("--containment")
    return ["bubblewrap", "process-tree"] if wanted == "both" else [wanted]


def grade(folder: Path, *exercises: str, seed: int = 1, start_method: str | None = None,
          course: Path | None = None, json_path: Path | None = None, html_path: Path | None = None,
          language: str | None = None, containment: str | None = None) -> Graded:
    """Run ``python -m grader check`` as a user does and read its JSON report; ``containment``
    "process-tree" turns the sandbox off (``MPGRADE_SANDBOX=off``), "bubblewrap" requires it."""
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
    environment = dict(os.environ)
    if containment == "process-tree":
        environment["MPGRADE_SANDBOX"] = "off"
    elif containment == "bubblewrap":
        environment.pop("MPGRADE_SANDBOX", None)
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, encoding="utf-8",
                              errors="replace", timeout=600, env=environment)  # as piped
    report = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else {}
    if report:
        validate_report(report)
        # What --lang en would show holds no French of the grader's own (tests/language.py): checked
        # on every report the suite produces (stubs, solutions, every good, bad, hostile variant).
        assert not french_in_english(report), french_in_english(report)
    if containment and report:
        assert report.get("containment") == containment, finished.stderr
    return Graded(report, finished.returncode, finished.stdout, finished.stderr)


def validate_report(report: dict) -> None:
    """The report follows its contract, docs/report.schema.json (raises ValidationError)."""
    jsonschema.validate(report, REPORT_SCHEMA)


EXPECTATIONS = yaml.safe_load((BAD / "expectations.yaml").read_text(encoding="utf-8"))


def variants_of(exercises: tuple[str, ...]) -> list[tuple[str, str, dict]]:
    """(exercise, variant, expectation) of every known-bad variant of ``exercises``."""
    return [(exercise_id, variant, spec) for exercise_id in exercises
            for variant, spec in EXPECTATIONS.get(exercise_id, {}).items()]


def assert_variant_verdicts(tmp_path: Path, exercise_id: str, variant: str, spec: dict) -> None:
    """Grade a known-bad variant alone: exactly its expected checks fail, or may fail; a check
    this machine could not measure is pending for a machine-bound reason only."""
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
    pending = {check_id for check_id, check in graded.checks(exercise_id).items()
               if check["status"] == "pending" and not machine_bound(check)}
    # A timing check the busy machine could not judge is pending, never passed: the mistake is
    # still caught by the observations of the other checks (asserted just below).
    unjudged = {check_id for check_id, check in graded.checks(exercise_id).items()
                if machine_bound(check)}
    either = set(spec.get("may_fail", []))
    explanation = "\n".join(f"{check['id']}: {check['status']} — {check['message']}"
                            for check in graded.exercise(exercise_id)["checks"])
    assert set(spec["fails"]) <= failing | unjudged, explanation
    assert failing and failing <= set(spec["fails"]) | either, explanation
    assert not pending, explanation
    for check_id in spec["fails"]:
        check = graded.checks(exercise_id)[check_id]
        assert check["message"] and check["hint"], check
    assert graded.exercise(exercise_id)["max_score"] == course_maximum(exercise_id)
    assert graded.returncode == 1


@pytest.fixture(scope="session")
def course_settings() -> dict:
    return courses.shipped_settings()


def assert_full_marks_but_pending(graded: Graded, exercise_id: str) -> None:
    """Every check of the exercise passed, or is pending because this (busy) machine could not
    measure it: the points of a correct answer, out of the course's maximum."""
    exercise = graded.exercise(exercise_id)
    lost = [(check["id"], check["status"], check.get("message_key")) for check in exercise["checks"]
            if check["status"] != "passed"
            and not (check["status"] == "pending" and machine_bound(check))]
    assert not lost, (exercise_id, lost)
    assert exercise["max_score"] == course_maximum(exercise_id)


def course_maximum(*exercises: str) -> float:
    """The course's full maximum of ``exercises`` (all of them when none is named): every grade is
    out of it, whatever this machine could measure."""
    settings = courses.shipped_settings()["exercises"]
    return sum(check["points"] for exercise_id, spec in settings.items()
               if not exercises or exercise_id in exercises for check in spec["checks"].values())


def make_submission(folder: Path, files: dict[str, Path]) -> Path:
    """A submission folder holding ``files`` (exercise id -> source file), named as the contract."""
    folder.mkdir(parents=True, exist_ok=True)
    for exercise_id, source in files.items():
        shutil.copy(source, folder / f"{exercise_id}.py")
    return folder


TOKEN_VARIABLE = "GRADER_TEST_TOKEN"


def live_threads(pid: int) -> int:
    """How many threads of ``pid`` still run: a process is dead only when none does. A leader whose
    main thread exited while another thread runs shows as a zombie, yet its other threads run on
    (``/proc/<pid>/task``). Elsewhere than Linux: 1 unless psutil says zombie."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return 0
    except OSError:
        try:
            return 0 if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE else 1
        except psutil.Error:
            return 0
    running = 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        running += state not in (b"Z", b"X")
    return running


def _environments(process: psutil.Process) -> list[dict]:
    """The environment of ``process``, and of each of its threads (a zombie leader's own is gone)."""
    found = []
    try:
        found.append(process.environ())
    except psutil.Error:
        pass
    try:
        tasks = os.listdir(f"/proc/{process.pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{process.pid}/task/{task}/environ", "rb") as environ:
                pairs = environ.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        found.append(dict(pair.split("=", 1) for pair in pairs if "=" in pair))
    return found


@pytest.fixture
def tracked_processes(monkeypatch):
    """Marks every process started from now on (the environment is inherited down the whole
    tree) and returns a function that lists those still alive: any of whose threads runs, whatever
    the state of its main thread. A process that replaced its environment (a daemon of
    tests/hostile/) is found by the token in its command line."""
    token = uuid.uuid4().hex
    monkeypatch.setenv(TOKEN_VARIABLE, token)

    def alive() -> set[int]:
        found = set()
        for process in psutil.process_iter():
            try:
                if process.pid == os.getpid() or not live_threads(process.pid):
                    continue
                marked = (any(environ.get(TOKEN_VARIABLE) == token for environ in _environments(process))
                          or token in process.cmdline())
                if marked:
                    found.add(process.pid)
            except psutil.Error:
                pass
        return found

    return alive


def harness_runs_below(pid: int) -> bool:
    """Whether the student's code is being run below ``pid`` (a harness process is there). A
    process that ends (or is a zombie) while it is looked at is skipped, not taken for the answer:
    a grading's short-lived pytests and runs come and go beside the harness looked for."""
    try:
        below = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return False
    for process in below:
        try:
            if any("mpgrade_harness" in part for part in process.cmdline()):
                return True
        except psutil.Error:
            continue
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


# The short course files of the hostile and hanging cases, for the native and the portable runs
# (their modules import this one: imported when the fixture is first used).
@pytest.fixture(scope="module")
def hostile_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import hostile_cases

    return hostile_cases.write_course(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def short_course(tmp_path: Path) -> Path:
    import hangs

    return hangs.write_short_course(tmp_path)
