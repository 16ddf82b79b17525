"""Operating-system process control: start a tree apart and limited, watch it, ask it where it is
stuck, end it.

Everything that depends on the platform lives here. On POSIX the harness starts in its own session
(so one ``killpg`` reaches every process that did not leave it), with resource limits set in the
child before it executes Python (``RLIMIT_CPU``, ``RLIMIT_AS``, ``RLIMIT_FSIZE``), and processes
dump their stacks on SIGUSR1. On Linux the grader is a child subreaper: a process that leaves its
session and loses its parent (a double-forked daemon) comes back to the grader instead of init, so
it is still found and killed; and a grader a cohort started gets SIGTERM when that cohort dies,
even by SIGKILL (``end_with_parent``). Limits the kernel does not enforce for root (the number of
processes) are enforced by ``Tree.look``, a watchdog called on every poll, which also counts the
tree's memory.

Windows has no process group kill, no SIGUSR1 and no ``resource`` module: the tree is walked with
psutil and killed process by process, limits other than the watchdog's are not applied
(``limits_note`` says so), and a hang is diagnosed from the output only (``STACKS_AVAILABLE``).
macOS accepts the limits but does not enforce ``RLIMIT_AS``, and has no subreaper.

``MPGRADE_PORTABLE=1`` (read here, once) makes this module take that path on Linux, so that the
suite can run it (``tests/checks/test_portable.py``): no subreaper, no parent-death signal, no ``/proc``
read of our own, no SIGUSR1 stack dump, no process-group kill, no resource limit: psutil only, as
on Windows. The harness still starts in a session of its own (``CREATE_NEW_PROCESS_GROUP``'s part on
Windows: a Ctrl-C in the student's terminal reaches the grader, which ends the tree itself).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import functools
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psutil

# The portable path (see above): what a platform without Linux's process controls does.
PORTABLE = os.environ.get("MPGRADE_PORTABLE", "") not in ("", "0")

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]  # None: no rlimits here (checked before each use)
if PORTABLE:
    resource = None  # type: ignore[assignment]

POSIX = os.name == "posix"
LINUX = sys.platform.startswith("linux") and not PORTABLE
GROUP_KILL = POSIX and not PORTABLE  # one killpg reaches every process still in the session
STACKS_AVAILABLE = hasattr(signal, "SIGUSR1") and not PORTABLE
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
MB = 1024 * 1024
KILL_ROUNDS = 20  # a tree still forking while it is killed needs a few rounds
KILL_PAUSE_S = 0.02
REAP_TIMEOUT_S = 2.0

# How a process ended, from its negative return code: the signal that killed it.
SIGNAL_NAMES = {-getattr(signal, name): name for name in
                ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT", "SIGKILL", "SIGTERM",
                 "SIGXCPU", "SIGXFSZ") if hasattr(signal, name)}


def become_subreaper() -> bool:
    """Linux: orphans of our descendants (double forks, dead parents) come back to us, so they are
    found, killed and reaped here instead of lingering under init. False elsewhere."""
    return LINUX and _prctl(PR_SET_CHILD_SUBREAPER, 1)


ENDS_WITH = "MPGRADE_ENDS_WITH"  # a grader subprocess's environment: the pid it ends with


def end_with_parent(parent_pid: int) -> bool:
    """Linux: this process gets SIGTERM when ``parent_pid`` (its parent) dies, even by SIGKILL, so
    a killed cohort leaves no grader running. At once if that parent is already gone. False
    elsewhere: there the grader finishes its submission, within its own limits, and exits."""
    if not (LINUX and _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)):
        return False
    if os.getppid() != parent_pid:  # died before the prctl: the signal would never come
        os.kill(os.getpid(), signal.SIGTERM)
    return True


def _prctl(option: int, value: int) -> bool:
    return _libc().prctl(option, value, 0, 0, 0) == 0


@functools.cache
def _libc() -> ctypes.CDLL:
    """The C library, found once per process (``find_library`` runs ``ldconfig``: a process each)."""
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


# -- limits the kernel enforces in each process ----------------------------------------------


@dataclass(frozen=True)
class ProcessLimits:
    """What each process of the tree may use (``grader.config.Limits`` gives the values)."""

    cpu_s: float
    memory_mb: int
    file_mb: int
    tasks: int | None = None  # RLIMIT_NPROC: only for a run under a uid of its own (grader.run.sandbox)


def limits_note() -> str | None:
    """Why some per-process limits are not applied on this platform (None: all are)."""
    if resource is None:
        return "resource limits unavailable on this platform: only the wall time and the watchdog apply"
    if sys.platform == "darwin":
        return "macOS does not enforce RLIMIT_AS: memory is bounded by the watchdog only"
    return None


def _set_limits(limits: ProcessLimits) -> None:
    """In the child, before it executes Python: soft and hard limits alike, so that a process cannot
    raise them again (unless it runs as root, see docs/security.md). A limit the platform refuses
    is skipped: the watchdog and the wall time still hold."""
    cpu = max(1, int(limits.cpu_s + 0.999))
    # SIGXCPU at the soft limit, SIGKILL one second later at the hard limit (SIGXCPU may be ignored).
    wanted = [("RLIMIT_CPU", cpu, cpu + 1), ("RLIMIT_AS", limits.memory_mb * MB, limits.memory_mb * MB),
              ("RLIMIT_FSIZE", limits.file_mb * MB, limits.file_mb * MB), ("RLIMIT_CORE", 0, 0)]
    if limits.tasks is not None:
        wanted.append(("RLIMIT_NPROC", limits.tasks, limits.tasks))
    for name, soft, hard in wanted:
        if hasattr(resource, name):
            try:
                resource.setrlimit(getattr(resource, name), (soft, hard))
            except (ValueError, OSError):
                pass


def popen_options(limits: ProcessLimits | None = None) -> dict:
    """Options for ``subprocess.Popen``: the harness heads its own process group, limited."""
    if not POSIX:
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]  # Windows
    options: dict = {"start_new_session": True}  # also on the portable path: see the module's doc
    if limits is not None and resource is not None:
        # Runs between fork and exec: only setrlimit calls, no locks, no allocation worth noting.
        options["preexec_fn"] = lambda: _set_limits(limits)
    return options


# -- what the grader saw of the tree, from outside ---------------------------------------------


@dataclass
class Seen:
    """One process of the tree as the kernel showed it to the grader (never as it said itself).

    Times are on the grader's ``time.monotonic()``, which is the probe's clock too
    (CLOCK_MONOTONIC): ``created`` is the kernel's start time of the process, converted.
    """

    pid: int
    ppid: int
    created: float
    first_seen: float
    last_seen: float
    gone_at: float | None = None  # first look that did not find it any more
    cpu_s: float = 0.0  # user + system time at the last look
    # Time it was ready to run but waited for a core, at the last look (Linux: the kernel's
    # run_delay); None where the system does not say. Running + waiting = the time it computed.
    waited_s: float | None = None
    adopted: bool = False  # came back to the grader as an orphan while the harness was running
    inner_pid: int | None = None  # its pid in the sandbox's PID namespace (NSpid), when sandboxed


@dataclass(frozen=True)
class Look:
    """One poll of the tree: when it began and ended, and which pids it found."""

    t0: float
    t1: float
    pids: frozenset
    # The last pid the kernel gave out in the run's PID namespace (the sandbox's, else the
    # machine's) by the end of this look: a pid above it did not exist yet. None: unknown.
    last_pid: int | None = None


@dataclass
class Witness:
    """Everything the grader saw of one harness run from outside: every process of the tree, each
    poll, and when the harness's result file changed. ``grader.run.witness`` compares it with what the
    probe says."""

    started: float
    ended: float | None = None
    processes: dict[int, Seen] = field(default_factory=dict)
    looks: list[Look] = field(default_factory=list)
    step_seen: dict[str, tuple[float, float]] = field(default_factory=dict)  # step -> (absent, present)
    reused: set[int] = field(default_factory=set)  # pids that named two processes in this run
    first_pid: int | None = None  # the namespace's last pid given out before the run began
    peak_processes: int = 0
    peak_memory_mb: float = 0.0


@dataclass(frozen=True)
class TreeLimits:
    """What the watchdog enforces on the whole tree at each look."""

    processes: int
    memory_total_mb: int


def _ppid_map() -> dict[int, int]:
    """{pid: ppid} of every process, in one pass over /proc where psutil offers it."""
    # psutil's private platform module (not in its type stubs): ppid_map where it exists.
    fast = getattr(psutil._psplatform, "ppid_map", None) if LINUX else None  # type: ignore[attr-defined]
    if fast is not None:
        try:
            return fast()
        except psutil.Error:
            pass
    return {process.pid: process.info["ppid"] for process in psutil.process_iter(["ppid"])}


class Tree:
    """The processes of one harness run, remembered from every look so that none is forgotten.

    One tree at a time per grader process: an orphan that comes back to the grader while the tree
    runs is taken as one of its own (the grader starts nothing else meanwhile).
    """

    def __init__(self, root: subprocess.Popen, started: float, limits: TreeLimits | None = None,
                 sandboxed: bool = False, pids_before: int | None = None) -> None:
        become_subreaper()
        self.root = root
        self.limits = limits
        # Sandboxed (grader.run.sandbox): root is bwrap, its child the namespace's init (pid 1 inside),
        # which starts the harness and then adopts the orphans of the run.
        self.sandboxed = sandboxed
        self.init: int | None = None
        self.harness: int | None = None
        self.me = os.getpid()
        self.processes: dict[int, psutil.Process] = {}
        # ``pids_before``: the machine's pid counter read before the root was started (last_pid()).
        self.pids_before = pids_before
        self.witness = Witness(started=started, first_pid=0 if sandboxed else pids_before)
        self._others = self._children_of_me() - {root.pid}  # ours before the tree: never touched
        self._offset: float | None = None  # kernel start time minus monotonic time, from the root
        self.breach: str | None = None
        self.look()

    def _children_of_me(self) -> set[int]:
        try:
            return {child.pid for child in psutil.Process(self.me).children()}
        except psutil.Error:
            return set()

    def look(self) -> str | None:
        """Note every process of the tree now (a descendant may outlive its parent, an orphan may
        come back to us); return ``"processes"`` or ``"memory"`` when the tree is beyond its
        limits (the watchdog), else None."""
        t0 = time.monotonic()
        parents = _ppid_map()
        # Read after the map: if the harness still runs now, every orphan in the map lost its
        # parent while it ran (not merely because the harness itself has just exited).
        if self.sandboxed and self.harness is None:
            self._find_harness(parents)
        # Sandboxed, bwrap outlives the harness for a moment: the harness itself must be running.
        harness = self.harness if self.sandboxed else self.root.pid
        harness_running = (self.root.returncode is None and harness is not None
                           and _running(self.processes.get(harness)))
        found = self._walk(parents)
        for pid in found:
            if pid not in self.processes or self._reused(pid):
                self._note(pid, parents.get(pid, 0), t0, harness_running)
        t1 = time.monotonic()
        self._update(found, t0, t1)
        if harness_running:  # a process already known may lose its parent later
            adopter = self.init if self.sandboxed else self.me
            for pid in found:
                seen = self.witness.processes.get(pid)
                if (seen is not None and parents.get(pid) == adopter
                        and pid not in (self.root.pid, self.harness)):
                    seen.adopted = True
        return self._judge(found)

    def _find_harness(self, parents: dict[int, int]) -> None:
        """Sandboxed: bwrap's child is the namespace's init, whose first child (the lowest pid
        inside) is the harness; later children of init are orphans of the run."""
        if self.init is None:
            self.init = next((pid for pid, ppid in parents.items() if ppid == self.root.pid), None)
        if self.init is not None:
            named = ((inner_pid(pid), pid) for pid, ppid in parents.items() if ppid == self.init)
            inside = [(inner, pid) for inner, pid in named if inner is not None]  # not one being reaped
            if inside:
                self.harness = min(inside)[1]

    def _walk(self, parents: dict[int, int]) -> set[int]:
        children: dict[int, list[int]] = {}
        for pid, ppid in parents.items():
            children.setdefault(ppid, []).append(pid)
        tops = [self.root.pid] + [pid for pid in children.get(self.me, [])
                                  if pid != self.root.pid and pid not in self._others]
        found, stack = set(), [pid for pid in tops if pid in parents]
        while stack:
            pid = stack.pop()
            if pid not in found:
                found.add(pid)
                stack.extend(children.get(pid, []))
        return found

    def _reused(self, pid: int) -> bool:
        """A pid that had gone and is back: the same process missed once (it was changing parent),
        or a new process that got the same pid, which is remembered as such."""
        if self.witness.processes[pid].gone_at is None or self.processes[pid].is_running():
            return False
        self.witness.reused.add(pid)
        return True

    def _note(self, pid: int, ppid: int, now: float, harness_running: bool) -> None:
        try:
            process = psutil.Process(pid)
            created = process.create_time()
        except psutil.Error:
            return
        if self._offset is None and pid == self.root.pid:
            self._offset = created - self.witness.started
        offset = self._offset if self._offset is not None else time.time() - time.monotonic()
        adopted = ppid == self.me and pid != self.root.pid and harness_running
        inner = None
        if self.sandboxed:
            inner = inner_pid(pid)
            adopted = ppid == self.init and pid != self.harness and harness_running
        self.processes[pid] = process
        self.witness.processes[pid] = Seen(pid, ppid, created - offset, now, now, adopted=adopted,
                                           inner_pid=inner)

    def _update(self, found: set[int], t0: float, t1: float) -> None:
        witness = self.witness
        last = last_pid()
        if self.sandboxed and last is not None and self.pids_before is not None:
            # Every task of the sandbox takes a pid there and one in the machine's namespace:
            # the sandbox cannot have given out more pids than the machine did since it began.
            last = last - self.pids_before if last >= self.pids_before else None
        witness.looks.append(Look(t0, t1, frozenset(found), last))
        for pid, seen in witness.processes.items():
            if pid in found:
                seen.last_seen, seen.gone_at = t0, None
            elif seen.gone_at is None:
                seen.gone_at = t0

    def _judge(self, found: set[int]) -> str | None:
        witness = self.witness
        witness.peak_processes = max(witness.peak_processes, len(found))
        if self.limits and len(found) > self.limits.processes:
            self.breach = self.breach or "processes"
            return self.breach  # no time to read each process: kill first
        memory = 0
        for pid in found:
            process = self.processes.get(pid)
            if process is None:
                continue
            try:
                with process.oneshot():
                    times = process.cpu_times()
                    memory += process.memory_info().rss
            except psutil.Error:
                continue
            witness.processes[pid].cpu_s = times.user + times.system
            witness.processes[pid].waited_s = _run_delay_s(pid)
        witness.peak_memory_mb = max(witness.peak_memory_mb, memory / MB)
        if self.limits and memory > self.limits.memory_total_mb * MB:
            self.breach = self.breach or "memory"
        return self.breach

    def waited_s(self) -> float:
        """The longest any process of the tree has waited for a free core, as the kernel counted
        it at the last looks (0 where the system does not say): what a busy machine took from the
        run, and nothing a sleeping (deadlocked) process accrues. The longest, not the sum: a tree
        with more busy processes than cores makes them wait for each other, which is no reason to
        give it more time."""
        return max((seen.waited_s or 0.0 for seen in self.witness.processes.values()), default=0.0)

    def alive(self) -> list[psutil.Process]:
        """The remembered processes still running: any of whose threads runs (a zombie leader
        whose other threads run is alive; a zombie with none only awaits its parent)."""
        return [process for process in self.processes.values() if _running(process)]

    def request_stacks(self) -> None:
        """Ask every process to write where each of its threads is (the probe answers SIGUSR1)."""
        if not STACKS_AVAILABLE:
            return
        for process in self.alive():
            if self.sandboxed and process.pid in (self.root.pid, self.init):
                continue  # bwrap's own processes: the signal would end the sandbox at once
            try:
                process.send_signal(signal.SIGUSR1)
            except psutil.Error:
                pass

    def kill(self) -> None:
        """SIGKILL the whole tree: the process group, then every process ever seen, again until
        none is left (a tree may still be forking), then reap what came back to us."""
        if GROUP_KILL:
            try:
                os.killpg(self.root.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for _ in range(KILL_ROUNDS):
            self.look()
            # Every process ever seen, whatever its state: a leader that looks like a zombie may
            # still have threads running, and SIGKILL to its pid ends them all.
            _kill_all(self.processes.values())
            if not self.alive():
                break
            time.sleep(KILL_PAUSE_S)
        self.witness.ended = time.monotonic()
        try:  # through Popen, which keeps the return code (psutil would reap it first)
            self.root.wait(timeout=REAP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            print(f"mpgrade: process {self.root.pid} survived SIGKILL", file=sys.stderr)
        others = [process for pid, process in self.processes.items() if pid != self.root.pid]
        psutil.wait_procs(others, timeout=REAP_TIMEOUT_S)
        _reap(set(self.processes) - {self.root.pid})


    def seen_inside(self) -> tuple[Witness, int | None]:
        """What the grader saw, named as the sandboxed processes name themselves (their pid in the
        sandbox's PID namespace, which is what the probe records), and the harness's pid there.
        bwrap's own two processes are left out: they are not the submission's."""
        if not self.sandboxed:
            return self.witness, self.root.pid
        outer = self.witness
        inside = {pid: seen.inner_pid for pid, seen in outer.processes.items()
                  if seen.inner_pid is not None and pid not in (self.root.pid, self.init)}
        witness = Witness(outer.started, outer.ended, step_seen=outer.step_seen,
                          peak_processes=outer.peak_processes, peak_memory_mb=outer.peak_memory_mb,
                          first_pid=outer.first_pid)
        for pid, inner in inside.items():
            seen = outer.processes[pid]
            witness.processes[inner] = dataclasses.replace(
                seen, pid=inner, ppid=inside.get(seen.ppid, 1 if seen.ppid == self.init else 0),
                inner_pid=inner)
        witness.looks = [Look(look.t0, look.t1, frozenset(inside[pid] for pid in look.pids if pid in inside),
                              look.last_pid) for look in outer.looks]
        # Two processes of the run with one pid inside: the second is a reuse, as outside.
        counted: dict[int, int] = {}
        for inner in inside.values():
            counted[inner] = counted.get(inner, 0) + 1
        witness.reused = {inner for inner, count in counted.items() if count > 1}
        witness.reused |= {inside[pid] for pid in outer.reused if pid in inside}
        return witness, inside.get(self.harness) if self.harness is not None else None


def last_pid() -> int | None:
    """Linux: the last pid the kernel gave out in the grader's PID namespace (pids go up until
    they wrap around at ``pid_max``). None elsewhere."""
    if not LINUX:
        return None
    try:
        with open("/proc/sys/kernel/ns_last_pid", "rb") as last:
            return int(last.read())
    except (OSError, ValueError):
        return None


def inner_pid(pid: int) -> int | None:
    """Linux: the pid of ``pid`` in the sandbox's PID namespace (the number of ``NSpid`` in
    ``/proc/<pid>/status`` one level below the grader's own), or None when it is in the grader's
    own namespace or cannot be told: gone, or being reaped as the file is read (the kernel then
    writes 0 for every number: its pid is already detached). Not the innermost number: a run may
    nest PID namespaces of its own (unprivileged user namespaces are allowed in the sandbox), in
    which several processes have pid 1; at the sandbox's level each has a name of its own."""
    level = _sandbox_level()
    if level is None:
        return None
    numbers = _nspid(pid)
    inner = numbers[level] if len(numbers) > level else 0
    return inner or None


