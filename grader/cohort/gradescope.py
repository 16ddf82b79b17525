"""Gradescope: a report as the autograder's ``results.json``, and the bundle that runs mpgrade there.

Gradescope builds a container image once per assignment from an uploaded zip (``setup.sh`` runs as
root, with ``/autograder/source`` holding the zip's contents); then, for each submission, it puts the
student's files in ``/autograder/submission``, runs ``/autograder/run_autograder`` and reads
``/autograder/results/results.json``. ``write_bundle`` writes that zip's contents (and the zip):
``setup.sh`` installs Python and this project in ``/autograder/venv``; ``run_autograder`` calls
``python -m grader.cohort.gradescope autograde``, which grades a copy of the submission with
``python -m grader check --gradescope …`` in a subprocess and always leaves a valid results.json —
the grader's, or, when grading crashed or ran out of time, a score of 0 that says why
(``results_for_error``). The results are written there last, by this process, after every process
of the student's is gone: a submission cannot write its own grade.

results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/): one test per check,
named "exNN — title", numbered "N.k", its points, status ``passed`` or ``failed`` (Gradescope knows
no other), message and hint as output, tags [category, exercise]; plain-text output (Markdown would
eat the underscores of ``__main__``).

Gradescope's default container has half a vCPU, 768 MB of memory and a 10 min timeout:
- With half a CPU, a timing bound no longer separates parallel from sequential and there is no
  speed-up to measure: those checks (ex03/ex04/ex05's wall time, ex09's speed-up) are ``pending``
  there with their reason: 0 out of their points, status ``failed`` (Gradescope knows no other way
  to say "no points yet"), "(non mesurée)" in the name, the grade provisional until the teacher
  re-measures them (``cohort --retry-pending``). Checks decided from structure (which processes ran
  the tasks, how many at once, who joined whom) still judge. For every check to be measured, give
  the assignment 2 CPUs or more in its Autograder Settings.
- Raise the memory to 2 GB or more (the course's limits allow a student's process up to
  ``limits.memory_mb``): past the container's limit Gradescope kills everything, results included.
- Grading all nine exercises takes a few minutes on half a CPU, more when deadlocks run to their
  time limit: ``run_autograder`` stops at ``MPGRADE_TIMEOUT_S`` (540 s, under the 10 min default;
  raise both together).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from grader import catalogue as catalogues
from grader import config
from grader.catalogue import Catalogue
from grader.report import model
from grader.report.model import NOT_MEASURED, CheckReport, ExerciseReport, Report
from grader.report.visibility import stricter
from grader.run.process_tree import kill_group

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
OUTPUT_FORMAT = "text"
DETAIL_LINES = 20  # of a crash's traceback or last output, under the message of an error
DEFAULT_TIMEOUT_S = 540
ROOT = Path(__file__).resolve().parent.parent.parent  # the project: above grader/
SOURCE_FILES = ("pyproject.toml", "README.md")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".pytest_cache", "*.tmp")
SUBMISSION_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".git", "__MACOSX", ".DS_Store")
EXECUTABLE = stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: Python and mpgrade.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --disable-pip-version-check /autograder/source
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission (files in /autograder/submission) and reads
# /autograder/results/results.json. mpgrade grades a copy of the submission and always leaves a
# valid results.json; the lines below only matter if Python itself cannot start.
#   MPGRADE_LANG: language of the feedback (fr, en).
#   MPGRADE_TIMEOUT_S: grading stops after this; keep it under the assignment's timeout (10 min by
#   default on Gradescope).
set -u
LANGUAGE="${MPGRADE_LANG:-fr}"
TIMEOUT_S="${MPGRADE_TIMEOUT_S:-540}"
RESULTS=/autograder/results/results.json
PYTHON=/autograder/venv/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
mkdir -p /autograder/results
cd /autograder
"$PYTHON" -m grader.cohort.gradescope autograde /autograder/submission "$RESULTS" \\
    --lang "$LANGUAGE" --timeout "$TIMEOUT_S"
if [ ! -s "$RESULTS" ]; then
    cat > "$RESULTS" <<'EOF'
{"score": 0, "output": "mpgrade could not start: tell your teacher. / mpgrade n'a pas pu démarrer : prévenez l'enseignant.", "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}
EOF
fi
exit 0
"""  # noqa: E501 (the fallback results.json is written as one JSON line)


# -- results.json -------------------------------------------------------------------------------


