"""The grader's side of a harness run: a copy of the submission, a time limit, the tree ended.

``run_calls`` and ``run_script`` start the student's code in a fresh interpreter that carries the
probe (``grader/probe``), in a temporary copy of the submission, and return a ``Run``: what each
step returned or raised, what it printed, and every event the probe recorded in every process.
Whatever the code does, the tree is killed before this returns; at the time limit, each process is
first asked where it is stuck.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.process_tree import Tree, popen_options

PROBE_DIR = Path(__file__).parent / "probe"
FATAL_MARKER = "FATAL"  # written by the probe; see mpgrade_probe.FATAL_MARKER
POLL_S = 0.05
STACK_WAIT_S = 0.5
OUTPUT_LIMIT = 200_000  # characters kept of each output file, head and tail


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

    status: str  # "finished", "timeout", "aborted" (the probe raised a fatal event), "crashed"
    returncode: int | None
    harness_pid: int | None
    steps: list[Step]
    events: list[dict]
    stacks: dict[int, str]
    stdout: str
    stderr: str
    elapsed_s: float
    time_limit_s: float
    functions: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    calibration: dict | None = None
    left_alive: list[int] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # the function of each requested call

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
        return [event for event in self.events if event["ev"] == kind]

    def fatal(self) -> dict | None:
        fatal_events = self.events_of("fatal")
        return fatal_events[0] if fatal_events else None


def run_calls(submission: Path, module: str, calls: list[dict], *, time_limit_s: float,
              start_method: str, watch: list[str] = (), functions: list[str] = (),
              constants: list[str] = (), inject: dict | None = None,
              calibrate_pool: int | None = None) -> Run:
    """Import ``module`` from a copy of ``submission`` and make ``calls`` one after another."""
    with tempfile.TemporaryDirectory(prefix="mpgrade-") as work:
        work = Path(work)
        request = {"module": module, "calls": list(calls), "functions": list(functions),
                   "constants": list(constants), "calibrate_pool": calibrate_pool,
                   "out_dir": str(work / "out"), "result_path": str(work / "result.json")}
        (work / "out").mkdir()
        (work / "request.json").write_text(json.dumps(request), encoding="utf-8")
        command = [sys.executable, str(PROBE_DIR / "mpgrade_harness.py"), str(work / "request.json")]
        probe = {"module": module, "watch": list(watch), "inject": inject or {},
                 "start_method": start_method}
        run = _run(submission, work, command, probe, time_limit_s, expects_result=True)
        run.calls = [requested["function"] for requested in calls]
        return run


def run_script(submission: Path, module: str, *, time_limit_s: float, start_method: str) -> Run:
    """Run ``python <module>.py`` as a student would, under ``start_method``."""
    with tempfile.TemporaryDirectory(prefix="mpgrade-") as work:
        work = Path(work)
        command = [sys.executable, f"{module}.py"]
        probe = {"module": None, "watch": [], "start_method": start_method}
        return _run(submission, work, command, probe, time_limit_s, expects_result=False)


def _run(submission: Path, work: Path, command: list[str], probe: dict, time_limit_s: float, *,
         expects_result: bool) -> Run:
    source = work / "src"
    _copy_submission(submission, source)
    observations = work / "obs"
    observations.mkdir()
    probe["obs_dir"] = str(observations)
    (work / "probe.json").write_text(json.dumps(probe), encoding="utf-8")
    started = time.monotonic()
    with open(work / "stdout", "wb") as stdout, open(work / "stderr", "wb") as stderr:
        process = subprocess.Popen(command, cwd=source, env=_environment(work), stdin=subprocess.DEVNULL,
                                   stdout=stdout, stderr=stderr, **popen_options())
        tree = Tree(process)
        status = _wait(process, tree, observations, started + time_limit_s)
        if status == "timeout":
            tree.request_stacks()
            time.sleep(STACK_WAIT_S)
        tree.kill()
    elapsed = time.monotonic() - started
    if status == "finished" and expects_result and not (work / "result.json").exists():
        status = "crashed"  # the harness died before it could say anything
    return _collect(work, status, process, elapsed, time_limit_s, [p.pid for p in tree.alive()])


def _copy_submission(submission: Path, destination: Path) -> None:
    """Copy the top-level Python files: the student's folder itself is never written to."""
    destination.mkdir()
    for path in submission.glob("*.py"):
        if path.is_file():
            shutil.copy2(path, destination / path.name)


