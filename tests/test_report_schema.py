"""Every report validates against docs/report.schema.json: the canned ones here, and every report
the suite's gradings write (``conftest.grade`` validates each one it reads)."""
from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest

from conftest import DATA, ROOT, validate_report

REPORTS = sorted((DATA / "cohort_reports").glob("*.json")) + [DATA / "page" / "interblocage.json"]


@pytest.mark.parametrize("path", REPORTS, ids=[path.stem for path in REPORTS])
def test_the_canned_reports_follow_the_schema(path):
    validate_report(json.loads(path.read_text(encoding="utf-8")))


def test_the_schema_refuses_what_the_contract_forbids():
    report = json.loads(REPORTS[0].read_text(encoding="utf-8"))
    for break_it in (lambda r: r.update(schema=1),
                     lambda r: r["exercises"][0]["checks"][0].update(status="skipped"),
                     lambda r: r["exercises"][0]["checks"][0].update(category="style"),
                     lambda r: r.pop("pending")):
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