def results(report: Report, texts: Catalogue, *, visibility: str = "visible") -> dict:
    """Gradescope's results.json for ``report`` (the JSON contract of ``grader/report/model.py``)."""
    _check_visibility(visibility)
    tests = [_test(exercise, position, check, texts, visibility)
             for exercise in report.get("exercises", [])
             for position, check in enumerate(exercise.get("checks", []), start=1)]
    durations = sum(check.get("duration_s", 0.0) for exercise in report.get("exercises", [])
                    for check in exercise.get("checks", []))
    return {"score": report.get("score", 0.0), "execution_time": math.ceil(durations),
            "output": _summary(report, texts), "output_format": OUTPUT_FORMAT,
            "test_output_format": OUTPUT_FORMAT, "visibility": visibility,
            "stdout_visibility": "hidden", "tests": tests}


def results_for_error(reason: str, *, max_score: float) -> dict:
    """The submission could not be graded: 0 out of ``max_score``, and ``reason`` (already in the
    student's language) where they read it."""
    return {"score": 0.0, "execution_time": 0, "output": reason, "output_format": OUTPUT_FORMAT,
            "test_output_format": OUTPUT_FORMAT, "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": "mpgrade", "number": "0", "score": 0.0, "max_score": max_score,
                       "status": "failed", "output": reason, "visibility": "visible"}]}


def _test(exercise: ExerciseReport, position: int, check: CheckReport, texts: Catalogue,
          visibility: str) -> dict:
    labels = _labels(texts)
    short = exercise["id"].split("_", 1)[0]
    pending = check["status"] in NOT_MEASURED
    name = labels("gradescope.pending_name" if pending else "gradescope.test_name",
                  exercice=short, titre=check.get("title", check["id"]))
    return {"name": name, "number": f"{_exercise_number(exercise['id'])}.{position}",
            "score": check.get("score", 0.0), "max_score": check.get("max_score", 0.0),
            # a check that did not run, or could not be measured, is never shown as passed
            "status": "passed" if check["status"] == "passed" else "failed",
            "output": _test_output(check, texts), "output_format": OUTPUT_FORMAT,
            "tags": [check.get("category", ""), exercise["id"]],
            # the check's visibility (its exercise.yaml, in the report), unless the whole is stricter
            "visibility": stricter(visibility, check.get("visibility", "visible"))}


def _exercise_number(exercise_id: str) -> int:
    """3 for ex03_pool_map (0 for an id not of that form)."""
    digits = exercise_id[2:].split("_", 1)[0] if exercise_id.startswith("ex") else ""
    return int(digits) if digits.isdigit() else 0


def _test_output(check: CheckReport, texts: Catalogue) -> str:
    parts = []
    if check["status"] in NOT_MEASURED:
        parts.append(_labels(texts)("gradescope.pending_output"))
    if check.get("message"):
        parts.append(check["message"])
    if check.get("hint") and check["status"] != "passed":
        parts.append(f"{texts.page('hint')} {check['hint']}")
    if check["status"] == "error" and check.get("details"):
        parts.append("\n".join(str(check["details"]).splitlines()[-DETAIL_LINES:]))
    return "\n\n".join(parts)


def _summary(report: Report, texts: Catalogue) -> str:
    """Seed, start method and machine: what the student needs to replay it and to read why a check
    is pending."""
    machine: Mapping[str, Any] = report.get("machine") or {}
    load = machine.get("load")
    facts = [f"{texts.page('seed')} {report.get('seed', '?')}",
             texts.page("start_method", methode=report.get("start_method", "?")),
             texts.page("cores", nombre=machine.get("cpus", "?")),
             texts.page("python", version=machine.get("python", "?")),
             texts.page("load", charge=" / ".join(f"{value:.2f}" for value in load)) if load
             else texts.page("load_unknown")]
    lines = [" · ".join(facts), _labels(texts)("gradescope.replay", graine=report.get("seed", "?"))]
    pending = sum(check["status"] in NOT_MEASURED for exercise in report.get("exercises", [])
                  for check in exercise.get("checks", []))
    if pending:
        lines.append(_labels(texts)("gradescope.pending_note", nombre=pending))
    return "\n".join(lines)


def _labels(texts: Catalogue) -> Callable[..., str]:
    """The ``cohort:`` labels (``gradescope.…`` among them), looked up as the page's are."""
    return texts.section("cohort")


def _check_visibility(visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")


# -- the bundle ---------------------------------------------------------------------------------


def write_bundle(out: Path) -> Path:
    """Write ``out/autograder/`` — setup.sh, run_autograder, and the project's source that setup.sh
    pip-installs — and ``out/autograder.zip`` of its contents, to upload as the assignment's
    autograder. Returns the folder."""
    folder = Path(out) / "autograder"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in SOURCE_FILES:
        shutil.copy2(ROOT / name, folder / name)
    shutil.copytree(ROOT / "grader", folder / "grader", ignore=IGNORED)
    for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
        script = folder / name
        script.write_text(text, encoding="utf-8", newline="\n")
        script.chmod(EXECUTABLE)
    _zip(folder, Path(out) / "autograder.zip")
    return folder


def _zip(folder: Path, path: Path) -> None:
    """The folder's contents at the root of the archive (where Gradescope looks), modes kept."""
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                info = zipfile.ZipInfo.from_file(file, file.relative_to(folder).as_posix())
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, file.read_bytes())
    os.replace(temporary, path)


