"""``python -m grader cohort``: a cohort of 12 submissions in the three layouts (tests/sample_cohort.py)
graded as a teacher does, against each submission graded alone, killed and resumed, and in shards.

These tests compare verdicts of timing checks across runs: they run in the suite's serial part
(marker ``serial``), with the machine to themselves, as a teacher's run would.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import courses
import sample_cohort
from conftest import (
    ROOT,
    SOLUTIONS,
    grade,
    harness_runs_below,
    machine_bound,
    make_submission,
    still_alive_after,
)
from grader import config
from grader.cohort import gradebook, intake
from grader.cohort.batch import exercise_files
from grader.run.process_tree import Leftovers

pytestmark = pytest.mark.serial
SEED = 4242
COHORT_TIMEOUT_S = 900
ORPHANS_GONE_S = 3  # a grader ends its pytest and the student's processes, then exits
STUDENTS = ["alice", "alice-2", "bruno", "chloe", "david", "elise", "emile-zola_1001", "fanny",
            "gaston", "hugo", "ines-moreau_1002", "jules-petit_1003"]


def cohort(submissions: Path, out: Path, *options: str, jobs: int = 2) -> subprocess.Popen:
    command = [sys.executable, "-m", "grader", "cohort", str(submissions), "--out", str(out),
               "--jobs", str(jobs), "--seed", str(SEED), *options]
    command += [f"--exercise={exercise}" for exercise in sample_cohort.EXERCISES]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finished(process: subprocess.Popen, exit_codes: tuple[int, ...] = (1,)) -> str:
    """The run's log; by default it must exit 1: some students are in error (hugo, jules-petit)."""
    stdout, stderr = process.communicate(timeout=COHORT_TIMEOUT_S)
    assert process.returncode in exit_codes, stderr
    return stderr


def rows_of(out: Path) -> dict[str, list[str]]:
    cells = gradebook.read(out / "gradebook.csv")
    return {row[0]: row for row in cells[1:]}


