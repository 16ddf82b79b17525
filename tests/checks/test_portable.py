"""The portable path: with ``MPGRADE_PORTABLE=1`` the grader runs on Linux as on a platform without
Linux's process controls (no subreaper, no parent-death signal, no /proc of our own, no SIGUSR1
stack dump, no process-group kill, no resource limit: psutil only, see ``grader/run/process_tree.py``).

The hostile cases of ``tests/hostile/`` and the hangs of ``test_hangs`` are graded that way: still
contained (within the time, no process left), still diagnosed; a hang is located from the probe's
records instead of stack dumps. Where the diagnosis differs because a limit is missing, the case's
``portable:`` entry in ``tests/hostile/expectations.yaml`` says what is expected instead, and why;
where processes escape (orphans of ``os.fork`` that leave the session: no subreaper catches them),
its ``escapes`` says why, the test ends them and reports an expected failure (xfail).
"""
from __future__ import annotations

import os
import subprocess
import sys

import psutil
import pytest

import hangs
import hostile_cases as hostile
from conftest import ROOT

PORTABLE = {"MPGRADE_PORTABLE": "1"}
NOTE = "resource limits unavailable on this platform"  # process_tree.limits_note(), on stderr


@pytest.fixture(autouse=True)
def portable(monkeypatch):
    """Every grading of this module takes the portable path (the environment reaches pytest)."""
    monkeypatch.setenv("MPGRADE_PORTABLE", "1")


def test_the_switch_turns_off_every_linux_process_control():
    code = ("import os; from grader.run import process_tree as p; "
            "print(p.PORTABLE, p.LINUX, p.GROUP_KILL, p.STACKS_AVAILABLE, p.resource is None, "
            "p.become_subreaper(), p.end_with_parent(os.getppid()), "
            "'start_new_session' in p.popen_options(), "
            "'preexec_fn' in p.popen_options(p.ProcessLimits(1, 1, 1)))")
    portable = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, **PORTABLE), check=True)
    assert portable.stdout.split() == ["True", "False", "False", "False", "True", "False", "False",
                                       "True", "False"]
    native = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, MPGRADE_PORTABLE="0"), check=True)
    if sys.platform.startswith("linux"):  # the same code, Linux's controls on: the switch did it
        assert native.stdout.split()[:6] == ["False", "True", "True", "True", "False", "True"]


@pytest.mark.parametrize("case", sorted(hostile.SPEC["cases"]))
def test_a_hostile_submission_is_contained_without_linux_controls(tmp_path, hostile_course, case,  # noqa: F811 (fixture)
                                                                  tracked_processes):
    spec = hostile.SPEC["cases"][case]
    portable = spec.get("portable", {})
    expectations = dict(spec["expect"], **portable.get("expect", {}))
    escapes = portable.get("escapes")
    if portable.get("undefended"):  # a defence that needs Linux: say which, do not pretend
        pytest.xfail(portable["undefended"])
    graded = hostile.assert_contained_and_diagnosed(tmp_path, hostile_course, case,
                                                    tracked_processes, expectations,
                                                    contained=not escapes)
    assert NOTE in graded.stderr  # the grader did take the portable path
    if escapes:  # a known gap of the platform (the case's `escapes` says why): clean up, say so
        left = _end(tracked_processes())
        if left:
            pytest.xfail(f"{len(left)} processes escaped: {escapes}")


def _end(pids: set[int]) -> set[int]:
    """Kill what a case left behind (psutil checks each pid is still the process found)."""
    processes = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            process.kill()
            processes.append(process)
        except psutil.Error:
            pass
    psutil.wait_procs(processes, timeout=5)
    return pids


@pytest.mark.parametrize("exercise_id, hanging_check, stuck_in", hangs.HANGS)
def test_a_hang_is_located_from_the_records_without_stack_dumps(tmp_path, short_course, exercise_id,  # noqa: F811 (fixture)
                                                               hanging_check, stuck_in,
                                                               tracked_processes):
    function = stuck_in.split(" (")[0]  # "carre (ex03_pool_map.py:" -> carre, from the records
    check = hangs.assert_hang_diagnosed(tmp_path, short_course, exercise_id, hanging_check,
                                        function, tracked_processes)
    assert not any(stuck_in in place for place in hangs.places(check))  # no stack dump: no line


ORPHAN = """
import subprocess, sys, time
from grader.run import process_tree
leftovers = process_tree.Leftovers()
parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; "
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(0.5)"])
parent.wait()  # its child is an orphan now, reparented away from this process
time.sleep(0.3)
print(len(leftovers.end()))
"""


def test_an_orphan_seen_once_is_ended_without_a_subreaper(tracked_processes):
    """No subreaper: ``Leftovers`` remembers the descendants while they hang below it, and ends
    the orphan that no longer does (what a killed pytest leaves on macOS and Windows)."""
    finished = subprocess.run([sys.executable, "-c", ORPHAN], cwd=ROOT, capture_output=True,
                              text=True, env=dict(os.environ, **PORTABLE), timeout=60)
    assert finished.stdout.split() == ["1"], finished.stderr
    assert tracked_processes() == set()
