"""The harness: the student's side of one grading run, started by ``grader.run.harness``.

``python mpgrade_harness_main.py REQUEST.json`` imports the student's module (instrumented by the probe,
which ``sitecustomize`` installed), runs the requested calls one after another and writes what it saw
to ``result.json`` after each step, so that a run killed at its time limit still tells how far it got.
Each step's output goes to its own files (``<step>.out`` / ``<step>.err``), inherited by the child
processes started during that step. Standard library only (``psutil`` when it is there).
"""
import importlib
import inspect
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.sharedctypes
import os
import sys
import time
import traceback

import mpgrade_probe
from mpgrade_tasks import after_barrier, cpu_loop, unlocked_increments

_sleep = time.sleep  # bound before the student's module is imported

# Bound before the student's module is imported: code that replaces os.getpid or os.times (to
# fool the grader) must not break the harness's own bookkeeping.
_HARNESS_PID = os.getpid()
_times = os.times
_WORKDIR = os.getcwd()
_PROBE_DIR = os.path.dirname(os.path.abspath(__file__))
# Never the student's frames: this module and its command's script.
_HARNESS_FILES = {os.path.abspath(__file__), os.path.join(_PROBE_DIR, "mpgrade_harness_main.py")}
# psutil too, before the submission's folder is on sys.path: a psutil.py the submission leaves
# there is never the one the harness counts children with (tests/hostile/psutil_ombre.py).
try:
    import psutil as _psutil
    _Process, _PsError = _psutil.Process, _psutil.Error
except ImportError:
    _psutil = None  # type: ignore[assignment]  # counted without it


def main(request_path):
    with open(request_path, encoding="utf-8") as request_file:
        request = json.load(request_file)
    # The copy of the submission, after the probe's folder: the children started with spawn or
    # forkserver get this path, and import the grader's work there by name (``mpgrade_tasks``), which
    # a file the submission writes beside itself must not replace.
    sys.path.insert(sys.path.index(_PROBE_DIR) + 1 if _PROBE_DIR in sys.path else 0, _WORKDIR)
    result = {"harness_pid": _HARNESS_PID, "steps": []}
    save = _saver(request["result_path"], result)
    if request.get("calibrate_pool"):
        result["calibration"] = _calibrate_pool(request["calibrate_pool"])
    module_step = _step(request, "import", lambda: importlib.import_module(request["module"]))
    result["steps"].append(module_step)
    save()
    module = module_step.pop("module", None)
    if module is None:
        return
    result["functions"] = {name: _parameters(module, name) for name in request.get("functions", [])}
    result["constants"] = {name: _json_value(getattr(module, name, None))
                           for name in request.get("constants", [])}
    save()
    objects = SharedObjects(module)
    for index, call in enumerate(request.get("calls", [])):
        function = objects.function(call["function"])
        own = not call["function"].startswith("@")  # the student's function gets handles of its own
        args = [objects.resolve(arg, own) for arg in call.get("args", [])]
        kwargs = {key: objects.resolve(value, own) for key, value in call.get("kwargs", {}).items()}
        step = _step(request, f"call-{index}", lambda: function(*args, **kwargs))  # noqa: B023 (called at once)
        step.pop("module", None)
        result["steps"].append(step)
        save()
    _wait_for_children()


def _wait_for_children():
    """Wait for the processes the student left running, as Python does when a script ends
    (``multiprocessing.util._exit_function``): they may still record what they do."""
    for child in multiprocessing.active_children():
        if not child.daemon:
            child.join()


def _step(request, name, action):
    """Run ``action`` with its own output files; report its value or exception and what it left."""
    out_dir = request["out_dir"]
    _redirect_output(os.path.join(out_dir, name))
    step = {"name": name, "t0": mpgrade_probe.now()}
    times_before = _times()
    try:
        value = action()
    except BaseException as exc:  # the student's code may raise anything, SystemExit included
        step.update(status="raised", error=_describe(exc))
    else:
        if name == "import":
            step.update(status="ok", module=value)
        else:
            step.update(status="ok", value=_json_value(value), type=type(value).__name__)
    step["t1"] = mpgrade_probe.now()
    step["cpu"] = _cpu_seconds(times_before, _times())
    sys.stdout.flush()
    sys.stderr.flush()
    step["alive_after"] = _children_alive()
    return step


def _cpu_seconds(before, after):
    """CPU time the operating system accounted during a step: this process, and its children
    that ended and were waited for (a pool's workers are, when it is closed)."""
    return {"self": (after.user - before.user) + (after.system - before.system),
            "children": (after.children_user - before.children_user)
            + (after.children_system - before.children_system)}


