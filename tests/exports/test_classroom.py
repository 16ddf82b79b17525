"""The GitHub Classroom output, decoded exactly as ``autograding-grading-reporter`` decodes it
(``Buffer.from(env[RUNNER + "_RESULTS"], "base64").toString("utf-8")`` then ``JSON.parse``) and
totalled as its ``NotifyClassroom`` does (sum of ``tests[].score`` out of the sum of ``max_score``):
the points Classroom records are the report's."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, STUBS
from exports_data import REPORTS, report, schema1
from grader import catalogue
from grader.cohort.exports import classroom

WORKFLOW = ROOT / ".github" / "workflows" / "classroom.yml"


def reporter_decode(value: str) -> dict:
    """What the reporter's main.js does with ``MPGRADE_RESULTS``."""
    return json.loads(base64.b64decode(value, validate=True).decode("utf-8"))


def notify_classroom(results: list[dict]) -> tuple[float, float]:
    """The reporter's NotifyClassroom: (totalPoints, maxPoints)."""
    total = maximum = 0.0
    for result in results:
        if not result["max_score"]:
            continue
        maximum += result["max_score"]
        total += sum(test["score"] for test in result["tests"])
    return total, maximum


@pytest.mark.parametrize("name", [path.stem for path in REPORTS])
@pytest.mark.parametrize("schema", [1, 2])
def test_points_the_reporter_sends_are_the_reports(name, schema):
    built = schema1(report(name)) if schema == 1 else report(name)
    decoded = reporter_decode(classroom.encoded(built, catalogue.load("fr")))
    assert decoded["version"] == 1
    assert set(decoded) == {"version", "status", "max_score", "tests"}
    for test in decoded["tests"]:
        assert set(test) >= {"name", "status", "score", "message", "line_no", "duration"}
        assert test["status"] in ("pass", "fail", "error")
        assert isinstance(test["duration"], int) and test["line_no"] == 0
    total, maximum = notify_classroom([decoded])
    assert total == pytest.approx(built["score"]) and maximum == built["max_score"]
    checks = [check for exercise in built["exercises"] for check in exercise["checks"]]
    assert len(decoded["tests"]) == len(checks)
    for check, test in zip(checks, decoded["tests"]):
        assert test["score"] == (check["score"] if check["status"] not in ("pending", "skipped")
                                 else 0)
        if check["status"] in ("pending", "skipped"):
            assert test["status"] == "error" and test["message"]  # never a pass
    if any(check["status"] in ("failed", "error") for check in checks):
        assert decoded["status"] == "fail"


def test_partial_credit_per_check_and_status_of_a_provisional_grade():
    built = report("complet")
    decoded = reporter_decode(classroom.encoded(built, catalogue.load("en")))
    assert decoded["status"] == "error"  # only pending checks short: provisional, run it again
    assert decoded["max_score"] == built["max_score"] > 100
    assert sum(test["score"] for test in decoded["tests"]) == 101
    failing = report("sans_join")
    decoded = reporter_decode(classroom.encoded(failing, catalogue.load("fr")))
    scores = {test["score"] for test in decoded["tests"] if test["status"] == "pass"}
    assert scores >= {0.5, 1.0, 2.0} and decoded["status"] == "fail"
    failed = next(test for test in decoded["tests"] if test["status"] == "fail")
    assert "Piste :" in failed["message"]


def test_appends_to_github_output_or_prints(tmp_path, capsys):
    output = tmp_path / "github_output"
    output.write_text("before=1\n", encoding="utf-8")
    line = classroom.publish(report("complet"), catalogue.load("fr"), {"GITHUB_OUTPUT": str(output)})
    assert output.read_text(encoding="utf-8") == f"before=1\n{line}\n"
    assert capsys.readouterr().out == ""
    classroom.publish(report("complet"), catalogue.load("fr"), {})
    printed = capsys.readouterr().out.strip()
    assert printed == line and reporter_decode(printed.removeprefix("result="))["tests"]


def test_check_command_sets_the_output_and_writes_junit(tmp_path):
    """One real grading (ex01 on the stubs: NotImplementedError, quick): the CLI wiring."""
    output = tmp_path / "github_output"
    command = [sys.executable, "-m", "grader", "check", str(STUBS), "--exercise", "ex01_process",
               "--github-classroom", "--junit", str(tmp_path / "junit.xml"),
               "--json", str(tmp_path / "report.json")]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, GITHUB_OUTPUT=str(output)))
    assert done.returncode == 1, done.stderr
    built = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    name, _, value = output.read_text(encoding="utf-8").strip().partition("=")
    decoded = reporter_decode(value)
    assert name == "result" and decoded["status"] == "fail"
    assert notify_classroom([decoded]) == (built["score"], built["max_score"])
    assert (tmp_path / "junit.xml").read_text(encoding="utf-8").count("<testcase") == len(
        built["exercises"][0]["checks"])


def test_workflow_template_feeds_the_reporter():
    import yaml
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["autograding"]["steps"]
    grading = next(step for step in steps if step.get("id") == "mpgrade")
    assert "--github-classroom" in grading["run"]
    reporter = next(step for step in steps
                    if "autograding-grading-reporter" in step.get("uses", ""))
    assert reporter["with"]["runners"] == "mpgrade"
    assert reporter["env"]["MPGRADE_RESULTS"] == "${{ steps.mpgrade.outputs.result }}"
    assert reporter["if"] == "always()"
