"""A report as JUnit XML (``check --junit PATH``), the test-report format CI platforms display:
GitLab's ``artifacts:reports:junit``, GitHub's test-report actions, Jenkins.

There is no official JUnit schema; CI readers agree on the one Jenkins' xUnit plugin ships
(``junit-10.xsd``, also what pytest validates its own ``--junitxml`` against). The shape here:
``<testsuites>`` holding one ``<testsuite>`` per exercise (its score and maximum as properties), one
``<testcase>`` per check — ``classname`` the exercise id (CI viewers group by it), ``name`` the
check's title — and inside it ``<failure>`` (failed), ``<error>`` (the student's code crashed or
hung) or ``<skipped>`` (not measured on this machine: pending/skipped), whose text is the message,
then the hint (and the end of a traceback for an error). Written with ``xml.etree.ElementTree``,
which escapes what must be.
"""
from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from grader.catalogue import Catalogue
from grader.cohort.exports import measured, number
from grader.report.model import CheckReport, ExerciseReport, Report, write_text

DETAIL_LINES = 20  # of an error's traceback or last output, after its message and hint
ELEMENT = {"failed": "failure", "error": "error"}


def document(report: Report, texts: Catalogue) -> ElementTree.Element:
    """The ``<testsuites>`` element of ``report`` (the JSON contract of ``grader/report/model.py``)."""
    label = texts.section("exports")
    root = ElementTree.Element("testsuites", name=label("junit.suites", soumission=str(
        report.get("submission", "?"))))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for exercise in report.get("exercises", []):
        suite = _suite(exercise, report, texts)
        root.append(suite)
        for key in ("tests", "failures", "errors", "skipped"):
            totals[key] += int(suite.get(key, "0"))
        totals["time"] += float(suite.get("time", "0"))
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", str(totals["errors"]))
    root.set("time", f"{totals['time']:.3f}")
    return root


def write(report: Report, path: Path, texts: Catalogue) -> None:
    """Write the JUnit XML of ``report`` to ``path`` (UTF-8, with its XML declaration)."""
    root = document(report, texts)
    ElementTree.indent(root)
    text = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n", path)


def _suite(exercise: ExerciseReport, report: Report, texts: Catalogue) -> ElementTree.Element:
    cases = [_case(exercise, check, texts) for check in exercise["checks"]]
    outcome = [case[0].tag if len(case) else "" for case in cases]
    suite = ElementTree.Element(
        "testsuite", name=exercise["id"], tests=str(len(cases)),
        failures=str(outcome.count("failure")), errors=str(outcome.count("error")),
        skipped=str(outcome.count("skipped")),
        time=f"{sum(float(case.get('time', '0')) for case in cases):.3f}")
    if report.get("graded_at"):
        suite.set("timestamp", str(report["graded_at"]))
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in (("title", exercise.get("title", exercise["id"])),
                        ("score", number(exercise.get("score", 0.0))),
                        ("max_score", number(exercise.get("max_score", 0.0))),
                        ("seed", str(report.get("seed", ""))),
                        ("start_method", str(report.get("start_method", "")))):
        ElementTree.SubElement(properties, "property", name=name, value=value)
    suite.extend(cases)
    return suite


def _case(exercise: ExerciseReport, check: CheckReport, texts: Catalogue) -> ElementTree.Element:
    label = texts.section("exports")
    case = ElementTree.Element("testcase", classname=exercise["id"],
                               name=check.get("title") or check["id"],
                               time=f"{float(check.get('duration_s', 0.0)):.3f}")
    points = label("junit.points", score=number(check.get("score", 0.0)),
                   max=number(check.get("max_score", 0.0)))
    if not measured(check):
        reason = check.get("message") or label("junit.not_measured")
        ElementTree.SubElement(case, "skipped", message=f"{reason} ({points})").text = _text(
            check, texts, reason)
    elif check.get("status") in ELEMENT:
        message = check.get("message") or check.get("message_key") or check["status"]
        element = ElementTree.SubElement(case, ELEMENT[check["status"]], message=message,
                                         type=check.get("message_key") or check["status"])
        element.text = _text(check, texts, message) + f"\n\n{points}"
    return case


def _text(check: CheckReport, texts: Catalogue, message: str) -> str:
    """The message, then the hint, then (an error) the last lines of what the code showed."""
    parts = [message]
    if check.get("hint"):
        parts.append(f"{texts.page('hint')} {check['hint']}")
    if check.get("status") == "error" and check.get("details"):
        parts.append("\n".join(str(check["details"]).splitlines()[-DETAIL_LINES:]))
    return "\n\n".join(parts)
