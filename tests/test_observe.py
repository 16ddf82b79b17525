"""What the observations say: tasks in flight, waves of Pool.map, who started and ended whom."""
from __future__ import annotations

import math

import pytest

from grader.checking import observe
from grader.checking.observe import MapPlan, Task
from grader.run.harness import Run, Step


def _run(events, harness_pid=1, stacks=None):
    return Run(status="finished", returncode=0, harness_pid=harness_pid, steps=[], events=events,
               stacks=stacks or {}, stdout="", stderr="", elapsed_s=1.0, time_limit_s=5)


def test_tasks_one_after_another_are_one_in_flight():
    tasks = [Task(2, i * 0.1, i * 0.1 + 0.1) for i in range(5)]
    assert observe.max_in_flight(tasks) == 1
    assert observe.busiest_worker_load(tasks) == 5
    assert observe.span(tasks) == pytest.approx(0.5)


def test_overlapping_tasks_count_at_their_busiest_instant():
    tasks = [Task(2, 0.0, 1.0), Task(3, 0.5, 1.5), Task(4, 0.9, 1.2), Task(5, 1.3, 2.0)]
    assert observe.max_in_flight(tasks) == 3
    assert observe.worker_pids(tasks, caller_pid=5) == {2, 3, 4}


@pytest.mark.parametrize("tasks, processes, chunksize, waves", [
    (10, 4, 1, 3),    # the course's example: 3 waves of 0.1 s
    (40, 4, 3, 12),   # chunks of 3: 14 chunks on 4 workers, 4 rounds of 3 tasks (DESIGN-NOTES)
    (24, 4, 2, 6),
    (1, 2, 1, 1),
    (0, 4, 1, 0),
])
def test_map_plan_follows_pool_map_chunking(tasks, processes, chunksize, waves):
    plan = MapPlan(tasks, processes)
    assert plan.chunksize == chunksize
    assert plan.waves == waves
    assert plan.waves >= math.ceil(tasks / processes)


def test_events_are_read_within_the_step_and_by_caller():
    step = Step(name="call-0", status="ok", t0=10.0, t1=20.0)
    events = [
        {"ev": "start", "pid": 1, "child": 7, "caller": "ex01_process", "t": 11.0},
        {"ev": "start", "pid": 1, "child": 8, "caller": "multiprocessing.pool", "t": 12.0},
        {"ev": "start", "pid": 1, "child": 9, "caller": "ex01_process", "t": 25.0},
        {"ev": "join", "pid": 1, "child": 7, "caller": "ex01_process", "exitcode": 0, "t": 13.0},
    ]
    run = _run(events)
    assert [e["child"] for e in observe.started(run, step, by_student=True)] == [7]
    assert [e["child"] for e in observe.started(run, step, by_student=False)] == [8]
    assert [e["child"] for e in observe.ended_by_student(run, step, "join")] == [7]


@pytest.mark.parametrize("caller", ["__main__", "__mp_main__", "mpgrade_harness", "mpgrade_tasks"])
def test_what_the_harness_starts_itself_is_never_the_students(caller):
    """The harness's tools (``@start``, ``@race``, the calibrations) are in modules of its own: a
    process they start is the grader's, drawn and judged so."""
    assert not observe.is_student({"ev": "start", "pid": 1, "child": 7, "caller": caller, "t": 1.0})
    assert observe.is_student({"ev": "start", "pid": 1, "child": 7, "caller": "ex01_process", "t": 1.0})


def test_stuck_places_name_the_student_line_first():
    stack = ('Thread 0x01 (most recent call first):\n'
             '  File "/usr/lib/python3.11/multiprocessing/connection.py", line 430 in _recv_bytes\n'
             '  File "/tmp/x/src/ex06_queue.py", line 12 in consommateur\n')
    other = 'Thread 0x02 (most recent call first):\n  File "/usr/lib/threading.py", line 9 in wait\n'
    places = observe.stuck_places(_run([], harness_pid=5, stacks={5: stack, 6: other}),
                                  {"ex06_queue.py"})
    assert [place.as_fact() for place in places] == [
        {"detail": "lieu_principal", "pid": 5,
         "lieu": "consommateur (ex06_queue.py:12) → _recv_bytes (connection.py:430)"},
        {"detail": "lieu", "pid": 6, "lieu": "wait (threading.py:9)"}]


def test_a_crash_in_several_workers_is_one_place_and_the_count_of_the_others():
    """Records, not sentences: the engine words nothing (« et 2 autres » is the catalogue's)."""
    report = ('Fatal Python error: Segmentation fault\n\nCurrent thread 0x01 (most recent call first):\n'
              '  File "/tmp/x/src/ex03_pool_map.py", line 9 in carre\n')
    run = _run([], harness_pid=5)  # three pool workers, started for no function of the student's
    run.fatal_errors = {7: report, 8: report, 9: report}
    [(error, places)] = observe.crash_places(run, {"ex03_pool_map.py"})
    assert error == "Segmentation fault"
    assert [place.as_fact() for place in places] == [
        {"detail": "lieu", "pid": 7, "lieu": "carre (ex03_pool_map.py:9)"},
        {"detail": "et_autres", "nombre": 2}]
