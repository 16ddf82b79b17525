"""The message keys the grader's code raises, read from its source (a check raises a verdict with
its key as the first argument): what the catalogue and the dashboard tests hold against the texts."""
from __future__ import annotations

import re

from conftest import ROOT

RAISED_KEY = re.compile(r'(?:CheckFailed|StudentCodeError|CannotMeasure)\(\s*"(\w+)"')
DETAIL_KEY = re.compile(r'Detail\(\s*"(\w+)"')
CONDITIONAL_KEY = re.compile(r'key = "(\w+)" if [^\n]*(?:\n[^\n]*)? else "(\w+)"')


def keys_in_code() -> set[str]:
    keys = set()
    for path in (ROOT / "grader").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        keys |= set(RAISED_KEY.findall(text))
        for pair in CONDITIONAL_KEY.findall(text):
            keys |= set(pair)
    return keys
