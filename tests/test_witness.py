"""The grader's own observations of the process tree refute forged probe records, and never a
correct run's; the limits of course.yaml reach the student's processes."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import SOLUTIONS
from grader.checking.exercise_under_test import call
from grader.checking.verdicts import Detail
from grader.config import Limits
from grader.run import harness, witness
from grader.run.harness import Run, Step
from grader.run.process_tree import Look, Seen, Witness

HARNESS = 100
WORKER = 101


def _run(events: list[dict], steps: list[Step] | None = None, **witness_facts) -> Run:
    """A run of 1 s (t = 10 → 11) in which the grader saw the harness and one worker."""
    seen = Witness(started=10.0, ended=11.0, looks=[Look(10 + i / 20, 10 + i / 20 + 0.001,
                                                         frozenset({HARNESS, WORKER}))
                                                    for i in range(20)],
                   processes={HARNESS: Seen(HARNESS, 1, 10.0, 10.0, 11.0),
                              WORKER: Seen(WORKER, HARNESS, 10.2, 10.2, 10.9, gone_at=10.95)},
                   **witness_facts)
    return Run(status="finished", returncode=0, harness_pid=HARNESS, steps=steps or [],
               events=events, stacks={}, stdout="", stderr="", elapsed_s=1.0, time_limit_s=5,
               witness=seen)


def _call(pid: int, t0: float, t1: float) -> dict:
    return {"ev": "call", "pid": pid, "fn": "carre", "t0": t0, "t1": t1}


def test_records_that_match_what_the_grader_saw_are_accepted():
    assert witness.contradictions(_run([_call(WORKER, 10.3, 10.4), _call(HARNESS, 10.5, 10.6)])) == []


def test_a_process_the_grader_never_saw_is_refuted():
    found = witness.contradictions(_run([_call(4242, 10.3, 10.7)]))
    assert len(found) == 1 and found[0].facts["pid"] == 4242


def test_a_process_too_short_lived_to_be_seen_is_not_held_against_the_submission():
    assert witness.contradictions(_run([_call(4242, 10.30, 10.34)])) == []


def test_records_outside_the_life_of_their_process_are_refuted():
    before = witness.contradictions(_run([_call(WORKER, 10.0, 10.1)]))  # started at 10.2 (+0.5 ok)
    assert before == []
    assert witness.contradictions(_run([_call(WORKER, 9.5, 9.6)]))  # also before the run began
    assert witness.contradictions(_run([_call(WORKER, 11.6, 11.7)]))  # gone at 10.95


def test_a_step_whose_end_was_moved_by_a_patched_clock_is_refuted():
    step = Step(name="call-0", status="ok", t0=10.1, t1=10.3)
    steps = [Step(name="import", status="ok", t0=10.0, t1=10.05), step]
    seen = {"import": (10.0, 10.1), "call-0": (10.9, 10.95)}  # its result appeared at 10.9 only
    found = witness.contradictions(_run([], steps, step_seen=seen))
    assert found and found[0].key == "fin_d_etape_deplacee" and found[0].facts["etape"] == "call-0"
    step.t1 = 10.92
    assert witness.contradictions(_run([], steps, step_seen=seen)) == []


def test_a_step_whose_start_was_moved_later_by_a_patched_clock_is_refuted():
    """A later start makes a sequential call look short: it must begin once the step before it
    was written, as the grader saw the result file (with the tolerance of a busy machine)."""
    steps = [Step(name="import", status="ok", t0=10.0, t1=10.05),
             Step(name="call-0", status="ok", t0=10.7, t1=10.92)]
    seen = {"import": (10.0, 10.1), "call-0": (10.9, 10.95)}
    found = witness.contradictions(_run([], steps, step_seen=seen))
    assert [(detail.key, detail.facts) for detail in found] == [
        ("debut_d_etape_deplace", {"etape": "call-0", "ecart_s": "0.60"})]
    steps[1].t0 = 10.5
    assert witness.contradictions(_run([], steps, step_seen=seen)) == []


def test_computation_without_cpu_time_is_refuted():
    claims = [{"ev": "call", "pid": WORKER, "fn": "travail_cpu", "t0": 10.3, "t1": 10.8}]
    idle = _run(claims)
    idle.witness.processes[WORKER].waited_s = 0.0  # the kernel: neither running nor ready
    assert witness.contradictions(idle, ("travail_cpu",))
    assert witness.contradictions(idle) == []  # a task that may sleep is not judged on its CPU
    busy = _run(claims)
    busy.witness.processes[WORKER].cpu_s = 0.3
    busy.witness.processes[WORKER].waited_s = 0.0
    assert witness.contradictions(busy, ("travail_cpu",)) == []


def test_computation_starved_of_cpu_on_a_busy_machine_is_not_refuted():
    """0.08 s of CPU for 0.5 s of computation: on a machine at load 8, the process waited for a
    core the rest of the time, which the kernel counts too."""
    starved = _run([{"ev": "call", "pid": WORKER, "fn": "travail_cpu", "t0": 10.3, "t1": 10.8}])
    starved.witness.processes[WORKER].cpu_s = 0.08
    starved.witness.processes[WORKER].waited_s = 0.4
    assert witness.contradictions(starved, ("travail_cpu",)) == []
    starved.witness.processes[WORKER].waited_s = 0.0
    assert witness.contradictions(starved, ("travail_cpu",))


@pytest.mark.load
def test_correct_cpu_bound_work_shows_its_cpu_time_even_on_a_busy_machine(cpu_hogs):
    sizes = [2_500_000] * 4
    run = harness.run_calls(SOLUTIONS, "ex09_cpu_bound", [call("avec_processus", sizes, 2),
                                                          call("avec_threads", sizes, 2)],
                            time_limit_s=30, start_method="spawn", watch=["travail_cpu"])
    assert run.status == "finished" and run.call(1).status == "ok"
    assert witness.contradictions(run, ("travail_cpu",)) == []


def test_malformed_records_are_dropped_and_counted(tmp_path):
    observations = tmp_path / "obs"
    observations.mkdir()
    lines = [{"ev": "call", "pid": 5, "fn": "carre", "t0": 1.0, "t1": 2.0},
             {"ev": "call", "pid": 5, "fn": "carre", "t0": "hier"}, {"ev": "inconnu", "pid": 5},
             ["pas", "un", "objet"]]
    (observations / "5.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n{coupé",
                                          encoding="utf-8")
    events, malformed = harness._read_events(observations, [])
    assert len(events) == 1 and malformed == 3


def test_records_cannot_be_hidden_behind_the_reading_limits(tmp_path, monkeypatch):
    """A record file of another name, a record in another process's file, files beyond the number
    read or a large file read first: each is counted as malformed, so the run is refuted, instead
    of the records after it being silently skipped."""
    observations = tmp_path / "obs"
    observations.mkdir()
    real = {"ev": "call", "pid": 7, "fn": "carre", "t0": 1.0, "t1": 2.0}
    (observations / "7.jsonl").write_text(json.dumps(real) + "\n", encoding="utf-8")
    (observations / "0000.jsonl").write_text(json.dumps(dict(real, pid=0)) + "\n", encoding="utf-8")
    (observations / "8.jsonl").write_text(json.dumps(dict(real, pid=9)) + "\n", encoding="utf-8")
    events, malformed = harness._read_events(observations, [])
    assert events == [real] and malformed == 2
    monkeypatch.setattr(harness, "EVENT_FILES_LIMIT", 0)
    assert harness._read_events(observations, []) == ([], 3)  # 0000, and both files left unread
    monkeypatch.setattr(harness, "EVENT_FILES_LIMIT", 2000)
    (observations / "1.jsonl").write_bytes(b" " * (harness.EVENTS_LIMIT + 1))
    oversized = []
    events, malformed = harness._read_events(observations, oversized)
    assert oversized == ["1.jsonl"] and malformed >= 3 and events == []


def test_a_step_name_from_the_result_file_never_reaches_outside_the_run():
    assert not harness._is_step({"name": "../../../etc/passwd", "status": "ok", "t0": 1, "t1": 2})
    assert harness._is_step({"name": "call-3", "status": "ok", "t0": 1, "t1": 2})


@pytest.mark.parametrize("start_method", ["spawn", "fork", "forkserver"])
def test_a_correct_parallel_run_contradicts_nothing(start_method):
    run = harness.run_calls(SOLUTIONS, "ex03_pool_map",
                            [call("carres_paralleles", list(range(12)), 4), call("carre", 3)],
                            time_limit_s=20, start_method=start_method, watch=["carre"],
                            calibrate_pool=4)
    assert run.status == "finished" and run.call(1).value == 9
    assert len(run.witness.processes) >= 5 and set(run.witness.step_seen) >= {"import", "call-0"}
    assert witness.contradictions(run) == []


def test_the_limits_reach_every_process_of_the_tree(tmp_path):
    (tmp_path / "limites.py").write_text(textwrap.dedent("""
        import multiprocessing, resource

        def limites():
            return [resource.getrlimit(getattr(resource, name))[1]
                    for name in ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE")]

        def dans_un_enfant():
            with multiprocessing.Pool(1) as pool:
                return pool.apply(limites)
        """), encoding="utf-8")
    limits = Limits(cpu_s=7, memory_mb=900, file_mb=5)
    run = harness.run_calls(tmp_path, "limites", [call("limites"), call("dans_un_enfant")],
                            time_limit_s=20, start_method="spawn", limits=limits)
    expected = [8, 900 * 1024 * 1024, 5 * 1024 * 1024]  # the hard CPU limit is one second above
    assert run.call(0).value == expected and run.call(1).value == expected


def test_the_contradictions_a_stall_may_explain_are_ones_the_witness_finds():
    """A key misspelt in ``STALL_DETAILS`` would silently turn off the second try it allows."""
    source = Path(witness.__file__).read_text(encoding="utf-8")
    assert witness.STALL_DETAILS and all(f'Detail("{key}"' in source for key in witness.STALL_DETAILS)
    assert witness.a_stall_may_explain([Detail("debut_d_etape_deplace", etape="call-1", ecart_s="0.6")])
    assert not witness.a_stall_may_explain([Detail("debut_d_etape_deplace", etape="call-1", ecart_s="0.6"),
                                            Detail("pid_pas_encore_attribue", pid=9, dernier=8)])
