"""The probe: what every process of a graded submission records about itself.

Installed by ``sitecustomize`` from the configuration file named in ``MPGRADE_PROBE``, before any
student code runs. It only uses the standard library (it runs under the student's interpreter).

Each process sends its records as JSON datagrams to the grader's socket (``records_socket``, on
Linux: ``grader.run.record_channel``), or else appends them as JSON lines to ``<obs_dir>/<pid>.jsonl``:

- ``call``: a watched task function ran (``fn``, ``t0``, ``t1``, ``error``); ``enter`` when it began;
- ``start`` / ``join`` / ``terminate`` / ``kill``: a ``multiprocessing`` process was started or ended
  by its parent (``child``, ``caller`` = module that called, ``exitcode`` after a join);
- ``boot`` / ``exit``: a child process began and finished its target (``exitcode``; with the
  config's ``value_writes``, ``writes``: how many times the student's code wrote a shared
  ``Value``'s ``.value``, and how many of those writes did not hold the Value's own lock);
- ``pool``: a ``Pool`` method was called by the student's code (``op``, ``cls``, ``processes``);
- ``get``: the student's code waited for or looked at an ``AsyncResult`` (``op``: ``get``,
  ``wait``, ``ready`` or ``successful``; ``t0`` when it began, ``t`` when it returned);
- ``fatal``: something the grader must stop at once (a process started while the module was being
  imported: the missing ``__main__`` guard).

Clocks and ``getpid`` are bound here, before student code can replace them. On POSIX, SIGUSR1 makes
every process dump the stack of each of its threads to ``<obs_dir>/stack-<pid>.txt``; a crash
(segmentation fault, abort) writes the same to ``<obs_dir>/fatal-<pid>.txt``.
"""
import _socket  # the C module: no start-up cost for the student's processes
import functools
import importlib.abc
import json
import os
import sys
import threading
import time
import types

_monotonic = time.monotonic
_getpid = os.getpid
_get_ident = threading.get_ident
_write = os.write
_open = os.open
_sleep = time.sleep
_dumps = json.dumps

FATAL_MARKER = "FATAL"  # the harness stops the run as soon as this file appears
KNOWN_LOOP_MARKER = "KNOWN_LOOP"  # likewise, when a function that never ended before is called
_config: dict = {}
_local = threading.local()
_importing_student_module: list = []
_stack_file = None
_fatal_file = None
_value_writes = {"total": 0, "unlocked": 0}  # this process's writes of a Value by the student's code
_writes_installed = False  # whether those writes are observed in this run (``value_writes``)
_records_socket = None  # this process's end of the grader's socket, once it has sent a record


def install(config_path):
    """Read the harness's configuration and instrument this process."""
    with open(config_path, encoding="utf-8") as config_file:
        _config.update(json.load(config_file))
    _set_default_start_method(_config.get("start_method"))
    _instrument_multiprocessing()
    sys.meta_path.insert(0, _StudentModuleFinder())
    _register_stack_dump()
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_register_stack_dump)


def now():
    """The probe's clock, shared by every process of the machine (CLOCK_MONOTONIC)."""
    return _monotonic()


def record(event, **fields):
    """Send one event to the grader (Linux: a datagram, whose sender and moment the kernel tells
    the grader), or append it to this process's own file (one write: lines never interleave)."""
    fields.update(ev=event, pid=_getpid())
    line = (_dumps(fields, default=repr) + "\n").encode("utf-8", "replace")
    if _config.get("records_socket"):
        _send(line)
        return
    path = os.path.join(_config["obs_dir"], f"{_getpid()}.jsonl")
    fd = _open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        _write(fd, line)
    finally:
        os.close(fd)


def _send(datagram):
    """One record to the grader's socket. A forked child shares its parent's socket, which is
    right: the kernel names the process that sends, not the one that opened it. Once the grader
    has stopped listening (the run is over), records have nobody to go to."""
    global _records_socket
    try:
        if _records_socket is None:
            _records_socket = _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM)
        _records_socket.sendto(datagram, _config["records_socket"])
    except OSError:
        pass


