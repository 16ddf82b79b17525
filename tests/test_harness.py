"""The harness runs student code apart, ends its whole tree, and reports what it observed."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from conftest import DATA, ROOT, SOLUTIONS, make_submission
from grader import catalogue
from grader.checking import observe
from grader.checking.exercise_under_test import call
from grader.report import model
from grader.run import harness


def test_a_call_returns_its_value_and_the_tasks_are_seen_in_the_workers():
    run = harness.run_calls(SOLUTIONS, "ex03_pool_map", [call("carres_paralleles", [1, 2, 3], 2)],
                            time_limit_s=20, start_method="spawn", watch=["carre"])
    step = run.call(0)
    assert run.status == "finished" and step.value == [1, 4, 9]
    pids = {event["pid"] for event in run.events_of("call")}
    assert len(pids) >= 1 and run.harness_pid not in pids


def _asked_in_a_spawned_child(tmp_path, module_source: str) -> harness.Run:
    """The run of a submission whose ``ask()`` is called in a child it starts with spawn."""
    source = textwrap.dedent(module_source) + textwrap.dedent("""
        def in_a_child():
            import multiprocessing
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                return pool.apply(ask)
        """)
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "ex99_enfant.py").write_text(source, encoding="utf-8")
    return harness.run_calls(folder, "ex99_enfant", [call("in_a_child")], time_limit_s=20,
                             start_method="spawn")


def test_a_spawned_child_runs_none_of_the_harness_before_its_task(tmp_path):
    """Under spawn a child runs the main script again (``__mp_main__``) before its task: the
    harness's is a script that does nothing there (each child saved some 20 ms), and the harness
    itself, imported, is not."""
    run = _asked_in_a_spawned_child(tmp_path, """
        import sys

        def ask():  # the modules holding the harness's code (its main step among others)
            return sorted(name for name, module in list(sys.modules.items())
                          if hasattr(module, "_calibrate_pool"))
        """)
    assert run.status == "finished" and run.call(0).value == [], run.call(0)


def test_a_module_the_submission_plants_never_replaces_the_graders_in_its_children(tmp_path):
    """A child resolves the grader's own work (``mpgrade_tasks``: ex09's calibration loop, ex08's
    control) by its name: a ``mpgrade_tasks.py`` the submission writes beside itself at import must
    not be the one found, or it would decide the calibration (as ``psutil_ombre`` tried with
    psutil)."""
    run = _asked_in_a_spawned_child(tmp_path, """
        import os

        HERE = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(HERE, "mpgrade_tasks.py"), "w") as planted:
            planted.write("def cpu_loop(n):\\n    return -1\\n")

        def ask():
            import mpgrade_tasks
            return mpgrade_tasks.__file__
        """)
    assert run.status == "finished", run.call(0)
    assert Path(str(run.call(0).value)).parent == harness.PROBE_DIR, run.call(0).value


def test_the_student_folder_is_never_written(tmp_path):
    folder = make_submission(tmp_path / "s", {"ex03_pool_map": SOLUTIONS / "ex03_pool_map.py"})
    before = sorted(path.name for path in folder.rglob("*"))
    harness.run_calls(folder, "ex03_pool_map", [call("carre", 3)], time_limit_s=20,
                      start_method="spawn")
    assert sorted(path.name for path in folder.rglob("*")) == before


def test_at_the_time_limit_every_process_is_killed_and_the_stacks_are_kept(tmp_path,
                                                                          tracked_processes):
    folder = make_submission(tmp_path / "s", {"ex03_pool_map": DATA / "hang" / "ex03_pool_map.py"})
    started = time.monotonic()
    run = harness.run_calls(folder, "ex03_pool_map", [call("carres_paralleles", [1, 2, 3, 4], 2)],
                            time_limit_s=2, start_method="spawn", watch=["carre"])
    assert time.monotonic() - started < 5
    assert run.status == "timeout" and run.call(0).status == "unfinished"
    assert len(run.stacks) >= 3  # the harness and its two workers
    assert any("in carre" in stack for stack in run.stacks.values())
    assert run.left_alive == [] and tracked_processes() == set()
    # carre slept (it may wait for something): it is not taken for a loop
    assert observe.looping_functions(run, {"ex03_pool_map.py"}) == {}


def test_a_function_computing_at_the_limit_is_a_known_loop_not_the_callers_that_wait_for_it(tmp_path):
    looping = ROOT / "tests" / "hostile" / "boucle_infinie.py"
    folder = make_submission(tmp_path / "s", {"ex03_pool_map": looping})
    run = harness.run_calls(folder, "ex03_pool_map", [call("carres_paralleles", [1, 2, 3, 4], 2)],
                            time_limit_s=2, start_method="spawn", watch=["carre"])
    # carre computed in its own code in the workers; carres_paralleles waited for them inside the
    # library, as a deadlock does, and is not named
    assert run.status == "timeout"
    assert list(observe.looping_functions(run, {"ex03_pool_map.py"})) == ["carre"]


@pytest.mark.parametrize("calls", [[call("carre", 3)], [call("carres_paralleles", [1, 2, 3], 2)]],
                         ids=["called-by-the-harness", "called-in-a-worker"])
def test_a_known_loop_called_again_stops_the_run_at_once(tmp_path, calls, tracked_processes):
    folder = make_submission(tmp_path / "s", {"ex03_pool_map": DATA / "hang" / "ex03_pool_map.py"})
    seen = {"carre": "pid 2: carre (ex03_pool_map.py:9)"}
    run = harness.run_calls(folder, "ex03_pool_map", calls, time_limit_s=20, start_method="spawn",
                            known_loops=seen)
    assert run.status == "known_loop" and run.elapsed_s < 10
    assert [event["fn"] for event in run.events_of("known_loop")][:1] == ["carre"]
    assert run.call(0).status == "unfinished" and run.known_loops == seen
    assert run.left_alive == [] and tracked_processes() == set()


def test_a_known_loop_never_replaces_the_graders_own_stand_in():
    run = harness.run_calls(SOLUTIONS, "ex07_pipe", [call("ping_pong", 3)], time_limit_s=20,
                            start_method="spawn", replace={"repondeur": "repondeur_du_correcteur"},
                            known_loops={"repondeur": "pid 7: repondeur (ex07_pipe.py:15)"})
    assert run.status == "finished" and run.call(0).value == ["pong 0", "pong 1", "pong 2"]


def test_a_known_loop_never_called_changes_nothing(tmp_path):
    run = harness.run_calls(SOLUTIONS, "ex03_pool_map", [call("carres_paralleles", [1, 2], 2)],
                            time_limit_s=20, start_method="spawn", known_loops={"absente": "?"})
    assert run.status == "finished" and run.call(0).value == [1, 4]


def test_output_past_the_limit_keeps_head_and_tail(tmp_path):
    path = tmp_path / "flood.out"
    path.write_bytes(b"head\n" + b"x" * 5000 + b"\ntail\n")
    text = harness.read_output(path, limit=1000)
    assert text.startswith("head") and text.endswith("tail\n")
    assert "[mpgrade-omitted 4011 0]" in text and len(text) < 1200
    french, english = (model.worded_output(text, catalogue.load(language)) for language in ("fr", "en"))
    assert "[... 4011 octets omis au milieu de la sortie (limite : 0 Ko) ...]" in french
    assert "[... 4011 bytes left out of the middle of the output (limit: 0 KiB) ...]" in english


def test_output_that_is_not_utf8_is_replaced_not_fatal(tmp_path):
    path = tmp_path / "bytes.out"
    path.write_bytes(b"ok \xff\xfe end")
    assert harness.read_output(path) == "ok \ufffd\ufffd end"


def test_in_the_sandbox_a_run_reaches_nothing_but_its_own_folder(tmp_path, monkeypatch):
    """Another student's files (here: a report and a submission beside this one, whose paths the
    submission knows), the machine's /tmp and /dev/shm, the network: a sandboxed run writes none
    of them, and runs under its own uid when the grader is root."""
    from grader.run import sandbox

    monkeypatch.delenv("MPGRADE_SANDBOX", raising=False)
    sandbox._bwrap.cache_clear()
    if sandbox.containment() != sandbox.BUBBLEWRAP:
        pytest.skip("bubblewrap is missing or does not work here")
    token = uuid.uuid4().hex
    # Outside /tmp (the sandbox has its own): where a teacher's --out folder would be.
    other = ROOT / f".autre-etudiant-{token}"
    other.mkdir()
    (other / "report.json").write_text("{}", encoding="utf-8")
    targets = [other / "report.json", other / "nouveau.py", Path("/tmp") / f"mpgrade-{token}",
               Path("/dev/shm") / f"mpgrade-{token}"]
    source = textwrap.dedent(f"""
        import os, socket
        def carre(x):
            return x * x
        def tenter():
            done = []
            for path in {[str(path) for path in targets]!r}:
                try:
                    with open(path, "w") as f:
                        f.write("pris")
                    done.append(path)
                except OSError:
                    pass
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=2)
                done.append("network")
            except OSError:
                pass
            return {{"written": done, "uid": os.getuid()}}
    """)
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "ex03_pool_map.py").write_text(source, encoding="utf-8")
    try:
        run = harness.run_calls(folder, "ex03_pool_map", [call("tenter")], time_limit_s=20,
                                start_method="spawn")
        assert run.status == "finished" and run.containment == sandbox.BUBBLEWRAP, run.stderr
        value = run.call(0).value
        assert (other / "report.json").read_text(encoding="utf-8") == "{}"
        assert [path for path in targets[1:] if path.exists()] == []
    finally:
        shutil.rmtree(other, ignore_errors=True)
    # Inside, /tmp and /dev/shm are the run's own: writing there is allowed, and vanishes with it.
    assert set(value["written"]) <= {str(targets[2]), str(targets[3])}, value
    if os.geteuid() == 0:
        assert value["uid"] == sandbox.FIRST_UID + os.getpid()


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm here")
def test_only_what_no_process_holds_is_removed_from_dev_shm():
    """After a run outside the sandbox, its files left in /dev/shm go; a semaphore that another
    grading beside it created meanwhile, and still uses, stays (glibc maps it under a temporary
    name: it is recognised by its inode)."""
    import multiprocessing

    from grader.run.process_tree import SharedFiles

    shared = SharedFiles()
    left = Path("/dev/shm") / f"mpgrade-test-{uuid.uuid4().hex}"
    left.write_bytes(b"x")
    lock = multiprocessing.get_context("spawn").Lock()  # named, in /dev/shm, mapped here
    named = {path for path in Path("/dev/shm").glob("sem.mp-*")
             if path.stat().st_ctime >= shared.started - 1}
    try:
        removed = shared.remove()
        assert str(left) in removed and not left.exists()
        assert named and all(path.exists() for path in named), removed
        with lock:
            pass
    finally:
        left.unlink(missing_ok=True)


def test_the_folders_a_cohort_hides_are_empty_in_the_sandbox_but_for_what_the_run_needs(monkeypatch):
    """A cohort hides its --out and its submissions (MPGRADE_HIDE) from every run; a teacher may
    have put them around the grader itself: the run then finds, in an empty folder, the grader
    (read-only) and the way to its own folder, nothing else. A folder under /tmp (the run's own
    already) and the root (the whole system) are left as they are. (The teacher's folder is made
    outside /tmp, wherever the suite itself was cloned.)"""
    from grader.run import sandbox
    teacher = Path(tempfile.mkdtemp(prefix="mpgrade-cours-", dir="/var/tmp")).resolve()
    try:
        grader_folder = teacher / "grader"
        grader_folder.mkdir()
        monkeypatch.setattr(sandbox, "_needed", lambda: {grader_folder})
        monkeypatch.setenv(sandbox.HIDE, os.pathsep.join([str(teacher), "/tmp/sortie", "/"]))
        hidden = " ".join(sandbox._hidden(teacher / "travail" / "run"))
        assert hidden.startswith(f"--tmpfs {teacher} ") and hidden.count("--tmpfs") == 1, hidden
        assert f"--perms 0755 --dir {teacher / 'travail'}" in hidden
        assert f"--ro-bind {grader_folder} {grader_folder}" in hidden
        assert "/tmp/sortie" not in hidden
    finally:
        shutil.rmtree(teacher, ignore_errors=True)


def test_a_grader_installed_under_tmp_still_runs_in_the_sandbox_whose_tmp_is_private(monkeypatch):
    """A clone (and its virtual environment) under /tmp, as a CI checkout may be: the run's own
    empty /tmp would hide the Python it starts. The sandbox binds what it needs there again,
    read-only, with its folders made reachable."""
    from grader.run import sandbox
    monkeypatch.setattr(sandbox.sys, "prefix", "/tmp/clone/.venv")
    binds = " ".join(sandbox._kept_from_private())
    assert "--perms 0755 --dir /tmp/clone --ro-bind /tmp/clone/.venv /tmp/clone/.venv" in binds
    monkeypatch.setattr(sandbox.sys, "prefix", "/opt/venv")
    assert all("/opt/venv" not in argument for argument in sandbox._kept_from_private())


def test_records_of_any_shape_are_refused_never_fatal(tmp_path):
    """What a student's process writes in its record file may be anything: an ``ev`` that is a
    list (unhashable) is a malformed record, counted, not a crash of the grader."""
    records = '{"ev": ["call"], "pid": 41}\n{"ev": "exit", "pid": 41, "t": 1.0}\n'
    (tmp_path / "41.jsonl").write_text(records, encoding="utf-8")
    events, malformed = harness._read_events(tmp_path, [])
    assert [event["ev"] for event in events] == ["exit"] and malformed == 1


def test_a_raised_step_written_without_its_error_still_has_one(tmp_path):
    """A forged result whose step says ``raised`` but names no error reads as an unknown error,
    which the checks can report, instead of crashing them."""
    step = harness._step({"name": "call-0", "status": "raised", "t0": 0.0, "t1": 1.0}, tmp_path, 1000)
    assert step.error is not None and step.error["type"] == "?"


BUSY_STUDENT = textwrap.dedent("""
    import time

    def calculer(secondes_cpu):
        fin = time.process_time() + secondes_cpu
        while time.process_time() < fin:
            pass
        return "fini"

    def dormir():
        time.sleep(60)
