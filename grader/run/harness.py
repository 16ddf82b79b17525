"""The grader's side of a harness run: a copy of the submission, a time limit, the tree ended.

``run_calls`` and ``run_script`` start the student's code in a fresh interpreter that carries the
probe (``grader/run/probe``), in a temporary copy of the submission, and return a ``Run``: what each
step returned or raised, what it printed, and every event the probe recorded in every process.
Whatever the code does, the tree is killed before this returns; at the time limit, each process is
first asked where it is stuck. Each run is limited as ``course.yaml`` says (``grader.config.Limits``:
CPU, memory, processes, file size, output kept), and watched from outside at every poll: what the
grader saw (``Run.witness``) is what ``grader.run.witness`` checks the probe's records against. Every
file the student's processes could have written is read with a size limit and validated.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.config import Limits
from grader.run import reservation, responder, sandbox
from grader.run.process_tree import (
    ProcessLimits,
    SharedFiles,
    Tree,
    TreeLimits,
    Witness,
    inner_pid,
    last_pid,
    popen_options,
)
from grader.run.record_channel import Attested, Received, RecordChannel, attested_events

PROBE_DIR = Path(__file__).parent / "probe"
LINUX = sys.platform.startswith("linux")
FATAL_MARKER = "FATAL"  # written by the probe; see mpgrade_probe.FATAL_MARKER
KNOWN_LOOP_MARKER = "KNOWN_LOOP"  # see mpgrade_probe.KNOWN_LOOP_MARKER
FATAL_ERRORS = "fatal-*.txt"  # faulthandler's report of a crash (segfault…), one per process
# The number of this process's first run: the grading gives each of its pytests a block of its own
# (``grader.checking.grading``), so that the runs of an exercise graded in several pytests keep
# distinct numbers in the report, which links each check to the runs it read.
RUNS_FROM = "MPGRADE_RUNS_FROM"
_RUN_NUMBERS = itertools.count(int(os.environ.get(RUNS_FROM, "1")))
RESPONDER_STAND_IN = "repondeur_du_correcteur"  # its dialogue is held here (grader.run.responder)
POLL_S = 0.05
STACK_WAIT_S = 0.5
WAIT_GRANTED_SHARE = 0.5  # of the time limit, at most, for a busy machine's wait for a core
OUTPUT_LIMIT = 200_000  # bytes kept of each output file, head and tail, unless the limits say
# What the grader reads of the files the student's processes can write: its own memory stays
# bounded whatever they hold (a legitimate run writes a few hundred kilobytes at most).
RESULT_LIMIT = 4 * 1024 * 1024
EVENTS_LIMIT = 8 * 1024 * 1024
EVENT_FILES_LIMIT = 2000
STACK_LIMIT = 64 * 1024
STACK_FILES_LIMIT = 200
WATCHED_RESULT_LIMIT = 1024 * 1024  # result.json is read while the run goes only below this size
UNFINISHED_LIMIT = 64
RECORDS_ATTESTED = "kernel"  # how a run's records came (``Run.records``)
RECORDS_IN_FILES = "files"
NPROC_PER_PROCESS = 10  # RLIMIT_NPROC of a sandboxed run with its own uid: tasks per process allowed


@dataclass
class Step:
    """One step of a run: the import of the module or one call, as the harness saw it."""

    name: str
    status: str  # "ok", "raised", or "unfinished" when the run ended during it
    t0: float | None = None
    t1: float | None = None
    value: object = None
    type: str | None = None
    error: dict | None = None
    alive_after: list = field(default_factory=list)
    cpu: dict | None = None  # CPU seconds the OS accounted: {"self": …, "children": …}
    stdout: str = ""
    stderr: str = ""

    @property
    def duration(self) -> float | None:
        return None if self.t0 is None or self.t1 is None else self.t1 - self.t0


@dataclass
class Run:
    """Everything observed during one harness run."""

    # "finished", "timeout", "aborted" (the probe raised a fatal event), "crashed", "limit"
    # (the watchdog stopped the tree: ``breach`` says which limit), or "known_loop" (a function of
    # ``known_loops`` was called again: stopped at once)
    status: str
    returncode: int | None
    harness_pid: int | None  # inside a sandbox, its pid in the run's own namespace (often 2)
    steps: list[Step]
    events: list[dict]
    stacks: dict[int, str]
    stdout: str
    stderr: str
    elapsed_s: float
    time_limit_s: float  # the course's; the run had ``cpu_wait_s`` more
    functions: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    calibration: dict | None = None
    left_alive: list[int] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # the function of each requested call
    limits: Limits = field(default_factory=Limits)
    breach: str | None = None  # "processes" or "memory" when the watchdog stopped the tree
    cpu_wait_s: float = 0.0  # added to the limit: the time the tree waited for a core (Linux)
    # The functions that stop the run if called, each with where it was seen looping before.
    known_loops: dict[str, dict[str, object]] = field(default_factory=dict)
    witness: Witness | None = None  # what the grader saw of the tree from outside
    fatal_errors: dict[int, str] = field(default_factory=dict)  # pid -> faulthandler's report
    malformed_events: int = 0  # records of the probe's files that are not what the probe writes
    # How the records came: sent to the grader, the kernel naming each one's sender and time
    # (``grader.run.record_channel``), or written in files the student's processes could write.
    records: str = RECORDS_IN_FILES
    disowned: list[tuple[int, int]] = field(default_factory=list)  # (pid claimed, sender's pid)
    oversized: list[str] = field(default_factory=list)  # files too large to be read in full
    containment: str = "process-tree"  # or "bubblewrap" (grader.run.sandbox)
    harness_ppid: int | None = None  # the harness's parent as the harness sees it
    # Which run of this grading it is (1, 2, …): what the report's checks and pictures name it by
    # (its harness pid may be the same for every run: 2, inside each run's sandbox).
    number: int = field(default_factory=lambda: next(_RUN_NUMBERS))
    # What the grader observed itself, in its own process (ex07's dialogue: ``grader.run.responder``):
    # events like the probe's, but never the student's word, so never checked against the kernel.
    grader_events: list[dict] = field(default_factory=list)

    def running_function(self) -> str | None:
        """The function whose call was under way when the run ended, if one was."""
        for step in self.steps:
            if step.status == "unfinished" and step.name.startswith("call-"):
                return self.calls[int(step.name.split("-")[1])]
        return None

    def step(self, name: str) -> Step | None:
        return next((step for step in self.steps if step.name == name), None)

    @property
    def module_step(self) -> Step | None:
        return self.step("import")

    def call(self, index: int) -> Step | None:
        return self.step(f"call-{index}")

    def events_of(self, kind: str) -> list[dict]:
        return [event for event in self.events + self.grader_events if event["ev"] == kind]

    def fatal(self) -> dict | None:
        fatal_events = self.events_of("fatal")
        return fatal_events[0] if fatal_events else None


def run_calls(submission: Path, module: str, calls: list[dict], *, time_limit_s: float,
              start_method: str, watch: Sequence[str] = (), functions: Sequence[str] = (),
              constants: Sequence[str] = (), inject: dict | None = None,
              replace: dict[str, str] | None = None, value_writes: bool = False,
              calibrate_pool: int | None = None, limits: Limits | None = None,
              known_loops: Mapping[str, dict[str, object]] | None = None, alone: bool = False) -> Run:
    """Import ``module`` from a copy of ``submission`` and make ``calls`` one after another
    (``alone``: with the cores to itself among the grader's work, ``grader.run.reservation``);
    ``replace`` puts the grader's own stand-ins (``mpgrade_probe.STAND_INS``) in place of some
    of the student's functions, in every process of the run; ``value_writes`` has each process
    count its writes of a shared ``Value`` (and those without its lock); a call of a function of
    ``known_loops`` (its keys), wherever it is made, stops the run at once (``known_loop``)."""
    with tempfile.TemporaryDirectory(prefix="mpgrade-") as folder:
        work = Path(folder)
        request = {"module": module, "calls": list(calls), "functions": list(functions),
                   "constants": list(constants), "calibrate_pool": calibrate_pool,
                   "out_dir": str(work / "out"), "result_path": str(work / "result.json")}
        (work / "out").mkdir()
        (work / "request.json").write_text(json.dumps(request), encoding="utf-8")
        command = [sys.executable, str(PROBE_DIR / "mpgrade_harness_main.py"), str(work / "request.json")]
        probe = {"module": module, "watch": list(watch), "inject": inject or {},
                 "replace": replace or {}, "value_writes": value_writes,
                 "start_method": start_method, "known_loops": sorted(known_loops or {})}
        # Created before the run's folder is given to the run's uid (``sandbox.give``).
        listening = responder.listen(work) if RESPONDER_STAND_IN in (replace or {}).values() else None
        if listening is not None:
            probe["responder_socket"] = str(listening.path)
        try:
            with reservation.for_run(alone):
                run = _run(submission, work, command, probe, time_limit_s, limits or Limits(),
                           expects_result=True)
        finally:
            ends = listening.close() if listening is not None else None
        if ends is not None:
            _take_the_graders_ends(run, ends)
        run.known_loops = dict(known_loops or {})
        run.calls = [requested["function"] for requested in calls]
        return run


def _take_the_graders_ends(run: Run, ends: list[dict]) -> None:
    """The dialogue's end as the grader saw it replaces the records: with the pipe handed over,
    the probe writes no ``responder_end``, so one in its files is forged, and refused (counted
    malformed: ``grader.run.witness`` then refutes the run)."""
    forged = [event for event in run.events if event["ev"] == "responder_end"]
    run.events = [event for event in run.events if event["ev"] != "responder_end"]
    run.malformed_events += len(forged)
    run.grader_events += ends


def run_script(submission: Path, module: str, *, time_limit_s: float, start_method: str,
               limits: Limits | None = None) -> Run:
    """Run ``python <module>.py`` as a student would, under ``start_method`` (its ``__main__`` is
    not instrumented: no known loop stops it)."""
    with tempfile.TemporaryDirectory(prefix="mpgrade-") as folder:
        work = Path(folder)
        command = [sys.executable, f"{module}.py"]
        probe: dict[str, Any] = {"module": None, "watch": [], "start_method": start_method}
        with reservation.for_run(alone=False):
            return _run(submission, work, command, probe, time_limit_s, limits or Limits(),
                        expects_result=False)


def _run(submission: Path, work: Path, command: list[str], probe: dict, time_limit_s: float,
         limits: Limits, *, expects_result: bool) -> Run:
    source = work / "src"
    _copy_submission(submission, source)
    observations = work / "obs"
    observations.mkdir()
    (work / "tmp").mkdir()
    probe["obs_dir"] = str(observations)
    sandboxed = sandbox.containment() == sandbox.BUBBLEWRAP
    channel = RecordChannel.open_in(observations, EVENTS_LIMIT, inner_pid if sandboxed else None)
    if channel is not None:
        probe["records_socket"] = str(channel.path)
    (work / "probe.json").write_text(json.dumps(probe), encoding="utf-8")
    own_uid = sandboxed and sandbox.run_uid() is not None
    # With a uid of its own, the kernel bounds the run's tasks too (RLIMIT_NPROC counts threads):
    # a backstop far above the watchdog's limit, which stays the verdict.
    process_limits = ProcessLimits(limits.cpu_s, limits.memory_mb, limits.file_mb,
                                   tasks=limits.processes * NPROC_PER_PROCESS if own_uid else None)
    if sandboxed:
        command = sandbox.wrap(command, work, source)
    shared = None if sandboxed or not LINUX else SharedFiles()  # a sandbox's /dev/shm is its own
    started = time.monotonic()
    with open(work / "stdout", "wb") as stdout, open(work / "stderr", "wb") as stderr:
        if sandboxed:
            sandbox.give(work)
        pids_before = last_pid()  # no process of the run can have a pid given out before this
        process = subprocess.Popen(command, cwd=source, env=_environment(work), stdin=subprocess.DEVNULL,
                                   stdout=stdout, stderr=stderr, **popen_options(process_limits))
        tree = Tree(process, started, TreeLimits(limits.processes, limits.memory_total_mb),
                    sandboxed=sandboxed, pids_before=pids_before)
        watch = _ResultWatch(work / "result.json", tree.witness) if expects_result else None
        status = _wait(process, tree, observations, started, time_limit_s, watch,
                       known_loops=bool(probe.get("known_loops")))
        if status == "timeout":
            tree.request_stacks()
            time.sleep(STACK_WAIT_S)
        tree.kill()
    received = channel.close() if channel is not None else None  # every sender is dead
    if shared is not None:
        shared.remove()
    elapsed = time.monotonic() - started
    if status == "finished" and expects_result and not (work / "result.json").exists():
        status = "crashed"  # the harness died before it could say anything
    attested = None if received is None else _attested(received, tree, sandboxed)
    run = _collect(work, status, process, elapsed, time_limit_s, [p.pid for p in tree.alive()],
                   limits, attested)
    run.breach = tree.breach if status == "limit" else None
    run.cpu_wait_s = granted_wait_s(tree, time_limit_s)
    # The probe names processes by their pid in the sandbox: so does the witness given to the checks.
    run.witness, run.harness_pid = tree.seen_inside()
    seen = run.witness.processes.get(run.harness_pid) if run.harness_pid is not None else None
    run.harness_ppid = seen.ppid if seen is not None else os.getpid()
    run.containment = sandbox.BUBBLEWRAP if sandboxed else sandbox.PROCESS_TREE
    if sandboxed:
        run.returncode = sandbox.exit_signal(run.returncode)
    return run


def _attested(received: Received, tree: Tree, sandboxed: bool) -> Attested:
    """The records the kernel delivered, each sender named as the probe names it: in the sandbox,
    its pid there (from the grader's polls, or read when its first record arrived)."""
    inner_of = None
    if sandboxed:
        inner_of = {pid: seen.inner_pid for pid, seen in tree.witness.processes.items()
                    if seen.inner_pid is not None} | received.inner_pids
    return attested_events(received, inner_of, _is_event)


def _copy_submission(submission: Path, destination: Path) -> None:
    """Copy the top-level Python files: the student's folder itself is never written to."""
    destination.mkdir()
    for path in submission.glob("*.py"):
        if path.is_file():
            shutil.copy2(path, destination / path.name)


def _environment(work: Path) -> dict:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PYTHON", "MPGRADE"))}
    environment.update(PYTHONPATH=str(PROBE_DIR), MPGRADE_PROBE=str(work / "probe.json"), HOME=str(work),
                       TMPDIR=str(work / "tmp"),  # the run's temporary files go with its folder
                       PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1",
                       PYTHONUTF8="1")
    return environment


def granted_wait_s(tree: Tree, time_limit_s: float) -> float:
    """The time added to the run's limit: the longest its processes waited for a free core (a busy
    machine's doing, which the kernel counts, not the submission's), at most half the limit."""
    return min(time_limit_s * WAIT_GRANTED_SHARE, tree.waited_s())


def _wait(process: subprocess.Popen, tree: Tree, observations: Path, started: float,
          time_limit_s: float, watch: _ResultWatch | None, known_loops: bool) -> str:
    while True:
        if process.poll() is not None:
            if watch:
                watch.check()  # the last step's result, written just before the harness left
            return "finished"
        if (observations / FATAL_MARKER).exists():
            time.sleep(POLL_S)  # let the probe finish writing what it saw
            return "aborted"
        if known_loops and (observations / KNOWN_LOOP_MARKER).exists():
            return "known_loop"
        beyond = time.monotonic() - started - time_limit_s
        if beyond >= 0 and beyond >= granted_wait_s(tree, time_limit_s):
            return "timeout"
        if tree.look():
            return "limit"  # the watchdog: beyond the processes or the memory allowed
        if watch:
            watch.check()
        try:  # a pause that ends when the harness exits (Popen polls it every few ms meanwhile)
            process.wait(timeout=POLL_S)
        except subprocess.TimeoutExpired:
            pass


class _ResultWatch:
    """When each step's result appeared in ``result.json``, by the grader's clock: the harness
    writes it after every step, so the step ended between the last look that did not find it and
    the first that did (``Witness.step_seen``). The student's clock cannot move that."""

    def __init__(self, path: Path, witness: Witness) -> None:
        self.path = path
        self.witness = witness
        self.signature: tuple[int, int, int] | None = None
        self.last_check = witness.started

    def check(self) -> None:
        now = time.monotonic()
        try:
            stat = os.stat(self.path)
        except OSError:
            self.last_check = now
            return
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if signature != self.signature and stat.st_size <= WATCHED_RESULT_LIMIT:
            self.signature = signature
            result = _read_json(self.path) or {}
            steps = result.get("steps") if isinstance(result, dict) else None
            seen_at = time.monotonic()
            for step in steps if isinstance(steps, list) else []:
                name = step.get("name") if isinstance(step, dict) else None
                if isinstance(name, str) and name not in self.witness.step_seen:
                    self.witness.step_seen[name] = (self.last_check, seen_at)
        self.last_check = now


def _collect(work: Path, status: str, process: subprocess.Popen, elapsed: float,
             time_limit_s: float, left_alive: list[int], limits: Limits,
             attested: Attested | None) -> Run:
    """The run as its files and the kernel's records show it (``attested``; None: the probe
    wrote its records in files)."""
    oversized: list[str] = []
    result = _read_json(work / "result.json", RESULT_LIMIT, oversized)
    if not isinstance(result, dict):
        result = {}
    output_limit = limits.output_kb * 1024
    steps = [_step(raw, work / "out", output_limit) for raw in result.get("steps", [])
             if _is_step(raw)]
    steps += _unfinished_step(work / "out", steps, output_limit)
    if attested is None:
        events, malformed = _read_events(work / "obs", oversized)
    else:
        events, malformed = _in_time_order(attested.events), attested.malformed
    return Run(status=status, returncode=process.returncode, harness_pid=process.pid,
               steps=steps, events=events, stacks=_read_stacks(work / "obs", "stack-*.txt"),
               stdout=read_output(work / "stdout", output_limit),
               stderr=read_output(work / "stderr", output_limit),
               elapsed_s=elapsed, time_limit_s=time_limit_s,
               functions=_mapping(result.get("functions")), constants=_mapping(result.get("constants")),
               calibration=result.get("calibration") if isinstance(result.get("calibration"), dict)
               else None, left_alive=left_alive, limits=limits,
               fatal_errors=_read_stacks(work / "obs", FATAL_ERRORS), malformed_events=malformed,
               records=RECORDS_IN_FILES if attested is None else RECORDS_ATTESTED,
               disowned=[] if attested is None else attested.disowned,
               oversized=oversized)


def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _is_step(raw: object) -> bool:
    """A step as the harness writes it (the student's process could write anything there)."""
    return (isinstance(raw, dict) and isinstance(raw.get("name"), str) and _is_step_name(raw["name"])
            and raw.get("status") in ("ok", "raised")
            and all(isinstance(raw.get(key), (int, float)) for key in ("t0", "t1")))


def _step(raw: dict, out_dir: Path, output_limit: int) -> Step:
    known = {key: raw[key] for key in ("name", "status", "t0", "t1", "value", "type", "error",
                                       "alive_after", "cpu") if key in raw}
    if "error" in known or known["status"] == "raised":  # a raised step always says what it raised
        known["error"] = _error(known.get("error"))
    if not isinstance(known.get("alive_after", []), list):
        known["alive_after"] = []
    return Step(**known, stdout=read_output(out_dir / f"{raw['name']}.out", output_limit),
                stderr=read_output(out_dir / f"{raw['name']}.err", output_limit))


def _error(raw: object) -> dict:
    """An exception as the harness describes it (``mpgrade_harness._describe``), whatever was
    written in its place: the fields the checks read, each of its type."""
    raw = raw if isinstance(raw, dict) else {"message": repr(raw)}
    where = raw.get("where")
    return {"type": str(raw.get("type", "?"))[:200], "message": str(raw.get("message", ""))[:2000],
            "traceback": str(raw.get("traceback", ""))[-6000:], "errno": raw.get("errno"),
            "where": where if isinstance(where, dict) else None}


def _unfinished_step(out_dir: Path, steps: list[Step], output_limit: int) -> list[Step]:
    """The step that was running when the run ended (its output files exist, its result does not).
    Only the harness's own step names count: the student's code may create other files there."""
    done = {step.name for step in steps}
    names = sorted({path.stem for path in out_dir.glob("*.out") if _is_step_name(path.stem)} - done,
                   key=lambda name: (name != "import", len(name), name))
    return [Step(name=name, status="unfinished", stdout=read_output(out_dir / f"{name}.out", output_limit),
                 stderr=read_output(out_dir / f"{name}.err", output_limit))
            for name in names[:UNFINISHED_LIMIT]]


def _is_step_name(name: str) -> bool:
    return name == "import" or (name.startswith("call-") and name[5:].isdigit())


# In place of the middle of an output too long to keep: the bytes left out and the limit in KiB,
# worded in the student's language where the report shows the output (``grader.report.model.worded_output``).
OMITTED_MARK = b"\n[mpgrade-omitted %d %d]\n"
OMITTED = re.compile(r"\[mpgrade-omitted (\d+) (\d+)\]")


def read_output(path: Path, limit: int = OUTPUT_LIMIT) -> str:
    """Text of an output file, undecodable bytes replaced, the middle dropped past ``limit``
    (``OMITTED_MARK`` says how much): at most ``limit`` bytes are ever read, whatever the file's
    size."""
    try:
        with open(path, "rb") as output:
            data = output.read(limit + 1)
            size = os.fstat(output.fileno()).st_size
            if size > limit:
                output.seek(size - limit // 2)
                tail = output.read(limit // 2)
                data = data[: limit // 2] + OMITTED_MARK % (size - limit, limit // 1024) + tail
    except OSError:
        return ""
    return data.decode("utf-8", "replace")


def _read_json(path: Path, limit: int = RESULT_LIMIT, oversized: list[str] | None = None) -> object:
    try:
        if path.stat().st_size > limit:
            if oversized is not None:
                oversized.append(path.name)
            return None
        return json.loads(path.read_bytes().decode("utf-8", "replace"))
    except (OSError, ValueError, RecursionError):
        return None


# What the probe writes for each kind of event (``mpgrade_probe``): a record that does not match
# was not written by the probe, and is dropped (``Run.malformed_events`` counts them).
_NUMBER = (int, float)
_EVENT_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "call": {"fn": str, "t0": _NUMBER, "t1": _NUMBER}, "enter": {"fn": str, "t0": _NUMBER},
    "start": {"child": int, "t": _NUMBER, "caller": str, "cls": str},
    "join": {"t": _NUMBER, "caller": str}, "terminate": {"t": _NUMBER, "caller": str},
    "kill": {"t": _NUMBER, "caller": str}, "boot": {"t": _NUMBER}, "exit": {"t": _NUMBER},
    "pool": {"op": str, "cls": str, "t": _NUMBER, "caller": str},
    "get": {"t0": _NUMBER, "t": _NUMBER, "caller": str}, "callback": {"t": _NUMBER},
    "fatal": {"reason": str}, "known_loop": {"fn": str, "t": _NUMBER},
    "responder_end": {"t": _NUMBER, "ended": str, "answered": int},  # the grader's responder (ex07)
}


def _is_event(event: object) -> bool:
    if not isinstance(event, dict) or type(event.get("pid")) is not int \
            or type(event.get("ev")) is not str:
        return False
    fields = _EVENT_FIELDS.get(event["ev"])
    if fields is None:
        return False
    return all(isinstance(event.get(name), kind) and not isinstance(event.get(name), bool)
               for name, kind in fields.items())


def _read_events(observations: Path, oversized: list[str]) -> tuple[list[dict], int]:
    """The probe's records, each process's in ``<pid>.jsonl``. Nothing can be hidden behind the
    reading limits: a file of another name, a record in a file not its process's, each file
    beyond the number or the bytes read are counted as malformed (and the run is refuted:
    ``grader.run.witness``), never silently skipped."""
    events, malformed, budget = [], 0, EVENTS_LIMIT
    paths = sorted(observations.glob("*.jsonl"))
    named = [path for path in paths if path.stem.isdigit() and str(int(path.stem)) == path.stem]
    malformed += len(paths) - len(named)
    malformed += max(0, len(named) - EVENT_FILES_LIMIT)
    for index, path in enumerate(named[:EVENT_FILES_LIMIT]):
        with open(path, "rb") as records:
            data = records.read(budget + 1)
        if len(data) > budget:
            oversized.append(path.name)
            malformed += len(named[:EVENT_FILES_LIMIT]) - index
            break
        budget -= len(data)
        owner = int(path.stem)
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                event = json.loads(line)
            except (ValueError, RecursionError):
                continue  # a line cut short by a kill
            if _is_event(event) and event["pid"] == owner:
                events.append(event)
            else:
                malformed += 1
    return _in_time_order(events), malformed


def _in_time_order(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda event: event.get("t", event.get("t0", 0.0)))


def _read_stacks(observations: Path, pattern: str) -> dict[int, str]:
    """Each process's stack dump (or crash report), at most ``STACK_LIMIT`` bytes of each."""
    stacks = {}
    for path in sorted(observations.glob(pattern))[:STACK_FILES_LIMIT]:
        pid = path.stem.split("-")[-1]
        if not pid.isdigit():
            continue
        with open(path, "rb") as dump:
            text = dump.read(STACK_LIMIT).decode("utf-8", "replace").strip()
        if text:
            stacks[int(pid)] = text
    return stacks