def _set_default_start_method(method):
    """Make ``method`` the default, while leaving the student free to call ``set_start_method``."""
    if not method:
        return
    import multiprocessing.context as context

    context._default_context._default_context = context._concrete_contexts[method]


# -- the student's module: wrap the watched functions when it is imported ---------------------


class _StudentModuleFinder(importlib.abc.MetaPathFinder):
    """Finds the student's module with the normal finders, then instruments it once executed."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _config.get("module"):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _InstrumentingLoader(spec.loader)
                return spec
        return None


class _InstrumentingLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        _importing_student_module.append(module.__name__)
        try:
            self._loader.exec_module(module)
        finally:
            _importing_student_module.pop()
        instrument_module(module)


def instrument_module(module):
    """Make each watched function of ``module`` record its calls, however it is referred to.

    The function object itself is made to record (its code is swapped for a trampoline to a
    recording wrapper of a copy of it): an alias, a default argument or a ``functools.partial``
    taken at import, or a decorator's closure, all reach it, and it still pickles by its name.
    A callable that is not a plain function is replaced in the module by a wrapper instead.
    First, the functions the run's ``replace`` names are made to run the grader's stand-ins, and
    those its ``known_loops`` names to stop the run as soon as they are called."""
    stand_ins = {name: STAND_INS[stand_in] for name, stand_in in _config.get("replace", {}).items()}
    stand_ins.update({name: _stopping_the_run(name) for name in _config.get("known_loops", [])
                      if name not in stand_ins})  # the grader's own stand-ins never stop a run
    for name, stand_in in stand_ins.items():
        function = getattr(module, name, None)
        if isinstance(function, types.FunctionType):
            _run_instead(function, stand_in)
        elif callable(function):  # a decorated callable object: the module's name, at least
            setattr(module, name, stand_in)
    for name in _config.get("watch", []):
        function = getattr(module, name, None)
        if not callable(function) or getattr(function, "_mpgrade_watched", False):
            continue
        if isinstance(function, types.FunctionType):
            _record_in_place(function, name)
        else:
            setattr(module, name, _watched(function, name))


def _record_in_place(function, name):
    """Turn ``function`` into a trampoline to the recording wrapper of a copy of its own code."""
    original = types.FunctionType(function.__code__, function.__globals__, function.__name__,
                                  function.__defaults__, function.__closure__)
    original.__kwdefaults__ = function.__kwdefaults__
    original.__dict__.update(function.__dict__)
    original.__qualname__ = function.__qualname__
    original.__doc__ = function.__doc__
    original.__annotations__ = function.__annotations__
    _run_instead(function, _watched(original, name))
    function.__wrapped__ = original  # inspect.signature shows the student's parameters
    function._mpgrade_watched = True


def _run_instead(function, stand_in):
    """Make ``function`` run ``stand_in`` instead (its code becomes the trampoline): every
    reference to the function reaches it, and it still pickles by its name, so a spawned child,
    which instruments its own import, swaps it too."""
    function.__code__ = _trampoline_code(len(function.__code__.co_freevars))
    function.__defaults__ = None
    function.__kwdefaults__ = {"_mpgrade_wrapper": stand_in}


RESPONDER_PATIENCE_S = 3  # beyond the course's wait for an answer (ex07's attente_s: 2)


def _grader_responder(*args, **kwargs):
    """The grader's end of ex07's pipe, in place of the student's ``repondeur``. Where the grader
    listens on a socket (``responder_socket``: ``grader.run.responder``), the pipe is handed over
    and the grader holds the dialogue in its own process, out of reach of a patched
    ``Connection``; elsewhere (Windows, the portable path) it is held here (degraded)."""
    connection = args[0] if args else next(iter(kwargs.values()))
    socket_path = _config.get("responder_socket")
    if socket_path:
        _hand_over(connection, socket_path)
    else:
        _respond_here(connection)


def _hand_over(connection, socket_path):
    """Pass the pipe's file descriptor to the grader (``SCM_RIGHTS``) with this process's pid,
    then wait until the grader closes the socket: the dialogue is over, this child may end."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as grader:
        grader.connect(socket_path)
        socket.send_fds(grader, [str(_getpid()).encode("ascii")], [connection.fileno()])
        connection.close()  # the grader holds the pipe now: the parent sees EOF when it closes it
        while grader.recv(64):
            pass


