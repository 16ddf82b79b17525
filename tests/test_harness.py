"""The harness runs student code apart, ends its whole tree, and reports what it observed."""
from __future__ import annotations

import time

from conftest import DATA, SOLUTIONS, make_submission
from grader import harness
from grader.submission import call


def test_a_call_returns_its_value_and_the_tasks_are_seen_in_the_workers():
    run = harness.run_calls(SOLUTIONS, "ex03_pool_map", [call("carres_paralleles", [1, 2, 3], 2)],
                            time_limit_s=20, start_method="spawn", watch=["carre"])
    step = run.call(0)
    assert run.status == "finished" and step.value == [1, 4, 9]
    pids = {event["pid"] for event in run.events_of("call")}
    assert len(pids) >= 1 and run.harness_pid not in pids


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


def test_output_past_the_limit_keeps_head_and_tail(tmp_path):
    path = tmp_path / "flood.out"
    path.write_bytes(b"head\n" + b"x" * 5000 + b"\ntail\n")
    text = harness.read_output(path, limit=1000)
    assert text.startswith("head") and text.endswith("tail\n")
    assert "octets omis" in text and len(text) < 1200


def test_output_that_is_not_utf8_is_replaced_not_fatal(tmp_path):
    path = tmp_path / "bytes.out"
    path.write_bytes(b"ok \xff\xfe end")
    assert harness.read_output(path) == "ok \ufffd\ufffd end"