# -- on Gradescope: run_autograder ------------------------------------------------------------------


def autograde(submission: Path, results_path: Path, *, language: str = catalogues.DEFAULT_LANGUAGE,
              timeout_s: float = DEFAULT_TIMEOUT_S, python: str = sys.executable) -> dict:
    """Grade a copy of ``submission`` with ``python -m grader check`` in a subprocess and write
    Gradescope's results to ``results_path``, whatever happened: the grader's results, or 0 with
    the reason when it crashed, ran out of time or wrote nothing valid."""
    texts = catalogues.load(language)
    with tempfile.TemporaryDirectory(prefix="mpgrade-gradescope-") as folder_name:
        work = Path(folder_name)
        folder = copy_submission(Path(submission), work / "submission")
        graded = work / "results.json"
        command = [python, "-m", "grader", "check", str(folder), "--gradescope", str(graded),
                   "--json", str(work / "report.json"), "--lang", language]
        code = _run(command, timeout_s, cwd=work)
        found = _valid_results(graded) if code is not None else None
        if found is None:
            why = (_labels(texts)("gradescope.timeout", limite=round(timeout_s)) if code is None
                   else _labels(texts)("gradescope.no_result", code=code))
            found = results_for_error(_labels(texts)("gradescope.crashed", raison=why),
                                      max_score=_course_max_score())
    model.write_json(found, Path(results_path))
    return found


def copy_submission(submission: Path, destination: Path) -> Path:
    """Copy the folder holding the exercise files — the submission itself, or the one folder one
    level down with the most of them (a zip of a folder, a repository with ``exercises/``) —
    to ``destination``, which it returns."""
    names = {f"{exercise_id}.py" for exercise_id in config.load().exercises}

    def count(folder: Path) -> int:
        return sum((folder / name).is_file() for name in names)

    candidates = [submission] + sorted(path for path in submission.iterdir()
                                       if path.is_dir() and not path.name.startswith((".", "__")))
    best = max(candidates, key=count)  # the first of the best: the top level wins a tie
    shutil.copytree(best if count(best) else submission, destination, ignore=SUBMISSION_IGNORED,
                    symlinks=True)
    return destination


def _run(command: list[str], timeout_s: float, cwd: Path) -> int | str | None:
    """Run the grader in its own session: its exit status (whatever it is, the results it wrote
    are judged by their content), the error that kept it from starting, or None when it ran out of
    time (then its whole process group is killed)."""
    try:
        process = subprocess.Popen(command, cwd=cwd, start_new_session=True)
    except OSError as error:
        return error.strerror or str(error)
    try:
        return process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None
    finally:
        kill_group(process)  # and whatever of the student's outlived the grader in its session


def _valid_results(path: Path) -> dict | None:
    """The results the grader wrote, if they are what Gradescope accepts."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    tests = found.get("tests") if isinstance(found, dict) else None
    if not isinstance(tests, list) or not isinstance(found.get("score"), (int, float)):
        return None
    if not all(isinstance(test, dict) and test.get("status") in ("passed", "failed") for test in tests):
        return None
    return found


def _course_max_score() -> float:
    return sum(exercise.max_score for exercise in config.load().exercises.values())


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.cohort.gradescope autograde SUBMISSION RESULTS``: what run_autograder calls."""
    parser = argparse.ArgumentParser(prog="python -m grader.cohort.gradescope")
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("autograde", help="grade a Gradescope submission into results.json")
    grade.add_argument("submission", type=Path)
    grade.add_argument("results", type=Path)
    grade.add_argument("--lang", default=catalogues.DEFAULT_LANGUAGE)
    grade.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S)
    bundle = commands.add_parser("bundle", help="write OUT/autograder/ and OUT/autograder.zip")
    bundle.add_argument("out", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.command == "bundle":
        print(write_bundle(arguments.out))
        return 0
    try:
        autograde(arguments.submission, arguments.results, language=arguments.lang,
                  timeout_s=arguments.timeout)
    except Exception as error:  # the last line of defence: the student still gets a result
        texts = catalogues.load(arguments.lang)
        reason = _labels(texts)("gradescope.crashed", raison=f"{type(error).__name__}: {error}")
        model.write_json(results_for_error(reason, max_score=_course_max_score()), arguments.results)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
