"""The command line: exit codes of the spec, usage errors that say what is wrong."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from conftest import DATA, ROOT, SOLUTIONS, harness_runs_below, make_submission, still_alive_after


def _check(*arguments):
    """As typed in a shell (not under make, whose MAKELEVEL would make the re-run line make's)."""
    environment = {key: value for key, value in os.environ.items() if key != "MAKELEVEL"}
    return subprocess.run([sys.executable, "-m", "grader", "check", *arguments], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=environment)


def test_a_folder_that_does_not_exist_is_a_usage_error(tmp_path):
    finished = _check(str(tmp_path / "absent"))
    assert finished.returncode == 2 and "absent" in finished.stderr


def test_an_unknown_exercise_is_a_usage_error_listing_the_known_ones():
    finished = _check(str(SOLUTIONS), "--exercise", "ex99_nothing")
    assert finished.returncode == 2
    assert "ex99_nothing" in finished.stderr and "ex03_pool_map" in finished.stderr


def test_a_report_path_that_is_a_folder_is_a_usage_error_before_any_grading(tmp_path):
    finished = _check(str(SOLUTIONS), "--exercise", "ex02", "--lang", "en", "--json", str(tmp_path))
    # The catalogue's words, said before grading (the writer's own refusal would come after it).
    assert finished.returncode == 2
    assert f"{tmp_path} is a folder, not a file to write the report to" in finished.stderr


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



def test_an_exercise_named_by_its_number_is_graded_alone_and_the_rerun_command_ends(tmp_path):
    folder = make_submission(tmp_path / "faux", {"ex03_pool_map": DATA / "broken" / "carre_faux.py"})
    finished = _check(str(folder), "--exercise", "3", "--json", str(tmp_path / "r.json"))
    assert finished.returncode == 1, finished.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [exercise["id"] for exercise in report["exercises"]] == ["ex03_pool_map"]
    last = finished.stdout.rstrip().splitlines()[-1]
    assert last.endswith(f"-m grader check {folder} --exercise 3"), finished.stdout


def test_from_inside_the_exercises_folder_the_grader_grades_that_folder(tmp_path):
    folder = make_submission(tmp_path / "exos", {"ex02_main_guard": SOLUTIONS / "ex02_main_guard.py"})
    finished = subprocess.run([sys.executable, "-m", "grader", "check", "--exercise", "ex02"],
                              cwd=folder, capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "Rendu : exos" in finished.stdout and "ex02_main_guard" in finished.stdout


def test_make_check_ex_passes_the_exercise_to_the_grader():
    dry = subprocess.run(["make", "-n", "check", "EX=3", "INSTALLED="], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert "-m grader check exercises --exercise 3 " in dry.stdout, dry.stdout + dry.stderr
    everything = subprocess.run(["make", "-n", "check", "INSTALLED="], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
    assert "--exercise" not in everything.stdout


def test_under_make_the_rerun_command_is_make_check_ex(monkeypatch):
    from argparse import Namespace
    from pathlib import Path

    from grader import cli
    monkeypatch.setenv("MAKELEVEL", "1")
    command = cli._rerun_command(Namespace(folder=None), Path("exercises"))
    assert command(["1", "3"]) == "make check EX=1,3" and command([]) == "make check"
    monkeypatch.delenv("MAKELEVEL")
    assert command(["3"]).endswith("-m grader check --exercise 3")


def test_on_a_console_that_cannot_encode_french_the_summary_still_prints(tmp_path):
    """No UTF-8 anywhere (an ASCII locale, PYTHONIOENCODING unset, as on an old Windows code page):
    the grader writes its French summary anyway instead of dying on « ✔ »."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PYTHONIOENCODING", "LC_", "LANG"))}
    environment.update(LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    finished = subprocess.run([sys.executable, "-m", "grader", "check", str(SOLUTIONS), "--exercise",
                               "2", "--json", str(tmp_path / "r.json")], cwd=ROOT,
                              capture_output=True, env=environment, timeout=300)
    assert finished.returncode == 0, finished.stderr.decode("utf-8", "replace")
    assert "✔ 6" in finished.stdout.decode("utf-8")
