"""Grading one submission: pytest runs the checks in subprocesses and writes their JSON reports.

Each pytest process is the grader of some checks (it never imports student code); this module only
starts them with the right options — those of the checks that judge no timed run side by side,
then the one of the checks that do, whose timed runs take the cores alone (``run_checks``) — and
reads back the JSON that pytest-json-report wrote. If a submission kills its pytest process (it is
the parent of the student's main process), whatever the submission left running is killed here,
each exercise is graded again on its own, and the exercise whose grading is killed again gets an
``error`` on every check: the others keep their true results.
"""
from __future__ import annotations

import compileall
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from grader.checking.verdicts import MISTAKE
from grader.config import COMMON_CHECKS_FILE, Course
from grader.run import reservation, sandbox
from grader.run.harness import RUNS_FROM
from grader.run.process_tree import ENDS_WITH, Leftovers, limits_note

PYTEST_SETTINGS = Path(__file__).parent / "pytest.ini"
PROJECT_ROOT = Path(__file__).parent.parent.parent  # above grader/
SLACK_PER_EXERCISE_S = 60  # beyond the harnesses' own limits, for pytest itself
PYTEST_INTERRUPTED = 2  # pytest's exit status after SIGINT
REPORT, TIMELINES = "pytest.json", "timelines.json"  # what each pytest writes in its folder
WAIT_S = 0.05  # between two looks at the pytest processes running
NOT_RESERVED: dict[str, str] = {}  # the environment of pytests that share no cores' locks
RUNS_PER_PYTEST = 1000  # a block of run numbers per pytest: far more than one makes
_PYTESTS = itertools.count()  # the pytests this grading started: each numbers its runs in its block


class GradingError(Exception):
    """pytest could not grade at all (a fault of the grader or its installation)."""


@dataclass(frozen=True)
class Request:
    submission: Path
    exercises: list[str]
    seed: int
    start_method: str
    checks: tuple[str, ...] = ()  # "exercise:check" to grade alone (re-measuring pending checks)


@dataclass(frozen=True)
class Results:
    pytest_report: dict  # what pytest-json-report wrote: each check's verdict in its metadata
    timelines: dict  # exercise id -> the timeline of each harness run (grader.checking.observe.timeline)


def run_checks(request: Request, course: Course) -> Results:
    """Run the checks of ``request.exercises`` on the submission.

    The checks that judge no timed run: each exercise's in a pytest of its own, and a timing
    exercise's guard checks (its import and its script run as a student's would) in another.
    Their verdicts hold on a busy machine, and their runs mostly wait (sleeps, queues, pipes).
    The checks that judge a timed run: in one pytest, whose timed runs must have the machine to
    themselves. In the sandbox all these pytests start side by side, the timed one's runs wait
    until every other has ended (``reservation.Gate``), and each timed run takes the cores alone
    (``grader.run.reservation``, with ``flock``, which every platform that has the sandbox has).
    Without a sandbox every pytest runs after the other, the timing exercises last. The pytests of
    an exercise tell each other the functions whose calls hung (``ExerciseUnderTest``), never
    what the demonstration met: a function the script left looping is never known to the
    exercise's own checks."""
    _compile_the_grader()
    note = limits_note()
    if note:  # the grading goes on, with the protections this platform has: say which are missing
        print(f"mpgrade: {note}", file=sys.stderr)
    # Without a sandbox a run reaches every file of the grader's user: a part's report, written
    # while the runs of another part go on, could be rewritten by them before it is read; and the
    # lock files of the reservation too.
    together = sandbox.containment() == sandbox.BUBBLEWRAP
    overlap = together and reservation.available()
    untimed, timed = _phases(request, course, overlap=overlap)
    tests: list[dict] = []
    timelines: dict[str, list] = {}
    with reservation.shared_by_pytests(enabled=overlap) as environment:
        if overlap:
            batches = [[timed, *untimed] if timed.checks else untimed]
        else:
            batches = ([untimed] if together else [[part] for part in untimed])
            batches += [[timed]] if timed.checks else []
        for parts in batches:
            beside_timed = overlap and parts[0] is timed and len(parts) > 1
            attempts = _side_by_side(request, course, parts, environment, beside_timed=beside_timed)
            for part, attempt in zip(parts, attempts):
                for results in _results_or_alone(request, course, part, attempt):
                    tests += results.pytest_report.get("tests", [])
                    for exercise_id, runs in results.timelines.items():  # an exercise may be in two
                        timelines.setdefault(exercise_id, []).extend(runs)
    return Results({"tests": _in_course_order(tests, request.exercises)}, timelines)