def _respond_here(connection):
    """« pong i » for each « ping i »; then it records what ended the dialogue — the ``None`` the
    course asks for, the other end closed (``eof``), or nothing more for ``RESPONDER_PATIENCE_S``
    (``silence``). The student's code can patch what this relies on: the degraded path only."""
    answered, ended = 0, "silence"
    try:
        while connection.poll(RESPONDER_PATIENCE_S):
            message = connection.recv()
            if message is None:
                ended = "none"
                break
            connection.send("pong " + str(message).rsplit(" ", 1)[-1])
            answered += 1
    except (EOFError, OSError):
        ended = "eof"
    record("responder_end", t=now(), ended=ended, answered=answered)
    connection.close()


def _stopping_the_run(name):
    """The stand-in of a function that, in an earlier run of this grading, was still running its
    own code at the time limit: called again, it says so and waits to be stopped, at once rather
    than after another full limit."""
    def stand_in(*args, **kwargs):
        record("known_loop", fn=name, t=now())
        os.close(_open(os.path.join(_config["obs_dir"], KNOWN_LOOP_MARKER), os.O_WRONLY | os.O_CREAT))
        while True:
            _sleep(60)

    return stand_in


# The grader's own functions a run may put in place of the student's (the config's ``replace``).
STAND_INS = {"repondeur_du_correcteur": _grader_responder}

_TRAMPOLINES: dict = {}


def _trampoline_code(free_variables):
    """The code of ``f(*args, **kwargs) -> _mpgrade_wrapper(*args, **kwargs)``, with as many free
    variables as the function it replaces has cells (never read: ``__code__`` must match them)."""
    if free_variables not in _TRAMPOLINES:
        names = [f"_mpgrade_cell{index}" for index in range(free_variables)]
        source = "".join(f"    {cell} = None\n" for cell in names) + (
            "    def trampoline(*args, _mpgrade_wrapper=None, **kwargs):\n"
            f"        if _mpgrade_wrapper is None:\n            return ({', '.join(['None'] + names)},)\n"
            "        return _mpgrade_wrapper(*args, **kwargs)\n    return trampoline\n")
        namespace = {}
        exec("def outer():\n" + source, namespace)
        _TRAMPOLINES[free_variables] = namespace["outer"]().__code__
    return _TRAMPOLINES[free_variables]


def _first_parameter(function):
    """The name of ``function``'s first parameter (through decorators that keep ``__wrapped__``)."""
    try:
        import inspect

        return next(iter(inspect.signature(function).parameters), None)
    except (TypeError, ValueError):
        return None


def _watched(function, name):
    injected = _config.get("inject", {}).get(name)
    first_parameter = _first_parameter(function) if injected else None

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        t0 = now()
        shown = _shown_arguments(args)
        shown_kwargs = dict(zip(kwargs, _shown_arguments(list(kwargs.values()))))
        record("enter", fn=name, t0=t0, tid=_get_ident(), args=shown, kwargs=shown_kwargs)
        error = None
        try:
            first = args[0] if args else kwargs.get(first_parameter)
            if injected and first == injected["when_first_arg"]:
                raise SystemExit(injected["exit_code"])
            return function(*args, **kwargs)
        except BaseException as exc:
            error = type(exc).__name__
            raise
        finally:
            record("call", fn=name, t0=t0, t1=now(), error=error, tid=_get_ident(),
                   args=shown, kwargs=shown_kwargs)

    wrapper._mpgrade_watched = True
    return wrapper


