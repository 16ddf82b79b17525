"""The probe's records reach the grader through a socket whose kernel names each record's sender
and the moment it was sent: a record in another process's name, or dated by a clock the student
changed, is not taken at its word."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import SOLUTIONS
from grader.checking.exercise_under_test import call
from grader.run import harness, record_channel
from grader.run.record_channel import Datagram, Received, RecordChannel, attested_events

pytestmark = pytest.mark.skipif(not record_channel.available(), reason="Linux only")

BUDGET = 1024 * 1024


def _run_probe(channel: RecordChannel, program: str) -> int:
    """Run ``program`` in a new interpreter that has the probe, sending to ``channel``; its pid."""
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(harness.PROBE_DIR)!r})
        import mpgrade_probe as probe
        probe._config.update(records_socket={str(channel.path)!r}, obs_dir="/nonexistent")
        print(os.getpid())
    """) + textwrap.dedent(program)
    finished = subprocess.run([sys.executable, "-c", script], check=True, timeout=30,
                              capture_output=True, text=True)
    return int(finished.stdout.split()[0])


def _events(channel: RecordChannel) -> record_channel.Attested:
    return attested_events(channel.close(), None, harness._is_event)


def test_each_record_is_named_after_the_process_that_sent_it_and_dated_when_it_was_sent(tmp_path):
    channel = RecordChannel(tmp_path / "records.sock", BUDGET)
    before = time.monotonic()
    sender = _run_probe(channel, """
        probe.record("boot", t=0.0)             # a moment long before the run
        probe._getpid = lambda: 4242            # a process that does not exist
        probe.record("exit", t=1e9, exitcode=0)
    """)
    after = time.monotonic()
    attested = _events(channel)
    assert [(event["ev"], event["pid"]) for event in attested.events] == [("boot", sender)]
    assert before <= attested.events[0]["t"] <= after
    assert attested.disowned == [(4242, sender)] and attested.malformed == 0


def test_a_call_lasts_from_its_enter_to_its_end_as_the_kernel_dated_them(tmp_path):
    channel = RecordChannel(tmp_path / "records.sock", BUDGET)
    _run_probe(channel, """
        import time
        probe.record("enter", fn="carre", t0=-50.0, tid=1)
        time.sleep(0.3)
        probe.record("call", fn="carre", t0=-50.0, t1=50.0, error=None, tid=1)
    """)
    enter, done = _events(channel).events
    assert enter["t0"] == done["t0"]  # still paired, as observe pairs them
    assert 0.25 <= done["t1"] - done["t0"] <= 1.0  # the sleep, not the hundred seconds claimed


def test_a_forked_child_sends_under_its_own_pid_through_its_parents_socket(tmp_path):
    channel = RecordChannel(tmp_path / "records.sock", BUDGET)
    parent = _run_probe(channel, """
        probe.record("boot", t=0.0)          # the parent opens its socket
        child = os.fork()
        if child == 0:
            probe.record("boot", t=0.0)      # the same socket, inherited
            os._exit(0)
        os.waitpid(child, 0)
    """)
    pids = [event["pid"] for event in _events(channel).events]
    assert pids[0] == parent and len(pids) == 2 and pids[1] != parent


def test_nothing_is_read_past_the_budget_so_no_record_hides_behind_it(tmp_path):
    channel = RecordChannel(tmp_path / "records.sock", 300)
    _run_probe(channel, """
        probe.record("boot", t=0.0)
        probe.record("boot", t=0.0, padding="x" * 400)
        probe.record("exit", t=0.0, exitcode=0)   # small, but after the budget was spent
    """)
    attested = _events(channel)
    assert [event["ev"] for event in attested.events] == ["boot"] and attested.malformed == 2


