"""Hostile submissions (tests/hostile/) are contained, diagnosed, and never trusted.

Each case is graded by the real command under a short course file: the expected checks fail or
error with the expected message, grading takes under a minute, the machine stays responsive, the
report is the grader's own, and no process of the submission survives (found by the test token in
its environment, or in its command line for a daemon that replaced its environment).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import html_tree
from conftest import (
    ROOT,
    SOLUTIONS,
    TOKEN_VARIABLE,
    containments,
    course_maximum,
    grade,
    make_submission,
    validate_report,
)
from grader.cohort import gradebook
from hostile_cases import (
    FAKE_MARKER,
    HOSTILE,
    SPEC,
    assert_contained_and_diagnosed,
)

COHORT_LIMIT_S = 300


def bubblewrap_works() -> bool:
    environment = {key: value for key, value in os.environ.items() if key != "MPGRADE_SANDBOX"}
    return subprocess.run([sys.executable, "-c", "from grader.run import sandbox; "
                           "raise SystemExit(sandbox.containment() != sandbox.BUBBLEWRAP)"],
                          cwd=Path(__file__).parent.parent, env=environment).returncode == 0


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "containment" in metafunc.fixturenames:
        metafunc.parametrize("containment", containments(metafunc.config))


@pytest.fixture(autouse=True)
def _needs_bubblewrap(request: pytest.FixtureRequest) -> None:
    containment = (request.node.callspec.params.get("containment") if hasattr(request.node, "callspec")
                   else None)
    if containment == "bubblewrap" and not bubblewrap_works():
        pytest.skip("bubblewrap (bwrap) is missing or does not work here: sandboxed cases not run")


@pytest.mark.parametrize("case", sorted(SPEC["cases"]))
def test_a_hostile_submission_is_contained_and_diagnosed(tmp_path, hostile_course, case, containment,
                                                         tracked_processes):
    assert_contained_and_diagnosed(tmp_path, hostile_course, case, tracked_processes,
                                   SPEC["cases"][case]["expect"], containment=containment)


def test_a_report_overwritten_by_the_submission_is_written_again_by_the_grader(
        tmp_path, hostile_course, containment, tracked_processes):
    """ecrase_rapports.py finds the report's path in its ancestors' command lines and writes a
    perfect score there: the grader writes the report after every student process is dead."""
    folder = make_submission(tmp_path / "s", {"ex03_pool_map": HOSTILE / "ecrase_rapports.py"})
    json_path = tmp_path / "rapport.json"
    json_path.write_text('{"score": 0}', encoding="utf-8")  # a previous run's report, to be found
    graded = grade(folder, "ex03_pool_map", course=hostile_course, json_path=json_path,
                   containment=containment)
    text = json_path.read_text(encoding="utf-8")
    assert FAKE_MARKER not in text and graded.report["submission"] == "s"
    assert graded.report["score"] < graded.report["max_score"]
    printed = graded.checks("ex03_pool_map")["carres_paralleles_resultat"]
    assert printed["status"] == "passed"  # the values were right: only the claims were false
    assert tracked_processes() == set()


def test_a_student_reaches_no_other_students_files_in_a_cohort(containment, tracked_processes):
    """voisin_de_cohorte.py, graded after a correct student of the same cohort, lists ``--out``,
    reads the other's code (the intake's copy, the submissions folder) and overwrites their report,
    entry and page. In the sandbox it sees none of those folders; without it, it does, and the
    cohort writes the changed files again from its memory before the dashboard. Either way the
    correct student's row, report, entry, page and dashboard line are the grader's true ones."""
    token = os.environ[TOKEN_VARIABLE]
    # Outside /tmp, where a teacher's folders are: a run's own /tmp would hide them anyway.
    place = ROOT / f".cohorte-{token}"
    try:
        submissions, out = place / "rendus", place / "sortie"
        secret = f"# SECRET-alice-{token}"
        alice = make_submission(submissions / "alice",
                                {"ex02_main_guard": SOLUTIONS / "ex02_main_guard.py"})
        with open(alice / "ex02_main_guard.py", "a", encoding="utf-8") as source:
            source.write(f"\n{secret}\n")
        make_submission(submissions / "zoe", {"ex02_main_guard": HOSTILE / "voisin_de_cohorte.py"})
        graded = _cohort(submissions, out, containment, "--jobs", "1",  # alice first, then zoe
                         "--exercise", "ex02_main_guard")
        assert tracked_processes() == set()
        assert graded.returncode in (0, 1), graded.stderr

        seen = _what_the_neighbour_saw(out)
        rewritten = [line for line in graded.stderr.splitlines() if "réécrit(s) à l'identique" in line]
        if containment == "bubblewrap":
            assert seen == {"vu": [], "lus": [], "ecrits": 0} and rewritten == [], seen
        else:  # the same user: it reached them, and the cohort put back what it changed
            assert secret in seen["lus"] and seen["ecrits"] == 3, seen
            assert len(rewritten) == 1 and "students/alice/report.json" in rewritten[0], graded.stderr
        _assert_true_files_of_alice(out, containment)
    finally:
        shutil.rmtree(place, ignore_errors=True)


def _cohort(submissions: Path, out: Path, containment: str, *options: str) -> subprocess.CompletedProcess:
    """``python -m grader cohort`` as a teacher runs it; the neighbour is told where the folders are
    (``VOISIN_DOSSIERS``), as if it guessed them."""
    environment = dict(os.environ, VOISIN_DOSSIERS=os.pathsep.join((str(out), str(submissions))))
    environment.pop("MPGRADE_SANDBOX", None)
    if containment == "process-tree":
        environment["MPGRADE_SANDBOX"] = "off"
    return subprocess.run([sys.executable, "-m", "grader", "cohort", str(submissions), "--out", str(out),
                           "--seed", "7", *options], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=COHORT_LIMIT_S)


def _what_the_neighbour_saw(out: Path) -> dict:
    """What voisin_de_cohorte.py says it saw, read and wrote, in the message of its exception."""
    report = json.loads((out / "students" / "zoe" / "report.json").read_text(encoding="utf-8"))
    message = next(check["message"] for exercise in report["exercises"]
                   for check in exercise["checks"] if "VOISIN " in check["message"])
    return json.loads(message.split("VOISIN ", 1)[1])


def _assert_true_files_of_alice(out: Path, containment: str) -> None:
    folder = out / "students" / "alice"
    full = f"{course_maximum('ex02_main_guard'):g}"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    validate_report(report)
    assert report["submission"] == "alice" and report["containment"] == containment
    assert report["score"] == report["max_score"] == course_maximum("ex02_main_guard")
    row = {cells[0]: cells for cells in gradebook.read(out / "gradebook.csv")[1:]}["alice"]
    assert row[2] == "ok" and row[5:7] == [full, full], row
    entry = json.loads((folder / "entry.json").read_text(encoding="utf-8"))
    assert entry["row"]["id"] == "alice" and entry["row"]["score"] == report["score"]
    assert FAKE_MARKER not in (folder / "rapport.html").read_text(encoding="utf-8")
    dashboard = (out / "cohort.html").read_text(encoding="utf-8")
    line = html_tree.parse(dashboard).find("tr", data_student="alice")
    assert FAKE_MARKER not in dashboard and line.find("td", class_="num sum").text() == f"{full} / {full}"