def _shown_arguments(args):
    """Arguments small enough to record as they are; others by their type's name."""
    return [arg if isinstance(arg, (int, float, bool, type(None))) or (
        isinstance(arg, str) and len(arg) < 100) else type(arg).__name__ for arg in args[:6]]


# -- multiprocessing: who starts, joins and ends which process ---------------------------------


def _caller_module(depth=2, skip_multiprocessing=False):
    """Name of the module that called (``multiprocessing.pool`` for a Pool's own workers)."""
    frame = sys._getframe(depth)
    while frame is not None and (frame.f_globals.get("__name__") == __name__ or (
            skip_multiprocessing and frame.f_globals.get("__name__", "").startswith("multiprocessing"))):
        frame = frame.f_back
    return frame.f_globals.get("__name__", "?") if frame is not None else "?"


def _instrument_multiprocessing():
    import multiprocessing.pool
    import multiprocessing.process

    process_class = multiprocessing.process.BaseProcess
    process_class.start = _wrap_start(process_class.start)
    process_class._bootstrap = _wrap_bootstrap(process_class._bootstrap)
    for name in ("join", "terminate", "kill"):
        setattr(process_class, name, _wrap_ending(name, getattr(process_class, name)))
    pool_class = multiprocessing.pool.Pool
    pool_class.__init__ = _wrap_pool_init(pool_class.__init__)
    for name in ("map", "starmap", "imap", "imap_unordered", "map_async", "starmap_async",
                 "apply", "apply_async", "close", "terminate", "join", "__exit__"):
        setattr(pool_class, name, _wrap_pool_method(name, getattr(pool_class, name)))
    result_class = multiprocessing.pool.ApplyResult  # MapResult inherits it
    for name in ("get", "wait", "ready", "successful"):
        setattr(result_class, name, _wrap_result_wait(getattr(result_class, name)))
    if _config.get("value_writes"):
        _instrument_value_writes()


def _instrument_value_writes():
    """Count the student's writes of a shared ``Value`` (``compteur.value = …``, ``+=``) and those
    made without holding the Value's own lock (ex08: « chaque incrément se fait sous le verrou du
    compteur »). Only the property's setter is wrapped: a read, or the lock the setter takes
    inside ``multiprocessing``, costs nothing more. Where this cannot be installed the probe
    records no ``writes`` at all (the check then judges by the count alone)."""
    global _writes_installed
    try:
        import multiprocessing.sharedctypes

        synchronized = multiprocessing.sharedctypes.Synchronized
        value = synchronized.value
        setter = value.fset

        def counted_setter(self, new_value):
            if sys._getframe(1).f_globals.get("__name__") == _config.get("module"):
                _value_writes["total"] += 1
                if not _holds(self._lock):
                    _value_writes["unlocked"] += 1
            setter(self, new_value)

        synchronized.value = property(value.fget, counted_setter, value.fdel, value.__doc__)
        _writes_installed = True
    except Exception:  # another interpreter's multiprocessing: grade without this observation
        pass


def _holds(lock):
    """Whether this thread holds ``lock`` (a ``multiprocessing`` lock: its semaphore knows); a lock
    of another kind is given the benefit of the doubt, and never breaks the student's write."""
    try:
        return lock._semlock._is_mine()
    except Exception:
        return True


def _writes_seen():
    return {"writes": dict(_value_writes)} if _writes_installed else {}


def _starting_during_import(process):
    """True when a process is started by a module's top level, which the guard should prevent."""
    import multiprocessing

    return bool(_importing_student_module) or getattr(
        multiprocessing.current_process(), "_inheriting", False)


def _wrap_start(start):
    @functools.wraps(start)
    def wrapper(self):
        caller = _caller_module()
        if _starting_during_import(self):
            record("fatal", reason="start_during_import", caller=caller, cls=type(self).__name__,
                   line=_student_line())
            open(os.path.join(_config["obs_dir"], FATAL_MARKER), "a").close()
            raise RuntimeError(
                "mpgrade : un processus est lancé pendant l'import du module "
                "(il manque la garde if __name__ == '__main__':)")
        target = getattr(getattr(self, "_target", None), "__name__", None)  # start() deletes it
        result = start(self)
        record("start", child=self.pid, caller=caller, cls=type(self).__name__, t=now(), target=target)
        return result

    return wrapper