def test_a_sandboxed_sender_is_named_as_it_names_itself_and_a_vanished_one_at_its_word():
    received = Received([Datagram(9001, 1.0, json.dumps({"ev": "boot", "pid": 7, "t": 0}).encode()),
                         Datagram(9002, 2.0, json.dumps({"ev": "boot", "pid": 8, "t": 0}).encode()),
                         Datagram(9003, 3.0, json.dumps({"ev": "boot", "pid": 7, "t": 0}).encode())])
    attested = attested_events(received, {9001: 7}, harness._is_event)
    # 9002 was gone before anyone could name it: it existed, and claims a name nobody else has;
    # 9003 claims the name of 9001.
    assert [(event["pid"], event["t"]) for event in attested.events] == [(7, 1.0), (8, 2.0)]
    assert attested.disowned == [(7, 9003)]


def test_a_sender_reaped_before_its_records_were_read_is_still_named_by_the_kernel(tmp_path, monkeypatch):
    """What the channel relies on: the kernel keeps the sender's pid with the datagram, so a record
    read late (a busy grader) is named even once its sender was reaped, and a forged one disowned."""
    reading = threading.Event()
    read = RecordChannel._read
    monkeypatch.setattr(RecordChannel, "_read", lambda channel: (reading.wait(), read(channel)))
    channel = RecordChannel(tmp_path / "records.sock", BUDGET)
    sender = _run_probe(channel, """
        probe.record("boot", t=0.0)
        probe._getpid = lambda: 4242
        probe.record("exit", t=0.0, exitcode=0)
    """)  # reaped: only now does the grader read
    reading.set()
    attested = _events(channel)
    assert [event["pid"] for event in attested.events] == [sender]
    assert attested.disowned == [(4242, sender)]


def test_what_is_queued_when_the_channel_closes_is_read_before_it_ends(tmp_path, monkeypatch):
    """``close`` wakes the reader at once (no timeout to wait out), which still reads every record
    the run's dead processes left queued."""
    read = RecordChannel._read
    monkeypatch.setattr(RecordChannel, "_read", lambda channel: (channel._closing.wait(), read(channel)))
    channel = RecordChannel(tmp_path / "records.sock", BUDGET)
    sender = _run_probe(channel, """
        for index in range(8):  # fewer than the kernel queues (net.unix.max_dgram_qlen, 10 at least)
            probe.record("boot", t=float(index))
    """)  # nothing read yet: the reader starts only once the channel is closing
    attested = _events(channel)
    assert [event["pid"] for event in attested.events] == [sender] * 8


def test_a_run_on_linux_gets_its_records_from_the_kernel_and_a_correct_one_contradicts_nothing():
    run = harness.run_calls(SOLUTIONS, "ex03_pool_map", [call("carres_paralleles", [1, 2, 3], 2)],
                            time_limit_s=20, start_method="spawn", watch=["carre"])
    assert run.records == harness.RECORDS_ATTESTED and run.disowned == [] and run.malformed_events == 0
    assert len(run.events_of("call")) == 3


def test_the_clocks_are_compared_where_no_pause_came_between_their_readings(monkeypatch):
    """The kernel stamps on the real-time clock; the steps are timed on the monotonic one. A
    comparison of the two that the scheduler interrupted (2.5 ms here) would move every record of
    the run: a join 1 ms before the end of its call would seem to come after it."""
    ahead = 1_000_000_000
    monotonic, realtime = [], []
    for index in range(record_channel.OFFSET_READINGS):
        before = index * 10_000_000
        pause = 5_000_000 if index == 0 else 100  # the first comparison was interrupted
        monotonic += [before, before + pause]
        realtime.append(ahead + before + 50)  # read 50 ns after the first monotonic reading
    clocks = iter(monotonic)
    readings = iter(realtime)
    monkeypatch.setattr(record_channel.time, "monotonic_ns", lambda: next(clocks))
    monkeypatch.setattr(record_channel.time, "time_ns", lambda: next(readings))
    assert record_channel.realtime_ahead_ns() == ahead