def _nspid(pid: int | str) -> list[int]:
    """The numbers of ``NSpid`` (the pid in each PID namespace, the machine's first), or []."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"NSpid:"):
                    return [int(number) for number in line.split()[1:]]
    except (OSError, ValueError):
        pass
    return []


def _sandbox_level() -> int | None:
    """Where a sandboxed process's pid sits in its ``NSpid``: one past the grader's own numbers
    (the grader may itself run in a container's namespace). None where nothing tells; read again
    then, next time (a failed read, out of descriptors, must not last for the whole grading)."""
    global _SANDBOX_LEVEL
    if _SANDBOX_LEVEL is None:
        own = _nspid("self")
        _SANDBOX_LEVEL = len(own) if own else None
    return _SANDBOX_LEVEL


_SANDBOX_LEVEL: int | None = None  # read once it could be


class SharedFiles:
    """What a run left in the machine's shared memory (``/dev/shm``: the semaphores and shared
    memory of ``multiprocessing``, or a file a submission filled there), which outlives its
    processes and escapes the watchdog. Outside a sandbox (whose ``/tmp`` and ``/dev/shm`` are its
    own), the regular files that appeared there during the run, belong to the grader's user and no
    living process holds open or mapped are removed after the run: another grader's run beside
    this one keeps the files it uses. (The run's ``TMPDIR`` is in its own folder, removed with it.)"""

    # Not /tmp: other programs of the user leave files there between two of their steps (the run's
    # TMPDIR is its own folder instead). Files only: a folder may be another run's.
    FOLDERS = ("/dev/shm",)

    def __init__(self) -> None:
        self.started = time.time()
        self.before = {folder: _names(folder) for folder in self.FOLDERS}

    def remove(self) -> list[str]:
        uid = os.geteuid() if hasattr(os, "geteuid") else None
        candidates = []
        for folder in self.FOLDERS:
            for name in _names(folder) - self.before[folder]:
                path = os.path.join(folder, name)
                try:
                    status = os.lstat(path)
                except OSError:
                    continue
                if (stat.S_ISREG(status.st_mode) and status.st_uid == uid
                        and status.st_ctime >= self.started - 1):
                    candidates.append(path)
        if not candidates:
            return []
        held = _held_files()
        removed = []
        for path in candidates:
            try:
                status = os.stat(path)
            except OSError:
                continue
            if (status.st_dev, status.st_ino) in held:
                continue
            try:
                os.unlink(path)
                removed.append(path)
            except OSError:
                pass
        return removed


def _names(folder: str) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def _held_files() -> set[tuple[int, int]]:
    """Linux: every file (device, inode) some process has open or mapped (what it may still need).
    By inode, not by path: glibc's sem_open maps a temporary file that it then links under the
    semaphore's name, so /proc/<pid>/maps names the temporary file, never ``sem.mp-…`` — a
    path-based test removed the semaphores of every other grading running beside this one."""
    held: set[tuple[int, int]] = set()
    for pid in _names("/proc"):
        if not pid.isdigit():
            continue
        for fd in _names(f"/proc/{pid}/fd"):
            try:
                status = os.stat(f"/proc/{pid}/fd/{fd}")
                held.add((status.st_dev, status.st_ino))
            except OSError:
                pass
        try:
            with open(f"/proc/{pid}/maps", "rb") as maps:
                for line in maps:
                    parts = line.split(None, 5)
                    if len(parts) >= 5 and parts[4] != b"0":
                        major, minor = (int(part, 16) for part in parts[3].split(b":"))
                        held.add((os.makedev(major, minor), int(parts[4])))
        except (OSError, ValueError):
            pass
    return held


def kill_group(root: subprocess.Popen) -> None:
    """SIGKILL the process group ``root`` heads (started with ``start_new_session``); where there
    are no process groups (Windows), ``root`` and every process below it."""
    if not GROUP_KILL:
        end_tree(root)
        return
    try:
        os.killpg(root.pid, signal.SIGKILL)
    except OSError:  # the group is already gone
        root.kill()
    root.wait()


def end_tree(root: subprocess.Popen) -> None:
    """SIGKILL ``root`` and every process below it: a grader subprocess that overran its time."""
    try:
        below = psutil.Process(root.pid).children(recursive=True)
    except psutil.Error:
        below = []
    root.kill()
    for process in below:
        try:
            process.kill()
        except psutil.Error:
            pass
    root.wait()
    psutil.wait_procs(below, timeout=REAP_TIMEOUT_S)


def _reap(pids: set[int]) -> None:
    """Collect the zombies among ``pids`` that became our children (orphans of the tree): only
    those, never another child of the grader."""
    if not POSIX:
        return
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


class Leftovers:
    """What a grader process leaves behind: every descendant started after this object was made.

    ``python -m grader check`` runs pytest under one: if a submission kills the pytest process,
    the student's processes come back here (a subreaper) and ``end`` kills them. Where there is
    no subreaper (macOS, Windows, the portable path), a thread remembers the descendants every
    ``WATCH_S`` while they still hang below this process, and ``end`` kills those too: a process
    orphaned after it was seen once is not lost."""

    WATCH_S = 0.1

    def __init__(self) -> None:
        self.me = os.getpid()
        try:
            self._before = {child.pid for child in psutil.Process(self.me).children()}
        except psutil.Error:
            self._before = set()
        self._seen: dict[int, psutil.Process] = {}
        self._stop = threading.Event()
        self._watch = None
        if not become_subreaper():
            self._watch = threading.Thread(target=self._remember, name="mpgrade-leftovers",
                                           daemon=True)
            self._watch.start()

    def _remember(self) -> None:
        while not self._stop.wait(self.WATCH_S):
            self._note()

    def _note(self) -> None:
        try:
            children = [child for child in psutil.Process(self.me).children()
                        if child.pid not in self._before]
        except psutil.Error:
            return
        for process in children + [below for child in children for below in _descendants(child)]:
            self._seen.setdefault(process.pid, process)

    def end(self) -> list[int]:
        """SIGKILL every descendant that appeared since; return their pids."""
        ended: list[int] = []
        if self._watch is not None:
            self._stop.set()
            self._watch.join()
            self._note()
            remembered = [process for process in self._seen.values() if _running(process)]
            for process in remembered:  # psutil checks the start time: a reused pid is never hit
                try:
                    process.kill()
                    ended.append(process.pid)
                except psutil.Error:
                    pass
            psutil.wait_procs(remembered, timeout=REAP_TIMEOUT_S)
        for _ in range(KILL_ROUNDS):
            try:
                children = [child for child in psutil.Process(self.me).children()
                            if child.pid not in self._before]
            except psutil.Error:
                children = []
            found = children + [below for child in children for below in _descendants(child)]
            running = [process for process in found if _running(process)]
            ended += [process.pid for process in running]
            _kill_all(found)  # whatever their state: a zombie leader's threads may run on
            # A child hands its own children to this subreaper only once it has fully exited: reap
            # it, or they would go to init after this process has gone, alive and unseen.
            gone, _ = psutil.wait_procs(children, timeout=REAP_TIMEOUT_S)
            if not running and not gone:
                break
            psutil.wait_procs([process for process in running if process not in children],
                              timeout=REAP_TIMEOUT_S)
        _reap(set(ended))
        return sorted(set(ended))


def _run_delay_s(pid: int) -> float | None:
    """How long ``pid`` has waited on a run queue, ready to run (``/proc/<pid>/schedstat``, Linux):
    on a busy machine a computing process waits there, while a sleeping one does not."""
    if not LINUX:
        return None
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stats:
            return int(stats.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def _kill_all(processes) -> None:
    for process in processes:
        try:
            process.kill()  # psutil checks the start time: a reused pid is never hit
        except psutil.Error:
            pass


def _running(process: psutil.Process | None) -> bool:
    """Whether any thread of ``process`` runs. A process is dead only when none does: a leader
    whose main thread exited shows as a zombie while its other threads run on (Linux lists them in
    ``/proc/<pid>/task``)."""
    if process is None:
        return True  # not looked at yet: the harness has just been started
    try:
        if not process.is_running():
            return False
        if process.status() != psutil.STATUS_ZOMBIE:
            return True
    except psutil.Error:
        return False
    return LINUX and _threads_running(process.pid)


def _threads_running(pid: int) -> bool:
    """Linux: whether a thread of ``pid`` is in another state than zombie or dead."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat", "rb") as record:
                if record.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X"):
                    return True
        except (OSError, IndexError):
            continue
    return False