def _student_line():
    """The first frame outside multiprocessing and the probe: where the student started a process."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module != __name__ and not module.startswith("multiprocessing"):
            return {"file": os.path.basename(frame.f_code.co_filename), "line": frame.f_lineno}
        frame = frame.f_back
    return None


def _wrap_bootstrap(bootstrap):
    @functools.wraps(bootstrap)
    def wrapper(self, *args, **kwargs):
        _value_writes.update(total=0, unlocked=0)  # a forked child starts from its parent's counts
        record("boot", t=now(), parent=os.getppid())
        exitcode = None
        try:
            exitcode = bootstrap(self, *args, **kwargs)
            return exitcode
        finally:
            record("exit", t=now(), exitcode=exitcode, **_writes_seen())

    return wrapper


def _wrap_ending(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        caller = _caller_module()
        # terminate() or kill() stops a process only if it is still running (not once joined)
        running = name == "join" or getattr(self, "_popen", None) is None or self.exitcode is None
        result = method(self, *args, **kwargs)
        record(name, child=self.pid, caller=caller, exitcode=self.exitcode, t=now(), running=running)
        return result

    return wrapper


def _wrap_pool_init(init):
    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        init(self, *args, **kwargs)
        import multiprocessing.pool

        record("pool", op="create", cls=type(self).__name__, pool=id(self),
               threads=isinstance(self, multiprocessing.pool.ThreadPool),  # a subclass is still one
               processes=self._processes, caller=_caller_module(skip_multiprocessing=True), t=now())

    return wrapper


def _wrap_pool_method(name, method):
    """Record a Pool method called by the student's code (not by the Pool itself)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        depth = getattr(_local, "pool_depth", 0)
        if depth == 0:
            function = args[0] if args and callable(args[0]) else None
            record("pool", op=name, cls=type(self).__name__, pool=id(self), t=now(),
                   func=getattr(function, "__name__", None), caller=_caller_module())
        _local.pool_depth = depth + 1
        try:
            return method(self, *args, **kwargs)
        finally:
            _local.pool_depth = depth

    return wrapper


def _wrap_result_wait(method):
    """Record when the student's code waits for, or looks at, an asynchronous result
    (``AsyncResult.get``, ``wait``, ``ready``, ``successful``): the outermost call only (``get``
    waits through ``wait``), as a ``get`` event with the method's name in ``op``."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if getattr(_local, "in_result", False):
            return method(self, *args, **kwargs)
        caller = _caller_module()
        t0 = now()
        _local.in_result = True
        try:
            return method(self, *args, **kwargs)
        finally:
            _local.in_result = False
            if getattr(_local, "pool_depth", 0) == 0:
                record("get", op=method.__name__, t0=t0, t=now(), caller=caller,
                       cls=type(self).__name__)

    return wrapper


# -- where a process is stuck ----------------------------------------------------------------


def _register_stack_dump():
    """Where this process is, on demand (SIGUSR1) and when it crashes (a segmentation fault, an
    abort): faulthandler writes the stack of each thread to this process's own files."""
    global _stack_file, _fatal_file
    import faulthandler
    import signal

    _fatal_file = open(os.path.join(_config["obs_dir"], f"fatal-{_getpid()}.txt"), "w",
                       encoding="utf-8")
    faulthandler.enable(file=_fatal_file, all_threads=True)
    if not hasattr(signal, "SIGUSR1"):
        return
    path = os.path.join(_config["obs_dir"], f"stack-{_getpid()}.txt")
    _stack_file = open(path, "w", encoding="utf-8")
    faulthandler.register(signal.SIGUSR1, file=_stack_file, all_threads=True)