def entry(out: Path, student_id: str) -> dict:
    return json.loads((out / "students" / student_id / "entry.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    return sample_cohort.build(tmp_path_factory.mktemp("cohort"))


@pytest.fixture(scope="module")
def whole(submissions, tmp_path_factory) -> Path:
    """The whole cohort graded two students at a time, with the Gradescope files."""
    out = tmp_path_factory.mktemp("whole") / "out"
    finished(cohort(submissions, out, "--format", "gradescope", jobs=2))
    return out


def test_every_submission_has_a_row_and_the_unusable_ones_say_why(whole):
    rows = rows_of(whole)
    header = gradebook.read(whole / "gradebook.csv")[0]
    assert header == ["identifiant", "nom", "statut", "raison", "à mesurer", "note", "sur",
                      *sample_cohort.EXERCISES]
    assert len({row[6] for row in rows.values() if row[2] != "erreur"}) == 1  # one "sur" for all
    assert sorted(rows) == STUDENTS
    in_error = {student_id: row[3] for student_id, row in rows.items() if row[2] == "erreur"}
    assert set(in_error) == {"hugo", "jules-petit_1003"}
    assert "hugo.zip" in in_error["hugo"]
    assert "notes.txt" in in_error["jules-petit_1003"]
    assert rows["ines-moreau_1002"][1] == "Inès Moreau"  # the Moodle name, accents intact
    assert "alice.zip" in rows["alice"][3] and rows["alice-2"][2] == "ok"  # a duplicate, both kept
    assert (whole / "gradebook.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets: UTF-8


def test_each_row_is_what_the_submission_gets_graded_alone(submissions, whole, tmp_path):
    """The cohort's verdicts, check by check, equal those of ``check`` on the same files and seed
    (the exercise files as the intake extracted them, so zips and Moodle folders are included)."""
    course = config.load()
    gradable = [submission for submission in
                intake.discover(submissions, tmp_path / "intake", exercise_files(course),
                                course.intake)
                if submission.folder is not None]
    assert len(gradable) == 10
    rows = rows_of(whole)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time, as the cohort's --jobs 2
        graded_alone = pool.map(lambda submission: grade(
            submission.folder, *sample_cohort.EXERCISES, seed=SEED,
            json_path=tmp_path / f"{submission.id}.json"), gradable)
    for submission, alone in zip(gradable, graded_alone):
        in_cohort = json.loads((whole / "students" / submission.id / "report.json")
                               .read_text(encoding="utf-8"))
        _assert_same_verdicts(in_cohort, alone.report, submission.id)
        if not _unjudged(in_cohort) | _unjudged(alone.report):
            row = rows[submission.id]
            assert row[5:7] == [f"{alone.report['score']:g}", f"{alone.report['max_score']:g}"]


def test_the_verdicts_are_the_students_true_ones(whole):
    """Known answers: the solutions get full marks, each variant loses on its own exercise, and the
    submission that overwrites reports and prints a perfect score does not get one."""
    rows = rows_of(whole)
    full = [student_id for student_id, row in rows.items() if row[2] != "erreur"
            and not _lost_points_other_than_pending(whole, student_id)]
    assert sorted(full) == ["alice", "emile-zola_1001", "fanny"]
    columns = {exercise: 7 + index for index, exercise in enumerate(sample_cohort.EXERCISES)}
    for student_id, exercise in (("chloe", "ex03_pool_map"), ("elise", "ex03_pool_map"),
                                 ("gaston", "ex03_pool_map"), ("david", "ex01_process"),
                                 ("alice-2", "ex01_process"), ("ines-moreau_1002", "ex01_process")):
        report = json.loads((whole / "students" / student_id / "report.json").read_text("utf-8"))
        section = next(s for s in report["exercises"] if s["id"] == exercise)
        assert section["score"] < section["max_score"], (student_id, exercise)
        assert rows[student_id][columns[exercise]] == f"{section['score']:g}"
    bruno = json.loads((whole / "students" / "bruno" / "report.json").read_text("utf-8"))
    assert bruno["score"] == 0


def test_gradescope_results_follow_the_report(whole):
    for student_id in ("alice", "chloe", "hugo"):
        results = json.loads((whole / "gradescope" / student_id / "results.json").read_text("utf-8"))
        assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))
        report_path = whole / "students" / student_id / "report.json"
        if report_path.exists():
            report = json.loads(report_path.read_text("utf-8"))
            assert results["score"] == pytest.approx(report["score"])
            assert len(results["tests"]) == sum(len(s["checks"]) for s in report["exercises"])
        else:
            assert results["score"] == 0 and "hugo.zip" in results["output"]
    assert os.access(whole / "gradescope" / "autograder" / "run_autograder", os.X_OK)


def test_a_run_killed_halfway_resumes_without_grading_anyone_twice(submissions, whole, tmp_path,
                                                                   tracked_processes):
    out = tmp_path / "out"
    leftovers = Leftovers()  # orphans of the killed run come back here, a subreaper
    killed = cohort(submissions, out, jobs=1)
    deadline = time.monotonic() + COHORT_TIMEOUT_S
    while not (len(list(out.glob("students/*/entry.json"))) >= 4
               and harness_runs_below(killed.pid)) and time.monotonic() < deadline:
        assert killed.poll() is None, killed.stderr.read()
        time.sleep(0.05)
    killed.kill()  # SIGKILL to the cohort alone, in the middle of a student's grading
    killed.wait()
    if sys.platform.startswith("linux"):  # elsewhere the grader finishes its student, then exits
        assert still_alive_after(tracked_processes, ORPHANS_GONE_S) == set()
    leftovers.end()
    done_before = {path.parent.name: entry(out, path.parent.name)["graded_at"]
                   for path in out.glob("students/*/entry.json")}
    assert 4 <= len(done_before) < len(STUDENTS)

    log = finished(cohort(submissions, out, jobs=2))
    for student_id, graded_at in done_before.items():
        assert entry(out, student_id)["graded_at"] == graded_at, student_id
        assert f"{student_id}: " in log and "déjà corrigé" in _line_of(log, student_id)
    regraded = [student_id for student_id in STUDENTS if student_id not in done_before]
    for student_id in regraded:
        assert "déjà corrigé" not in _line_of(log, student_id)
    _assert_same_cohort(out, whole)


def test_two_shards_merged_equal_one_run_on_the_whole_cohort(submissions, whole, tmp_path):
    shards = [tmp_path / "shard1", tmp_path / "shard2"]
    running = [cohort(submissions, out, "--shard", f"{index}/2", "--format", "gradescope", jobs=1)
               for index, out in enumerate(shards, start=1)]  # at once, as on two machines
    for shard in running:
        finished(shard, exit_codes=(0, 1))
    ids = [set(rows_of(out)) for out in shards]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    merged = tmp_path / "merged"
    joined = subprocess.run([sys.executable, "-m", "grader", "merge", *map(str, shards),
                             "--out", str(merged)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert joined.returncode == 1, joined.stderr
    _assert_same_cohort(merged, whole)
    assert (merged / "cohort.html").exists()
    assert sorted(path.name for path in (merged / "students").iterdir()) == STUDENTS
    assert sorted(path.parent.name for path in (merged / "gradescope").glob("*/results.json")) \
        == STUDENTS
    assert os.access(merged / "gradescope" / "autograder" / "run_autograder", os.X_OK)


def _lost_points_other_than_pending(out: Path, student_id: str) -> list[str]:
    """The checks the student did not pass for a reason of their code (a pending check is the
    machine's: its points wait for a new measure)."""
    report = json.loads((out / "students" / student_id / "report.json").read_text("utf-8"))
    return [check["id"] for exercise in report["exercises"] for check in exercise["checks"]
            if check["status"] != "passed"
            and not (check["status"] == "pending" and machine_bound(check))]


def _verdicts(report: dict) -> dict:
    return {(exercise["id"], check["id"]): (check["status"], check.get("message_key"))
            for exercise in report["exercises"] for check in exercise["checks"]}


def _unjudged(report: dict) -> set:
    """The checks this machine could not measure in that run (busy): not a verdict either way."""
    return {(exercise["id"], check["id"]) for exercise in report["exercises"]
            for check in exercise["checks"] if check["status"] == "pending" and machine_bound(check)}


def _assert_same_verdicts(one: dict, other: dict, student_id: str) -> None:
    """Every check has the same status and message in both, except a check one run could not
    measure (pending, machine too busy), which the other judged."""
    mine, theirs = _verdicts(one), _verdicts(other)
    assert set(mine) == set(theirs), student_id
    differing = {check: (verdict, theirs[check]) for check, verdict in mine.items()
                 if verdict != theirs[check]}
    assert set(differing) <= _unjudged(one) | _unjudged(other), (student_id, differing)


def _assert_same_cohort(out: Path, reference: Path) -> None:
    """The same students with the same status and reason, and the same verdict on every check;
    the gradebooks are then equal cell for cell unless a timing check went unmeasured."""
    rows, expected = rows_of(out), rows_of(reference)
    assert {student: row[:2] + row[3:4] for student, row in rows.items()} == \
        {student: row[:2] + row[3:4] for student, row in expected.items()}
    unmeasured = False
    for student_id in rows:
        mine, theirs = (folder / "students" / student_id / "report.json" for folder in (out, reference))
        if mine.exists() or theirs.exists():
            one, other = (json.loads(path.read_text("utf-8")) for path in (mine, theirs))
            _assert_same_verdicts(one, other, student_id)
            unmeasured |= bool(_unjudged(one) | _unjudged(other))
    if not unmeasured:
        assert rows == expected


def _line_of(log: str, student_id: str) -> str:
    lines = [line for line in log.splitlines() if f"] {student_id}: " in line]
    assert len(lines) == 1, (student_id, lines)  # graded (or reused) exactly once in this run
    return lines[0]


def test_a_check_that_cannot_be_measured_leaves_the_grade_to_review_until_retry_pending(tmp_path):
    """The grader's calibration forced to show a machine that cannot measure ex09's speed-up: the
    solution's row is « à revoir » out of the full maximum, the check named; ``--retry-pending``
    on this (idle) machine measures it again and the row becomes ``ok`` with the full grade."""
    submissions = tmp_path / "submissions"
    make_submission(submissions / "alice", {"ex09_cpu_bound": SOLUTIONS / "ex09_cpu_bound.py"})
    settings = courses.shipped_settings()  # one measure each time: the test is about the cohort
    settings["remeasure"]["attempts"] = 0
    course = courses.write_course(tmp_path, settings)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "cohort", str(submissions), "--out", str(out),
               "--exercise", "ex09_cpu_bound", f"--course={course}"]
    busy = dict(os.environ, MPGRADE_TEST_BUSY_MACHINE="1")
    first = subprocess.run(command, cwd=ROOT, env=busy, capture_output=True, text=True, timeout=600)
    assert first.returncode == 3, first.stderr
    row = rows_of(out)["alice"]
    assert row[2:7] == ["à revoir", "", "ex09_cpu_bound:acceleration", "7", "9"]
    # The course's own re-measures this time (an idle moment may need a second look).
    retried = subprocess.run([part for part in command if not part.startswith("--course")]
                             + ["--retry-pending"], cwd=ROOT, capture_output=True, text=True,
                             timeout=600)
    assert retried.returncode == 0, retried.stderr
    assert rows_of(out)["alice"][2:7] == ["ok", "", "", "9", "9"]
    report = json.loads((out / "students" / "alice" / "report.json").read_text("utf-8"))
    assert report["pending"] == [] and report["score"] == report["max_score"] == 9