def _compile_the_grader() -> None:
    """Write the bytecode of the grader's own modules (``__pycache__``, beside them) where it is
    missing or stale: each pytest imports the grader and its check modules, and each process of
    every run the probe. Runs never write any (``PYTHONDONTWRITEBYTECODE``: nothing outside their
    folder), and neither would a grader started with it (a container's setting): each of those
    processes compiled the same sources again, some 7 ms a run's process and 0.1 s a pytest. Once
    written, this costs a look at each file. Where the grader's folder is read-only, nothing is
    written and nothing said: they compile as before."""
    compileall.compile_dir(PROJECT_ROOT / "grader", quiet=2, optimize=0)  # what runs read, even if -O


@dataclass(frozen=True)
class _Part:
    """Some checks one pytest grades: ``exercise:check`` each."""

    checks: tuple[str, ...]

    @property
    def exercises(self) -> list[str]:
        return list(dict.fromkeys(check.partition(":")[0] for check in self.checks))


def _phases(request: Request, course: Course, *, overlap: bool) -> tuple[list[_Part], _Part]:
    """The checks asked for, as the parts that judge no timing and the part that does: the checks
    that judge a timed run (``Exercise.judges_time``). When parts can go beside it (``overlap``),
    each exercise's other checks are a part, and a timing exercise's guard checks another: its
    demonstration (seconds) and its untimed calls go side by side, and a function that hangs in
    both costs its limit once. Otherwise every check of the timing exercises is in the timed part,
    whose pytest comes last and alone: a pytest more would only add its start-up."""
    untimed: list[tuple[str, ...]] = []
    demonstrations: list[tuple[str, ...]] = []  # the guard checks of the timing exercises
    timed: list[str] = []
    for exercise_id in request.exercises:
        exercise = course.exercise(exercise_id)
        checks = [f"{exercise_id}:{check}" for check in exercise.checks
                  if not request.checks or f"{exercise_id}:{check}" in request.checks]
        if exercise.timing and not overlap:
            timed += checks
            continue
        timed += [check for check in checks if exercise.judges_time(check.partition(":")[2])]
        guards = tuple(check for check in checks if exercise.timing
                       and exercise.checks[check.partition(":")[2]].category == "guard")
        demonstrations += [guards] if guards else []
        untimed += [tuple(check for check in checks if check not in timed + list(guards))]
    # The longest first, lest one end the grading alone: the demonstrations of the timing
    # exercises (seconds each), then those with the most checks (and runs).
    parts = demonstrations + sorted((part for part in untimed if part), key=len, reverse=True)
    return [_Part(part) for part in parts], _Part(tuple(timed))


def pytests_at_once() -> int:
    """How many pytests of one grading may run at once in the sandbox: two per core, and the timed
    part's, which waits at the gate while they run. Their runs mostly wait (sleeps, queues, pipes):
    twice as many as cores graded the nine solutions some 15 % faster than one per core
    (``bench/bench_speed.py``: 28.2 s against 33.6 s). Each run's records keep their senders' names
    under that load: the kernel names a sender even once it was reaped, and a process read while
    being reaped is no longer named 0 (``grader.run.process_tree.inner_pid``)."""
    return 2 * max(1, os.cpu_count() or 1) + 1