""")


@pytest.fixture
def one_busy_core():
    """This process and what it starts share core 0 with a CPU hog: every run waits for its core
    about half of the time, as on a busy machine."""
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("core affinity is Linux's")
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        hog.kill()
        hog.wait()
        os.sched_setaffinity(0, before)


def test_a_run_slowed_by_a_busy_machine_gets_the_time_it_waited_for_a_core(tmp_path, one_busy_core):
    (tmp_path / "occupe.py").write_text(BUSY_STUDENT, encoding="utf-8")
    # 2.2 s of CPU at about half a core: some 4.5 s of wall time, more or less as the core is
    # shared, within the 4 s allowed and the 2 s at most granted for the wait (measured here, and
    # taken into account by the deadline: the next test).
    run = harness.run_calls(tmp_path, "occupe", [call("calculer", 2.2)], time_limit_s=4,
                            start_method="spawn")
    assert run.status == "finished" and run.call(0).value == "fini", run.stderr
    assert run.cpu_wait_s > 0.5  # alone on a core it waits next to nothing; here 0.8–2.2 s seen


class _WaitedTree:
    """A tree whose processes waited ``waited`` seconds for a core, for ``harness._wait``."""

    def __init__(self, waited: float) -> None:
        self.waited = waited

    def look(self) -> None:
        return None

    def waited_s(self) -> float:
        return self.waited


@pytest.mark.parametrize("waited, granted", [(0.0, 0.0), (0.4, 0.4), (5.0, 0.5)])
def test_the_deadline_moves_by_the_wait_for_a_core_up_to_half_the_limit(tmp_path, waited, granted):
    sleeping = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        started = time.monotonic()
        status = harness._wait(sleeping, _WaitedTree(waited), tmp_path, started, 1.0, None,
                               known_loops=False)
        elapsed = time.monotonic() - started
    finally:
        sleeping.kill()
        sleeping.wait()
    assert status == "timeout" and 1.0 + granted <= elapsed < 1.0 + granted + 0.5


def test_a_sleeping_run_on_a_busy_machine_is_stopped_at_its_limit(tmp_path, one_busy_core):
    (tmp_path / "occupe.py").write_text(BUSY_STUDENT, encoding="utf-8")
    run = harness.run_calls(tmp_path, "occupe", [call("dormir")], time_limit_s=2,
                            start_method="spawn")
    assert run.status == "timeout"
    # Only the start-up waited for the core: a process that sleeps adds nothing to its limit.
    assert run.cpu_wait_s < 1 and run.elapsed_s < 2 + 1 + harness.STACK_WAIT_S + 0.5


FORGING_PING_PONG = textwrap.dedent("""
    import multiprocessing
    import mpgrade_probe

    def repondeur(conn):
        conn.close()

    def ping_pong(n):
        parent_conn, child_conn = multiprocessing.Pipe()
        child = multiprocessing.Process(target=repondeur, args=(child_conn,))
        child.start()
        child_conn.close()
        answers = []
        for i in range(n):
            parent_conn.send(f"ping {i}")
            answers.append(parent_conn.recv())
        parent_conn.close()  # never None: then a perfect end, written in the probe's records
        child.join()
        mpgrade_probe.record("responder_end", t=mpgrade_probe.now(), ended="none", answered=n)
        return answers