def _own_handle(queue):
    """A handle of its own on the grader's ``queue``, as a child process gets: the same pipe (its
    ends duplicated) and locks, its own feeder thread. What the student's function does to it —
    ``close()`` and ``join_thread()`` close its ends — leaves the grader's end readable. Where the
    ends cannot be duplicated so (Windows), the grader's queue itself."""
    if sys.platform == "win32":
        return queue
    try:
        handle = type(queue).__new__(type(queue))
        handle.__setstate__((queue._ignore_epipe, queue._maxsize,
                             multiprocessing.connection.Connection(os.dup(queue._reader.fileno()),
                                                                   writable=False),
                             multiprocessing.connection.Connection(os.dup(queue._writer.fileno()),
                                                                   readable=False),
                             queue._rlock, queue._wlock, queue._sem, queue._opid))
    except (AttributeError, TypeError, ValueError, OSError):  # another version's Queue
        return queue
    return handle


class SharedObjects:
    """What the grader's calls refer to by name, created here in the student's main process.

    In a call's arguments, ``{"$queue": name}``, ``{"$value": [name, typecode, initial]}``,
    ``{"$array": [name, typecode, size]}``, ``{"$pipe": [name, 0 or 1]}`` and
    ``{"$callback": name}`` stand for a ``Queue``, ``Value``, ``Array``, one end of a ``Pipe``, or a
    function that only records when it is called. Functions named ``@…`` are the harness's own
    tools (``@start``, ``@alive``, ``@join``, ``@put``, ``@take``, ``@drain``, ``@value``,
    ``@dialogue``, ``@together``, ``@race``), the others the student's.
    """

    def __init__(self, module):
        self.module = module
        self.objects = {}
        self.processes = {}

    def function(self, name):
        if name.startswith("@"):
            return getattr(self, "tool_" + name[1:])
        return getattr(self.module, name)

    def resolve(self, value, own_handles=False):
        if isinstance(value, list):
            return [self.resolve(item, own_handles) for item in value]
        if not (isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("$")):
            return value
        kind, spec = next(iter(value.items()))
        name = spec if isinstance(spec, str) else spec[0]
        if (kind, name) not in self.objects:
            self.objects[(kind, name)] = self._create(kind, spec)
        made = self.objects[(kind, name)]
        if kind == "$queue" and own_handles:
            return _own_handle(made)
        return made[spec[1]] if kind == "$pipe" else made

    def _create(self, kind, spec):
        if kind == "$queue":
            return multiprocessing.Queue()
        if kind == "$value":
            return multiprocessing.Value(spec[1], spec[2])
        if kind == "$array":
            return multiprocessing.Array(spec[1], spec[2])
        if kind == "$pipe":
            return multiprocessing.Pipe()
        if kind == "$callback":
            return _Callback(spec)
        raise ValueError(f"unknown shared object {kind}")

    def tool_start(self, handle, function, *args):
        """Start the student's ``function`` in a child process, without waiting for it."""
        process = multiprocessing.Process(target=getattr(self.module, function), args=args)
        process.start()
        for arg in args:  # the child has its end of a pipe now: ours must not keep it open
            if isinstance(arg, multiprocessing.connection.Connection):
                arg.close()
        self.processes[handle] = process
        return process.pid

    def tool_join(self, handle, timeout):
        """Wait at most ``timeout`` seconds; say whether the process ended and how."""
        process = self.processes[handle]
        started = mpgrade_probe.now()
        process.join(timeout)
        alive = process.is_alive()
        waited = mpgrade_probe.now() - started
        if alive:  # it would keep the run alive until its time limit: the verdict is known
            process.kill()
            process.join()
        return {"exitcode": None if alive else process.exitcode, "alive": alive, "pid": process.pid,
                "waited_s": waited}

    def tool_alive(self, handle, after_s):
        """After ``after_s`` seconds, whether the process still runs (it may be waiting), and how
        it ended otherwise."""
        _sleep(after_s)
        process = self.processes[handle]
        return {"alive": process.is_alive(), "exitcode": process.exitcode}

    def tool_put(self, queue, *items):
        for item in items:
            queue.put(item)

    def tool_take(self, queue, count, timeout):
        """Up to ``count`` items, each awaited at most ``timeout`` seconds."""
        import queue as queues
        taken = []
        try:
            for _ in range(count):
                taken.append(queue.get(timeout=timeout))
        except queues.Empty:
            pass
        return taken

    def tool_drain(self, queue, timeout):
        """Every item that arrives until the queue stays empty for ``timeout`` seconds."""
        return self.tool_take(queue, 10**9, timeout)

    def tool_value(self, shared):
        return list(shared) if isinstance(shared, multiprocessing.sharedctypes.SynchronizedArray) \
            else shared.value

    def tool_dialogue(self, connection, messages, timeout):
        """Send each message and wait for its answer; then ``None``; then watch for more."""
        answers = []
        for message in messages:
            try:
                connection.send(message)
                if not connection.poll(timeout):
                    return {"answers": answers, "stuck_at": message, "after_none": []}
                answers.append(connection.recv())
            except (EOFError, OSError):  # the other side died or closed its end
                return {"answers": answers, "stuck_at": message, "after_none": ["<EOF>"]}
        try:
            connection.send(None)
        except OSError:
            return {"answers": answers, "stuck_at": None, "after_none": ["<EOF>"]}
        after = []
        try:
            while connection.poll(timeout):
                after.append(connection.recv())
        except (EOFError, OSError):
            after.append("<EOF>")
        return {"answers": answers, "stuck_at": None, "after_none": after}

    def tool_calibrate_cpu(self, sizes, workers):
        """What this machine can show now: the grader's own CPU work, one after another, then in a
        Pool of ``workers`` processes (start-up included, as for the student's version)."""
        started = mpgrade_probe.now()
        for size in sizes:
            cpu_loop(size)
        sequential = mpgrade_probe.now() - started
        started = mpgrade_probe.now()
        with multiprocessing.Pool(workers) as pool:
            pool.map(cpu_loop, sizes, chunksize=1)
        in_pool = mpgrade_probe.now() - started
        return {"sequential_s": sequential, "pool_s": in_pool, "speedup": sequential / in_pool}

    def tool_race(self, count, counter, times):
        """The grader's own unlocked increments in ``count`` processes released at once on
        ``counter``, as ``@together`` runs the student's: the value it ends with (below
        ``count × times``: a race was possible on this machine at this moment)."""
        barrier = multiprocessing.Barrier(count)
        processes = [multiprocessing.Process(target=unlocked_increments,
                                             args=(barrier, counter, times))
                     for _ in range(count)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        return counter.value

    def tool_together(self, function, count, *args):
        """Run the student's ``function(*args)`` in ``count`` processes released at once by a
        barrier, so that their accesses really overlap; their exit codes."""
        barrier = multiprocessing.Barrier(count)
        processes = [multiprocessing.Process(target=after_barrier,
                                             args=(barrier, self.module.__name__, function, args))
                     for _ in range(count)]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        return [process.exitcode for process in processes]


class _Callback:
    """A function the student's code is given; it only records when it is called."""

    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        mpgrade_probe.record("callback", name=self.name, t=mpgrade_probe.now())


def _redirect_output(prefix):
    sys.stdout.flush()
    sys.stderr.flush()
    for fd, suffix in ((1, ".out"), (2, ".err")):
        target = os.open(prefix + suffix, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)


def _describe(exc):
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(frame.filename) not in _HARNESS_FILES
              and "importlib" not in frame.filename]
    text = "".join(traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc))
    student_frames = [frame for frame in frames if os.path.dirname(os.path.abspath(frame.filename))
                      == _WORKDIR]
    where = student_frames[-1] if student_frames else None
    described = {"type": type(exc).__name__, "message": str(exc)[:2000], "traceback": text[-6000:],
                 "where": {"file": os.path.basename(where.filename), "line": where.lineno,
                           "function": where.name} if where else None}
    if isinstance(exc, SyntaxError):
        described["where"] = {"file": os.path.basename(exc.filename or ""), "line": exc.lineno,
                              "function": None}
    if isinstance(exc, SystemExit):
        described["message"] = repr(exc.code)
    if isinstance(exc, OSError):
        described["errno"] = exc.errno  # EFBIG: the file size limit, EPERM: a signal refused…
    return described