def _results_or_alone(request: Request, course: Course, part: _Part,
                      attempt: _Attempt) -> list[Results]:
    """The results of one pytest; when it was stopped from outside (a submission killed the
    grader), the exercise that did it is found by grading each alone, and the others keep theirs."""
    if attempt.results is not None:
        return [attempt.results]
    if not attempt.killed:
        raise GradingError(attempt.failure)
    found = []
    for exercise_id in part.exercises:
        checks = tuple(check for check in part.checks if check.partition(":")[0] == exercise_id)
        (alone,) = _side_by_side(request, course, [_Part(checks)], NOT_RESERVED)
        if alone.results is not None:
            found.append(alone.results)
        elif alone.killed:
            found.append(Results({"tests": _grader_killed(checks, alone.returncode)}, {}))
        else:
            raise GradingError(alone.failure)
    return found


def _in_course_order(tests: list[dict], exercises: list[str]) -> list[dict]:
    """The checks in the order of the course's exercises, whichever pytest ended first."""
    rank = {exercise: index for index, exercise in enumerate(exercises)}
    return sorted(tests, key=lambda test: rank.get(test.get("metadata", {}).get("exercise"), 0))


def time_limit_s(course: Course, exercises: list[str]) -> float:
    """How long grading ``exercises`` may take in all: far beyond the harnesses' own limits."""
    return sum(course.exercise(exercise).time_limit_s * 10 + SLACK_PER_EXERCISE_S
               for exercise in exercises)