""")


def test_the_graders_responder_speaks_from_the_graders_process_and_refuses_forged_ends(tmp_path):
    """ex07's responder: the child hands its end of the pipe over (``grader.run.responder``), the
    grader answers and sees the pipe closed without None; the ``responder_end`` the student's code
    wrote in the probe's records is refused (counted malformed, so the witness refutes the run)."""
    source = tmp_path / "forging.py"
    source.write_text(FORGING_PING_PONG, encoding="utf-8")
    folder = make_submission(tmp_path / "s", {"ex07_pipe": source})
    run = harness.run_calls(folder, "ex07_pipe", [call("ping_pong", 3)], time_limit_s=20,
                            start_method="spawn", replace={"repondeur": harness.RESPONDER_STAND_IN})
    assert run.call(0).value == ["pong 0", "pong 1", "pong 2"]
    child = next(event["child"] for event in run.events_of("start"))
    assert run.events_of("responder_end") == [
        {"ev": "responder_end", "pid": child, "t": run.grader_events[0]["t"], "ended": "eof",
         "answered": 3}]
    assert run.malformed_events == 1


def test_without_fd_passing_the_child_answers_itself(monkeypatch):
    """The degraded path (Windows, ``MPGRADE_PORTABLE=1``): the stand-in holds the dialogue in the
    child and records its end, which is then taken from the probe's records."""
    monkeypatch.setattr(harness.responder, "AVAILABLE", False)
    run = harness.run_calls(SOLUTIONS, "ex07_pipe", [call("ping_pong", 4)], time_limit_s=20,
                            start_method="spawn", replace={"repondeur": harness.RESPONDER_STAND_IN})
    child = next(event["child"] for event in run.events_of("start"))
    ends = run.events_of("responder_end")
    assert run.grader_events == [] and [(end["pid"], end["ended"], end["answered"]) for end in ends] \
        == [(child, "none", 4)]


def test_a_socket_path_too_long_for_af_unix_falls_back_to_the_child(tmp_path):
    folder = tmp_path / ("x" * 110)
    folder.mkdir()
    assert harness.responder.listen(folder) is None
    short = harness.responder.listen(tmp_path)
    assert short is not None and short.close() == []
