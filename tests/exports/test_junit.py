"""The JUnit XML export (``check --junit``), from canned reports: valid against the JUnit schema
that CI readers use (Jenkins xUnit's junit-10.xsd, kept in data/ with its origin), and read back by
``junitparser`` — the reader CI tools and test-report actions build on — as one testcase per check
with the verdict, the message and the hint."""
from __future__ import annotations

import pytest
import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped

from exports_data import HERE, REPORTS, report, schema1
from grader import catalogue
from grader.cohort.exports import junit
from grader.report.model import Report

SCHEMA = xmlschema.XMLSchema(HERE / "data" / "junit-10.xsd")


def _written(built: Report, tmp_path, language: str = "fr"):
    path = tmp_path / "rapport.junit.xml"
    junit.write(built, path, catalogue.load(language))
    return path


@pytest.mark.parametrize("name", [path.stem for path in REPORTS])
@pytest.mark.parametrize("schema", [1, 2])
def test_valid_against_the_junit_schema(name, schema, tmp_path):
    built = schema1(report(name)) if schema == 1 else report(name)
    SCHEMA.validate(str(_written(built, tmp_path)))


@pytest.mark.parametrize("schema", [1, 2])
def test_read_back_one_testcase_per_check_with_its_verdict(schema, tmp_path):
    built = schema1(report("complet")) if schema == 1 else report("complet")
    built["exercises"][5]["checks"][0].update(status="failed", message="M ù", hint="H <&>",
                                              score=0.0)
    built["exercises"][6]["checks"][0].update(status="error", message="Plantage", hint="",
                                              details="Traceback\nValueError: x", score=0.0)
    xml = JUnitXml.fromfile(str(_written(built, tmp_path)))
    cases = {(case.classname, case.name): case for suite in xml for case in suite}
    checks = [(exercise, check) for exercise in built["exercises"] for check in exercise["checks"]]
    assert len(cases) == len(checks)
    for exercise, check in checks:
        case = cases[(exercise["id"], check["title"])]
        results = {type(result) for result in case.result}
        expected = {"passed": set(), "failed": {Failure}, "error": {Error},
                    "skipped": {Skipped}, "pending": {Skipped}}[check["status"]]
        assert results == expected, (check["id"], check["status"])
    failed = cases[("ex06_queue", built["exercises"][5]["checks"][0]["title"])]
    assert failed.result[0].message == "M ù"
    assert "M ù" in failed.result[0].text and "Piste : H <&>" in failed.result[0].text
    crashed = cases[("ex07_pipe", built["exercises"][6]["checks"][0]["title"])]
    assert "ValueError: x" in crashed.result[0].text
    speedup = next(check for check in built["exercises"][8]["checks"] if check["id"] == "acceleration")
    unmeasured = cases[("ex09_cpu_bound", speedup["title"])]
    assert not unmeasured.is_passed and unmeasured.is_skipped  # not measured is never a pass
    assert xml.tests == len(checks) and xml.failures == 1 and xml.errors == 1


def test_suite_properties_carry_the_report_scores_not_recomputed(tmp_path):
    built = report("sequentiel")
    built["exercises"][2]["max_score"] = 99.0  # whatever the report says is what is shown
    xml = JUnitXml.fromfile(str(_written(built, tmp_path, "en")))
    suites = {suite.name: suite for suite in xml}
    properties = {prop.name: prop.value for prop in suites["ex03_pool_map"].properties()}
    assert properties["max_score"] == "99"
    assert suites["ex03_pool_map"].skipped == 1
