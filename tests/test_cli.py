"""The command line: exit codes of the spec, usage errors that say what is wrong."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from conftest import (DATA, ROOT, SOLUTIONS, make_submission, still_alive_after,
                      harness_runs_below)


def _check(*arguments):
    return subprocess.run([sys.executable, "-m", "grader", "check", *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_a_folder_that_does_not_exist_is_a_usage_error(tmp_path):
    finished = _check(str(tmp_path / "absent"))
    assert finished.returncode == 2 and "absent" in finished.stderr


def test_an_unknown_exercise_is_a_usage_error_listing_the_known_ones():
    finished = _check(str(SOLUTIONS), "--exercise", "ex99_nothing")
    assert finished.returncode == 2
    assert "ex99_nothing" in finished.stderr and "ex03_pool_map" in finished.stderr


def test_one_exercise_is_graded_alone_and_the_summary_shows_its_score(tmp_path):
    finished = _check(str(SOLUTIONS), "--exercise", "ex02_main_guard", "--json", str(tmp_path / "r.json"))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "ex02_main_guard" in finished.stdout and "ex03_pool_map" not in finished.stdout
    assert "\033[" not in finished.stdout  # no colour when the output is not a terminal


def test_the_seed_decides_the_random_inputs(tmp_path):
    folder = make_submission(tmp_path / "faux", {"ex03_pool_map": DATA / "broken" / "carre_faux.py"})
    messages = []
    for index, seed in enumerate(("42", "42", "43")):
        path = tmp_path / f"r{index}.json"
        _check(str(folder), "--exercise", "ex03_pool_map", "--seed", seed, "--json", str(path))
        report = json.loads(path.read_text(encoding="utf-8"))
        assert report["seed"] == int(seed)
        checks = {check["id"]: check for check in report["exercises"][0]["checks"]}
        messages.append(checks["carres_paralleles_resultat"]["message"])
    assert messages[0] == messages[1] != messages[2]


def test_a_check_ended_by_sigterm_ends_every_process_it_started(tracked_processes):
    """``kill`` on a grader in the middle of a hung exercise: exit 130, nothing of it left."""
    checking = subprocess.Popen([sys.executable, "-m", "grader", "check", str(DATA / "hang"),
                                 "--exercise", "ex03_pool_map"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not harness_runs_below(checking.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert harness_runs_below(checking.pid), "the exercise never started"
    checking.terminate()
    assert checking.wait(timeout=60) == 130, checking.stderr.read()
    assert still_alive_after(tracked_processes, 5) == set()

