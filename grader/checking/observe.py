"""What the probe's events say: which process ran each task and when, who started and ended whom.

Pure functions over a ``Run``: no process is started here. Times are the probe's CLOCK_MONOTONIC,
shared by every process of the machine, bound before the student's code ran.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grader.checking.verdicts import Detail
from grader.run.harness import Run, Step
from grader.run.process_tree import Seen

LIBRARY_MODULES = ("multiprocessing", "concurrent.")  # callers that are not the student's code
# The harness's code (its command is the main script; its tools and tasks are modules of their own).
HARNESS_MODULES = ("__main__", "__mp_main__", "mpgrade_harness", "mpgrade_tasks")
MULTIPROCESSING_HELPERS = ("resource_tracker.py", "forkserver.py")  # servers, never the culprit


@dataclass(frozen=True)
class Task:
    """One call of a watched function: in which process, from when to when."""

    pid: int
    t0: float
    t1: float

    @property
    def duration(self) -> float:
        return self.t1 - self.t0


def is_within(event: dict, step: Step) -> bool:
    moment = event.get("t", event.get("t0"))
    return step.t0 is not None and moment is not None and step.t0 <= moment <= (
        step.t1 if step.t1 is not None else math.inf)


def tasks(run: Run, function: str, step: Step) -> list[Task]:
    """The calls of ``function`` that began during ``step``, in order of start."""
    return sorted((Task(event["pid"], event["t0"], event["t1"]) for event in run.events_of("call")
                   if event["fn"] == function and is_within(event, step)), key=lambda task: task.t0)


def entered_in(run: Run, function: str, pids: set[int]) -> set[int]:
    """Which of ``pids`` began a call of ``function`` (at any time, finished or not)."""
    return {event["pid"] for event in run.events_of("enter")
            if event["fn"] == function and event["pid"] in pids}


def worker_pids(found: list[Task], caller_pid: int | None) -> set[int]:
    """The processes other than the caller that ran tasks."""
    return {task.pid for task in found} - {caller_pid}


def max_in_flight(found: list[Task]) -> int:
    """The largest number of tasks running at the same instant."""
    edges = sorted([(task.t0, 1) for task in found] + [(task.t1, -1) for task in found],
                   key=lambda edge: (edge[0], edge[1]))
    running = highest = 0
    for _, change in edges:
        running += change
        highest = max(highest, running)
    return highest


def busiest_worker_load(found: list[Task]) -> int:
    """How many tasks the busiest process ran one after another: the number of waves it took."""
    per_pid: dict[int, int] = {}
    for task in found:
        per_pid[task.pid] = per_pid.get(task.pid, 0) + 1
    return max(per_pid.values(), default=0)


def span(found: list[Task]) -> float:
    """From the first task's start to the last task's end."""
    return max(task.t1 for task in found) - min(task.t0 for task in found) if found else 0.0


def median_duration(found: list[Task]) -> float:
    durations = sorted(task.duration for task in found)
    if not durations:
        return 0.0
    middle = len(durations) // 2
    return durations[middle] if len(durations) % 2 else (durations[middle - 1] + durations[middle]) / 2


@dataclass(frozen=True)
class MapPlan:
    """How ``Pool.map`` cuts ``tasks`` items for ``processes`` workers (default chunksize)."""

    tasks: int
    processes: int

    @property
    def chunksize(self) -> int:
        return max(1, math.ceil(self.tasks / (4 * self.processes)))

    @property
    def chunks(self) -> int:
        return math.ceil(self.tasks / self.chunksize)

    @property
    def waves(self) -> int:
        """Tasks the busiest worker runs one after another when every worker keeps busy."""
        return math.ceil(self.chunks / self.processes) * self.chunksize


# -- processes ---------------------------------------------------------------------------------


def is_student(event: dict) -> bool:
    """The event comes from the student's code, not from a Pool's machinery nor the harness
    (whose module is the main one: the student's module never is, in a call run)."""
    caller = str(event.get("caller", ""))
    return caller not in HARNESS_MODULES and not caller.startswith(LIBRARY_MODULES)


def started(run: Run, step: Step, *, by_student: bool | None = None) -> list[dict]:
    """``start`` events during ``step`` (only those of the student's own code with ``by_student``)."""
    return [event for event in run.events_of("start") if is_within(event, step)
            and (by_student is None or is_student(event) == by_student)]


def ended_by_student(run: Run, step: Step, kind: str) -> list[dict]:
    """``join``, ``terminate`` or ``kill`` calls made by the student's code during ``step``."""
    return [event for event in run.events_of(kind) if is_within(event, step) and is_student(event)]


def lifetimes(run: Run, pids: set[int]) -> dict[int, tuple[float, float | None]]:
    """For each pid, from its ``boot`` to its ``exit`` as the child recorded them."""
    result: dict[int, list] = {}
    for event in run.events:
        if event["pid"] in pids and event["ev"] in ("boot", "exit"):
            result.setdefault(event["pid"], [None, None])[event["ev"] == "exit"] = event["t"]
    return {pid: (times[0], times[1]) for pid, times in result.items()}


def pool_operations(run: Run, step: Step) -> list[dict]:
    """The ``Pool`` methods the student's code called during ``step``, in order."""
    return [event for event in run.events_of("pool") if is_within(event, step) and is_student(event)]


# -- the timeline of a run, for the report ---------------------------------------------------


def timeline(run: Run, marks: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> dict:
    """What happened in a run, in seconds from its first step: each step (call), each task with
    its process, each process with its life, and the marks the exercise draws at the end of some
    tasks (``Exercise.marks``). Plain data for the report and its pictures."""
    origin = min((step.t0 for step in run.steps if step.t0 is not None), default=0.0)

    def at(moment: float | None) -> float | None:
        return None if moment is None else round(moment - origin, 4)

    started = {event["child"]: event for event in run.events_of("start")}
    lives = lifetimes(run, set(started))
    return {
        "run": run.number, "status": run.status, "elapsed_s": round(run.elapsed_s, 3),
        "harness_pid": run.harness_pid,
        "calibration": run.calibration,
        "steps": [{"name": step.name, "function": _step_function(run, step), "status": step.status,
                   "t0": at(step.t0), "t1": at(step.t1)} for step in run.steps],
        "tasks": [{"function": event["fn"], "pid": event["pid"], "t0": at(event["t0"]),
                   "t1": at(event["t1"])} for event in run.events_of("call")],
        "processes": [{"pid": pid, "parent": event["pid"], "started": at(event["t"]),
                       "booted": at(lives.get(pid, (None, None))[0]),
                       "ended": at(lives.get(pid, (None, None))[1]),
                       "by": "student" if is_student(event) else "library"}
                      for pid, event in started.items()],
        "marks": {function: [list(pair) for pair in pairs] for function, pairs in (marks or {}).items()},
    }


def _step_function(run: Run, step: Step) -> str | None:
    if step.name.startswith("call-") and run.calls:
        return run.calls[int(step.name.split("-")[1])]
    return None


# -- where processes were stuck ----------------------------------------------------------------

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')


def stuck_places(run: Run, student_files: set[str]) -> list[Detail]:
    """Where each process was when the run was stopped, read from the stacks it dumped.

    Each entry is a record (``located``) of the process — the student's main process, a child with
    the function it was started for, or another — and its place: the innermost line of the
    student's own files, and where that line was waiting:
    ``pipeline (ex06_queue.py:44) → _wait (popen_fork.py:27)``.
    """
    targets = _targets(run)
    places = []
    for pid, text in sorted(run.stacks.items()):
        frames = [match.groupdict() for match in _FRAME.finditer(text)]  # innermost first
        if not frames or _is_helper(frames):
            continue
        own = [frame for frame in frames if _base_name(frame["file"]) in student_files]
        place = _frame_text(own[0]) if own else ""
        if not own or frames[0] is not own[0]:
            place = f"{place} → {_frame_text(frames[0])}" if place else _frame_text(frames[0])
        places.append(located(run, targets, pid, place))
    return places


def located(run: Run, targets: dict[int, str | None], pid: int, place: str) -> Detail:
    """One process and where it was, as a record the report keeps and the catalogue words
    (``details.lieu*``): the page's picture reads its pid and place, never a sentence."""
    if pid == run.harness_pid:
        return Detail("lieu_principal", pid=pid, lieu=place)
    if targets.get(pid):
        return Detail("lieu_enfant", pid=pid, cible=targets[pid], lieu=place)
    return Detail("lieu", pid=pid, lieu=place)


def _targets(run: Run) -> dict[int, str | None]:
    """pid -> the function the student started that process for (``Process(target=…)``)."""
    return {event["child"]: event.get("target") for event in run.events_of("start")}


def looping_functions(run: Run, student_files: set[str]) -> dict[str, dict[str, object]]:
    """The student's functions that were computing in their own code when the run was stopped at
    its time limit, each with its place as ``stuck_places`` records it. Called again in a later run,
    such a function is not waited for another full limit (``ExerciseUnderTest.known_loops``).

    A process counts when the innermost frame of its stack is the student's (not a wait inside the
    library, as in a deadlock, which may depend on the inputs) and the kernel saw it compute for
    most of its life (not a sleep, nor a poll of a value that never comes); a watched function
    must moreover have been entered in that process and never left (not a helper called again and
    again by a loop above it). Without stacks or the kernel's counts (Windows), none counts."""
    if run.status != "timeout" or run.witness is None:
        return {}
    ended = {(event["pid"], event["fn"], event["t0"]) for event in run.events_of("call")}
    watched = {event["fn"] for event in run.events_of("enter")}
    unfinished = {(event["pid"], event["fn"]) for event in run.events_of("enter")
                  if (event["pid"], event["fn"], event["t0"]) not in ended}
    looping: dict[str, dict[str, object]] = {}
    targets = _targets(run)
    for pid, text in sorted(run.stacks.items()):
        frames = [match.groupdict() for match in _FRAME.finditer(text)]  # innermost first
        if not frames or _is_helper(frames) or _base_name(frames[0]["file"]) not in student_files:
            continue
        function = frames[0]["function"]
        seen = run.witness.processes.get(pid)
        if function.startswith("<") or seen is None or not _computing(seen):  # <module>, <lambda>
            continue
        if function in watched and (pid, function) not in unfinished:
            continue
        looping.setdefault(function, located(run, targets, pid, _frame_text(frames[0])).as_fact())
    return looping


LOOP_CPU_SHARE = 0.5  # of the time a process had a core (its life less its wait for one)


def _computing(seen: Seen) -> bool:
    """Whether the kernel saw the process use its core most of the time it could."""
    could = seen.last_seen - seen.created - (seen.waited_s or 0.0)
    return could > 0 and seen.cpu_s >= LOOP_CPU_SHARE * could


def unfinished_calls(run: Run) -> list[Detail]:
    """Where each process was when the run was stopped, where no process could dump its stack
    (Windows, ``MPGRADE_PORTABLE``): from the probe's records, the watched calls begun and never
    ended, and the call the harness was making (``lancer_worker`` in the main process, ``carre``
    in a worker), as ``stuck_places`` records them."""
    ended = {(event["pid"], event["fn"], event["t0"]) for event in run.events_of("call")}
    places = {}
    function = run.running_function()
    if function and run.harness_pid is not None:
        places[run.harness_pid] = [function]
    for event in run.events_of("enter"):
        if (event["pid"], event["fn"], event["t0"]) not in ended:
            places.setdefault(event["pid"], []).append(event["fn"])
    targets = _targets(run)
    return [located(run, targets, pid, " → ".join(dict.fromkeys(calls)))
            for pid, calls in sorted(places.items())]


def crash_places(run: Run, student_files: set[str]) -> list[tuple[str, list[Detail]]]:
    """Each process that crashed (a segmentation fault, an abort), from the report faulthandler
    wrote as it died: the error, and the place as ``stuck_places`` records it (the same crash in
    several processes: the first, and how many others)."""
    targets = _targets(run)
    crashes: dict[tuple[str, str | None, str], list[int]] = {}  # the same crash in many workers: once
    for pid, text in sorted(run.fatal_errors.items()):
        first = text.splitlines()[0] if text else ""
        error = first.split(":", 1)[1].strip() if first.startswith("Fatal Python error") else first
        frames = [match.groupdict() for match in _FRAME.finditer(text)]
        own = [frame for frame in frames if _base_name(frame["file"]) in student_files]
        place = _frame_text(own[0]) if own else (_frame_text(frames[0]) if frames else "?")
        role = "main" if pid == run.harness_pid else targets.get(pid)
        crashes.setdefault((error[:200], role, place), []).append(pid)
    return [(error, [located(run, targets, pids[0], place)]
             + ([Detail("et_autres", nombre=len(pids) - 1)] if len(pids) > 1 else []))
            for (error, _, place), pids in crashes.items()]


def _is_helper(frames: list[dict]) -> bool:
    """A server of multiprocessing itself (resource tracker, fork server), not a process it runs."""
    return any(_base_name(frame["file"]) in MULTIPROCESSING_HELPERS for frame in frames) and not any(
        frame["function"] == "_bootstrap" for frame in frames)


def _frame_text(frame: dict) -> str:
    return f"{frame['function']} ({_base_name(frame['file'])}:{frame['line']})"


def _base_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