def _environment(work: Path) -> dict:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PYTHON", "MPGRADE"))}
    environment.update(PYTHONPATH=str(PROBE_DIR), MPGRADE_PROBE=str(work / "probe.json"),
                       PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1",
                       PYTHONUTF8="1")
    return environment


def _wait(process: subprocess.Popen, tree: Tree, observations: Path, deadline: float) -> str:
    while True:
        if process.poll() is not None:
            return "finished"
        if (observations / FATAL_MARKER).exists():
            time.sleep(POLL_S)  # let the probe finish writing what it saw
            return "aborted"
        if time.monotonic() >= deadline:
            return "timeout"
        tree.look()
        time.sleep(POLL_S)


def _collect(work: Path, status: str, process: subprocess.Popen, elapsed: float,
             time_limit_s: float, left_alive: list[int]) -> Run:
    result = _read_json(work / "result.json") or {}
    returncode = process.returncode
    steps = [_step(raw, work / "out") for raw in result.get("steps", [])]
    steps += _unfinished_step(work / "out", steps)
    return Run(status=status, returncode=returncode, harness_pid=process.pid,
               steps=steps, events=_read_events(work / "obs"), stacks=_read_stacks(work / "obs"),
               stdout=read_output(work / "stdout"), stderr=read_output(work / "stderr"),
               elapsed_s=elapsed, time_limit_s=time_limit_s, functions=result.get("functions", {}),
               constants=result.get("constants", {}), calibration=result.get("calibration"),
               left_alive=left_alive)


def _step(raw: dict, out_dir: Path) -> Step:
    known = {key: raw[key] for key in ("name", "status", "t0", "t1", "value", "type", "error",
                                       "alive_after", "cpu") if key in raw}
    return Step(**known, stdout=read_output(out_dir / f"{raw['name']}.out"),
                stderr=read_output(out_dir / f"{raw['name']}.err"))


def _unfinished_step(out_dir: Path, steps: list[Step]) -> list[Step]:
    """The step that was running when the run ended (its output files exist, its result does not)."""
    done = {step.name for step in steps}
    names = sorted({path.stem for path in out_dir.glob("*.out")} - done,
                   key=lambda name: (name != "import", len(name), name))
    return [Step(name=name, status="unfinished", stdout=read_output(out_dir / f"{name}.out"),
                 stderr=read_output(out_dir / f"{name}.err")) for name in names]


def read_output(path: Path, limit: int = OUTPUT_LIMIT) -> str:
    """Text of an output file, undecodable bytes replaced, the middle dropped past ``limit``."""
    try:
        with open(path, "rb") as output:
            data = output.read(limit + 1)
            size = os.fstat(output.fileno()).st_size
            if size > limit:
                output.seek(size - limit // 2)
                tail = output.read()
                data = data[: limit // 2] + b"\n[... %d octets omis ...]\n" % (size - limit) + tail
    except FileNotFoundError:
        return ""
    return data.decode("utf-8", "replace")


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _read_events(observations: Path) -> list[dict]:
    events = []
    for path in observations.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                pass  # a line cut short by a kill
    return sorted(events, key=lambda event: event.get("t", event.get("t0", 0.0)))


def _read_stacks(observations: Path) -> dict[int, str]:
    stacks = {}
    for path in observations.glob("stack-*.txt"):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if text:
            stacks[int(path.stem.split("-")[1])] = text
    return stacks