def _json_value(value):
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return {"__repr__": repr(value)[:2000]}


def _parameters(module, name):
    function = getattr(module, name, None)
    if not callable(function):
        return None
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return []
    stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return [[stars.get(parameter.kind, "") + parameter.name, parameter.default is inspect.Parameter.empty
             and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)]
            for parameter in parameters]


def _children_alive():
    """Child processes still there (zombies included), except multiprocessing's own helpers."""
    tracker = getattr(sys.modules.get("multiprocessing.resource_tracker"), "_resource_tracker", None)
    forkserver = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    helpers = {getattr(tracker, "_pid", None), getattr(forkserver, "_forkserver_pid", None)}
    if _psutil is None:
        return [{"pid": child.pid, "status": "?"} for child in multiprocessing.active_children()]
    alive = []
    try:
        children = _Process(_HARNESS_PID).children(recursive=True)
    except _PsError:
        return alive
    for child in children:
        try:
            if child.pid not in helpers and child.ppid() not in helpers:
                alive.append({"pid": child.pid, "status": child.status()})
        except _PsError:
            pass
    return alive


def _calibrate_pool(processes):
    """Time an empty Pool of this size on this machine, now: the grader's start-up allowance."""
    t0 = mpgrade_probe.now()
    with multiprocessing.Pool(processes) as pool:
        pool.map(abs, range(processes), chunksize=1)
    return {"processes": processes, "startup_s": mpgrade_probe.now() - t0}


def _saver(path, result):
    def save():
        temporary = path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as result_file:
            json.dump(result, result_file, default=repr)
        os.replace(temporary, path)

    return save


def run(request_path):
    """The whole harness process (``mpgrade_harness_main.py``): ``main``, then leave at once."""
    harness_stderr = os.dup(2)
    exit_code = 0
    try:
        main(request_path)
    except BaseException:  # a failure of the harness itself, for the grader's log
        os.dup2(harness_stderr, 2)
        traceback.print_exc()
        exit_code = 3
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        # Leave at once: a student's non-daemon thread or unclosed pool must not keep us alive.
        os._exit(exit_code)