def grader_environment() -> dict:
    """The environment of a grader subprocess: this project importable whatever the folder, and
    the pid of this grading, which its pytests end with (``pytest_plugin.pytest_sessionstart``):
    a grading stopped while it started one, before it could list it among those to kill, would
    otherwise leave it grading, orphaned, to its end."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])), **{ENDS_WITH: str(os.getpid())})


@dataclass(frozen=True)
class _Attempt:
    results: Results | None
    returncode: int | None = None
    failure: str = ""

    @property
    def killed(self) -> bool:
        """pytest was ended by a signal (SIGKILL, SIGTERM, SIGINT): from outside, not by a bug."""
        return self.returncode is not None and (self.returncode < 0
                                                or self.returncode == PYTEST_INTERRUPTED)


@dataclass
class _Started:
    """One pytest process grading some checks, its output going to files in ``work``."""

    process: subprocess.Popen
    work: tempfile.TemporaryDirectory
    limit_s: float
    deadline: float

    @property
    def folder(self) -> Path:
        return Path(self.work.name)


def _side_by_side(request: Request, course: Course, parts: list[_Part], environment: dict[str, str],
                  *, beside_timed: bool = False) -> list[_Attempt]:
    """One pytest per part, the next started as soon as one ends: ``pytests_at_once`` of them
    with ``beside_timed``, whose first part is the timed one (it starts up beside the others, and
    its timed runs wait for the gate, opened once every other part has ended; its limit counts
    their limits too); otherwise as many as the machine has cores, for parts that run beside no
    timed run. Their reports are read once every one has ended and whatever they left running is
    killed: no process of the submission is left to rewrite them. ``environment`` goes to every
    pytest."""
    leftovers = Leftovers()  # the student's processes come back here if a pytest is killed
    started: list[_Started] = []
    at_once = pytests_at_once() if beside_timed else max(1, os.cpu_count() or 1)
    others = list(dict.fromkeys(exercise for part in parts[1:] for exercise in part.exercises))
    try:
        returncodes: dict[int, int] = {}
        with reservation.Gate(environment if beside_timed else NOT_RESERVED) as gate:
            while len(returncodes) < len(parts):
                running = [index for index in range(len(started)) if index not in returncodes]
                if len(started) < len(parts) and len(running) < at_once:
                    index = len(started)
                    timed_part = beside_timed and index == 0
                    started.append(_start(request, course, parts[index], environment,
                                          waits_s=time_limit_s(course, others) if timed_part else 0.0,
                                          timed_part=timed_part))
                    continue
                returncodes.update(_first_ended(started, running))
                if len(started) == len(parts) and all(index in returncodes
                                                      for index in range(1, len(parts))):
                    gate.open()  # the timed runs alone from now on: no other pytest is left
        leftovers.end()
        return [_read(one, returncodes[index]) for index, one in enumerate(started)]
    finally:
        for one in started:
            if one.process.poll() is None:
                one.process.kill()
                one.process.wait()
        leftovers.end()
        for one in started:
            one.work.cleanup()


def _start(request: Request, course: Course, part: _Part, environment: dict[str, str],
           waits_s: float = 0.0, timed_part: bool = False) -> _Started:
    work = tempfile.TemporaryDirectory(prefix="mpgrade-pytest-")
    folder = Path(work.name)
    # Only the check modules of the part's exercises are collected: importing the others costs
    # each pytest a few tenths of a second of CPU, and several start at once. Checks raise their
    # verdicts and assert nothing: pytest need not rewrite any module (``--assert=plain``).
    modules = [str(course.folder / exercise) for exercise in part.exercises]
    modules += [str(path) for path in [course.folder / COMMON_CHECKS_FILE] if path.exists()]
    command = [sys.executable, "-m", "pytest", *modules, "-c", str(PYTEST_SETTINGS),
               "--rootdir", str(course.folder), "-p", "grader.checking.pytest_plugin",
               "-p", "grader.checking.fixtures", "-q", "--no-header", "--assert=plain",
               "-p", "no:randomly", "--json-report", f"--json-report-file={folder / REPORT}",
               "--json-report-omit", "collectors", "log", "streams", "keywords",
               f"--submission={request.submission}", f"--seed={request.seed}",
               f"--start-method={request.start_method}", f"--observations={folder / TIMELINES}"]
    command += [f"--grade-exercise={exercise}" for exercise in part.exercises]
    command += [f"--grade-check={check}" for check in part.checks]
    command.append(f"--course={course.folder}")
    # Files, not pipes: several pytest processes run at once, and a full pipe would stall one.
    with open(folder / "stdout", "wb") as stdout, open(folder / "stderr", "wb") as stderr, \
            reservation.claim_for_child(environment, timed_part=timed_part) as (claim, descriptors):
        first_run = int(os.environ.get(RUNS_FROM, "1")) + next(_PYTESTS) * RUNS_PER_PYTEST
        process = subprocess.Popen(command, cwd=course.folder, stdout=stdout, stderr=stderr,
                                   env=dict(grader_environment(), **environment, **claim,
                                            **{RUNS_FROM: str(first_run)}),
                                   pass_fds=descriptors)
    limit = time_limit_s(course, part.exercises) + waits_s  # waits_s: the timed part's, for the others
    return _Started(process, work, limit, time.monotonic() + limit)


def _first_ended(started: list[_Started], running: list[int]) -> dict[int, int]:
    """Wait until one of the ``running`` pytests ends; the exit status of each that has."""
    while True:
        ended = {index: code for index in running
                 if (code := started[index].process.poll()) is not None}
        if ended:
            return ended
        for index in running:
            if time.monotonic() > started[index].deadline:
                raise GradingError(f"pytest did not finish within {started[index].limit_s:.0f} s")
        time.sleep(WAIT_S)


def _read(started: _Started, returncode: int) -> _Attempt:
    """What one ended pytest wrote."""
    report_path, timelines_path = started.folder / REPORT, started.folder / TIMELINES
    if not report_path.exists() or returncode not in (0, 1):
        output = [(started.folder / name).read_text(encoding="utf-8", errors="replace")[-3000:]
                  for name in ("stdout", "stderr")]
        return _Attempt(None, returncode, f"pytest failed (exit {returncode}):\n"
                                          f"{output[0]}\n{output[1]}")
    timelines = (json.loads(timelines_path.read_text(encoding="utf-8"))
                 if timelines_path.exists() else {})
    return _Attempt(Results(json.loads(report_path.read_text(encoding="utf-8")), timelines))


def _grader_killed(checks: tuple[str, ...], returncode: int | None) -> list[dict]:
    """The verdicts of checks (``exercise:check``) whose grading was killed every time: an error
    on each."""
    return [{"metadata": {"exercise": check.partition(":")[0], "check": check.partition(":")[2],
                          "status": "error",
                          # the submission stopped its own grading: the student's doing, said so
                          "kind": MISTAKE, "key": "correcteur_arrete", "facts": {"code": returncode}}}
            for check in checks]
