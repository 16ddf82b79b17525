"""The Gradescope export: results.json from stored reports, checked against the fields Gradescope
reads; the autograder bundle; and run_autograder's guarantee — a valid results.json whatever the
grader did — with a stand-in for the grader (no grading runs here)."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import DATA, course_maximum
from grader import catalogue, config
from grader.cohort import gradescope

REPORTS = sorted((DATA / "cohort_reports").glob("*.json"))
TOP_LEVEL = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
             "tests"}
GRADESCOPE_TEST_FIELDS = {"name", "score", "max_score", "status"}  # what its page shows of a test
CHECK_TEST_FIELDS = GRADESCOPE_TEST_FIELDS | {"number", "output", "tags", "visibility"}
OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def _report(name: str) -> dict:
    return json.loads((DATA / "cohort_reports" / f"{name}.json").read_text(encoding="utf-8"))


def assert_gradescope_results(results: dict) -> None:
    """What Gradescope requires of results.json (its specification), and what mpgrade promises."""
    json.dumps(results)  # plain JSON
    assert TOP_LEVEL <= set(results)
    assert isinstance(results["score"], (int, float)) and results["score"] >= 0
    assert isinstance(results["execution_time"], int) and results["execution_time"] >= 0
    assert results["output_format"] in OUTPUT_FORMATS
    assert results["visibility"] in gradescope.VISIBILITIES
    assert results["stdout_visibility"] == "hidden"
    for test in results["tests"]:
        assert GRADESCOPE_TEST_FIELDS <= set(test), test
        assert test["status"] in ("passed", "failed")
        assert test.get("visibility", "visible") in gradescope.VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0 == test["score"]
        assert isinstance(test["name"], str) and test["name"]
        assert re.fullmatch(r"\d+\.\d+|0", test["number"])
    if results["tests"]:
        assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))


@pytest.mark.parametrize("path", REPORTS, ids=lambda path: path.stem)
def test_each_report_becomes_results_gradescope_accepts_with_one_test_per_check(path):
    report = json.loads(path.read_text(encoding="utf-8"))
    results = gradescope.results(report, catalogue.load("fr"))
    assert_gradescope_results(results)
    checks = [(exercise, check) for exercise in report["exercises"] for check in exercise["checks"]]
    assert len(results["tests"]) == len(checks)
    assert results["score"] == report["score"]
    assert sum(test["max_score"] for test in results["tests"]) == pytest.approx(report["max_score"])
    for test, (exercise, check) in zip(results["tests"], checks):
        assert CHECK_TEST_FIELDS <= set(test), test
        short = exercise["id"][:4]
        assert test["name"].startswith(f"{short} — {check['title']}")
        assert test["number"].split(".")[0] == str(int(short[2:]))
        assert test["tags"] == [check["category"], exercise["id"]]
        assert (test["status"] == "passed") == (check["status"] == "passed")  # pending: not passed
        if check["status"] in ("failed", "error"):
            assert check["message"] in test["output"] and f"Piste : {check['hint']}" in test["output"]
        assert test["score"] == check["score"] and test["max_score"] == check["max_score"]


def test_a_check_the_machine_could_not_measure_scores_0_of_its_points_never_shown_passed():
    report = _report("complet")
    results = gradescope.results(report, catalogue.load("fr"))
    pending = [test for test in results["tests"] if "non mesurée" in test["name"]]
    assert {test["tags"][1] for test in pending} == {"ex03_pool_map", "ex09_cpu_bound"}
    for test in pending:
        assert test["score"] == 0 < test["max_score"] and test["status"] == "failed"
        assert "Non mesurée sur cette machine" in test["output"]
    assert sum(test["max_score"] for test in results["tests"]) == course_maximum()
    assert "Note provisoire : 2 vérification(s) n'ont pas pu être mesurées" in results["output"]


def test_the_output_gives_the_seed_the_start_method_and_the_machine():
    report = _report("sequentiel")
    output = gradescope.results(report, catalogue.load("fr"))["output"]
    assert f"Graine {report['seed']}" in output and "démarrage spawn" in output
    assert f"{report['machine']['cpus']} cœurs" in output and report["machine"]["python"] in output
    assert f"--seed {report['seed']}" in output


def test_english_labels_and_visibility():
    """The labels follow ``texts``; titles and messages are the report's own (``check --lang``
    builds both in the same language)."""
    english = catalogue.load("en")
    results = gradescope.results(_report("sans_join"), english, visibility="after_due_date")
    assert_gradescope_results(results)
    failing = [test for test in results["tests"] if test["status"] == "failed"]
    assert failing and all("Hint:" in test["output"] for test in failing)
    assert all(test["visibility"] == "after_due_date" for test in results["tests"])
    assert "Seed" in results["output"] and "Graine" not in results["output"]
    assert "To replay exactly the same inputs" in results["output"]
    with pytest.raises(ValueError):
        gradescope.results(_report("complet"), english, visibility="public")


def test_a_submission_that_could_not_be_graded_scores_zero_with_the_reason():
    results = gradescope.results_for_error("archive illisible", max_score=103.0)
    assert_gradescope_results(results)
    assert results["score"] == 0 and "archive illisible" in results["output"]
    assert results["tests"][0]["max_score"] == 103.0 and results["tests"][0]["status"] == "failed"
    assert "archive illisible" in results["tests"][0]["output"]


# -- the bundle -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return gradescope.write_bundle(tmp_path_factory.mktemp("gradescope"))


def test_the_bundle_has_executable_scripts_and_the_source_to_install(bundle):
    for name in ("setup.sh", "run_autograder"):
        script = bundle / name
        assert os.access(script, os.X_OK) and script.read_text().startswith("#!")
        subprocess.run(["bash", "-n", str(script)], check=True)  # the shell can read it
    for name in ("pyproject.toml", "README.md", "grader/__init__.py", "grader/course/course.yaml",
                 "grader/locales/fr.yaml", "grader/locales/en.yaml", "grader/run/probe/sitecustomize.py",
                 "grader/checking/pytest.ini", "grader/report/templates/page.html.j2",
                 "grader/cohort/gradescope.py"):
        assert (bundle / name).is_file(), name
    assert not list(bundle.rglob("__pycache__")) and not list(bundle.rglob("*.pyc"))
    run = (bundle / "run_autograder").read_text()
    assert "-m grader.cohort.gradescope autograde /autograder/submission" in run
    assert "/autograder/results/results.json" in run
    assert "/autograder/source" in (bundle / "setup.sh").read_text()


def test_the_zip_holds_the_bundle_at_its_root_with_the_scripts_executable(bundle):
    with zipfile.ZipFile(bundle.parent / "autograder.zip") as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", "pyproject.toml", "grader/__init__.py"} <= names
        for name in ("setup.sh", "run_autograder"):
            mode = archive.getinfo(name).external_attr >> 16
            assert mode & stat.S_IXUSR, name


def test_the_copied_source_builds_into_a_package_with_its_data(bundle, tmp_path):
    """The copy is a whole project: setuptools (offline, as setup.sh's pip will) builds it into a
    source distribution holding the grader and every data file it reads at run time."""
    copy = tmp_path / "source"
    shutil.copytree(bundle, copy)
    built = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta; "
         "print(build_meta.build_sdist(sys.argv[1]))", str(tmp_path)],
        cwd=copy, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    with tarfile.open(tmp_path / built.stdout.split()[-1]) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert "PKG-INFO" in names
    for name in ("grader/__init__.py", "grader/cohort/gradescope.py", "grader/course/course.yaml",
                 "grader/course/fr.yaml", "grader/course/common_checks.py",
                 "grader/course/ex06_queue/exercise.yaml", "grader/course/ex06_queue/checks.py",
                 "grader/course/ex06_queue/en.yaml", "grader/locales/fr.yaml",
                 "grader/run/probe/sitecustomize.py", "grader/checking/pytest.ini",
                 "grader/report/templates/cohort.html.j2"):
        assert name in names, name


# -- run_autograder, with a stand-in for the grader --------------------------------------------------

STAND_IN = """#!{python}
import json, os, sys, time
arguments = sys.argv[1:]  # -m grader check FOLDER --gradescope PATH --json PATH --lang L
folder, results = arguments[3], arguments[arguments.index("--gradescope") + 1]
with open(os.environ["STAND_IN_SEEN"], "w") as seen:  # what it was given to grade
    json.dump(sorted(os.listdir(folder)), seen)
behaviour = {behaviour!r}
if behaviour == "grade":
    with open(results, "w") as out:
        json.dump({{"score": 3.0, "output": "", "tests": [
            {{"name": "t", "score": 3.0, "max_score": 3.0, "status": "passed"}}]}}, out)
    sys.exit(1)
if behaviour == "garbage":
    with open(results, "w") as out:
        out.write("{{not json")
if behaviour == "hang":
    time.sleep(60)
sys.exit(3)
"""
EXERCISE_FILES = ["ex01_process.py", "ex03_pool_map.py"]


@pytest.fixture
def seen(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "seen.json"
    monkeypatch.setenv("STAND_IN_SEEN", str(path))
    return path


def _stand_in(tmp_path: Path, behaviour: str) -> str:
    script = tmp_path / f"python-{behaviour}"
    script.write_text(STAND_IN.format(python=sys.executable, behaviour=behaviour))
    script.chmod(0o755)
    return str(script)


def _submission(tmp_path: Path, *, nested: str | None = None) -> Path:
    """Two exercise files, at the top or one folder down, beside a zip's ``__MACOSX`` litter."""
    submission = tmp_path / "submission"
    folder = submission / nested if nested else submission
    folder.mkdir(parents=True)
    for name in EXERCISE_FILES:
        (folder / name).write_text("# rendu\n")
    (submission / "__MACOSX").mkdir()
    (submission / "__MACOSX" / "ex01_process.py").write_text("")
    return submission


def test_the_grader_s_results_are_the_results(tmp_path, seen):
    written = tmp_path / "results" / "results.json"
    found = gradescope.autograde(_submission(tmp_path), written,
                                 python=_stand_in(tmp_path, "grade"), timeout_s=30)
    assert json.loads(written.read_text()) == found and found["score"] == 3.0
    assert json.loads(seen.read_text()) == EXERCISE_FILES  # a copy, without __MACOSX


def test_files_one_level_down_are_graded_too(tmp_path, seen):
    gradescope.autograde(_submission(tmp_path, nested="mon-rendu"), tmp_path / "results.json",
                         python=_stand_in(tmp_path, "grade"), timeout_s=30)
    assert json.loads(seen.read_text()) == EXERCISE_FILES


@pytest.mark.parametrize("behaviour", ["nothing", "garbage"])
def test_a_grader_that_wrote_nothing_valid_still_leaves_a_valid_zero(tmp_path, seen, behaviour):
    written = tmp_path / "results.json"
    gradescope.autograde(_submission(tmp_path), written, python=_stand_in(tmp_path, behaviour),
                         timeout_s=30)
    results = json.loads(written.read_text())
    assert_gradescope_results(results)
    assert results["score"] == 0 and "code 3" in results["output"]
    course_max = sum(exercise.max_score for exercise in config.load().exercises.values())
    assert results["tests"][0]["max_score"] == course_max


def test_a_grader_that_runs_out_of_time_is_stopped_and_the_student_told(tmp_path, seen):
    written = tmp_path / "results.json"
    gradescope.autograde(_submission(tmp_path), written, language="en",
                         python=_stand_in(tmp_path, "hang"), timeout_s=1)
    results = json.loads(written.read_text())
    assert_gradescope_results(results)
    assert "longer than 1 s" in results["output"] and results["score"] == 0


def test_even_a_crash_of_autograde_itself_leaves_a_result_for_the_student(tmp_path):
    written = tmp_path / "results.json"
    with pytest.raises(FileNotFoundError):  # the traceback goes to Gradescope's log for the teacher
        gradescope.main(["autograde", str(tmp_path / "no-submission"), str(written)])
    results = json.loads(written.read_text())
    assert_gradescope_results(results)
    assert results["score"] == 0 and "FileNotFoundError" in results["output"]
