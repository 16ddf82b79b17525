"""Every report validates against docs/report.schema.json: the canned ones here, and every report
the suite's gradings write (``conftest.grade`` validates each one it reads)."""
from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest

from conftest import DATA, REPORT_SCHEMA, ROOT, validate_report
from grader.report import model

REPORTS = sorted((DATA / "cohort_reports").glob("*.json")) + [DATA / "page" / "interblocage.json"]


@pytest.mark.parametrize("path", REPORTS, ids=[path.stem for path in REPORTS])
def test_the_canned_reports_follow_the_schema(path):
    validate_report(json.loads(path.read_text(encoding="utf-8")))


def test_the_schema_refuses_what_the_contract_forbids():
    report = json.loads(REPORTS[0].read_text(encoding="utf-8"))
    for break_it in (lambda r: r.update(schema=1),
                     lambda r: r["exercises"][0]["checks"][0].update(status="skipped"),
                     lambda r: r["exercises"][0]["checks"][0].update(category="style"),
                     lambda r: r.pop("pending"),
                     lambda r: next(check for exercise in r["exercises"] for check in exercise["checks"]
                                    if check["status"] != "passed").pop("kind")):
        broken = copy.deepcopy(report)
        break_it(broken)
        with pytest.raises(jsonschema.ValidationError):
            validate_report(broken)
    pending = copy.deepcopy(report)
    pending["exercises"][0]["checks"][0].update(status="pending", score=1.0)  # pending scores 0
    with pytest.raises(jsonschema.ValidationError):
        validate_report(pending)


def test_the_documented_example_follows_the_schema():
    """docs/report.md's example report is one the schema accepts (the page cannot drift from it)."""
    page = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", page, re.S).group(1))
    validate_report(example)
    assert example["schema"] == json.loads((ROOT / "docs" / "report.schema.json").read_text(
        encoding="utf-8"))["properties"]["schema"]["const"]


@pytest.mark.parametrize("typed, schema", [
    (model.Report, REPORT_SCHEMA), (model.ExerciseReport, REPORT_SCHEMA["$defs"]["exercise"]),
    (model.CheckReport, REPORT_SCHEMA["$defs"]["check"])], ids=["report", "exercise", "check"])
def test_the_report_types_and_the_schema_name_the_same_keys(typed, schema):
    """The types the code reads the report with (grader/report/model.py) and the schema a reader
    of the JSON validates it with say the same: which keys, and which of them are always there."""
    assert typed.__required_keys__ == set(schema["required"])
    assert typed.__required_keys__ | typed.__optional_keys__ == set(schema["properties"])
