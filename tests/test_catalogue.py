"""Every message key the checks raise and every check has its text in the catalogue."""
from __future__ import annotations

import re

from conftest import ROOT
from grader import catalogue, config

RAISED_KEY = re.compile(r'(?:CheckFailed|StudentCodeError|CannotMeasure)\(\s*"(\w+)"')
CONDITIONAL_KEY = re.compile(r'key = "(\w+)" if [^\n]*(?:\n[^\n]*)? else "(\w+)"')


def _keys_in_code() -> set[str]:
    keys = set()
    for path in (ROOT / "grader").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        keys |= set(RAISED_KEY.findall(text))
        for pair in CONDITIONAL_KEY.findall(text):
            keys |= set(pair)
    return keys


def test_every_raised_message_key_has_a_message_and_a_hint():
    texts = catalogue.load("fr")
    keys = _keys_in_code()
    assert len(keys) > 30
    missing = {key for key in keys if key not in texts.texts["messages"]}
    assert not missing
    assert all(texts.texts["messages"][key].get("hint") for key in keys)


def test_every_check_has_a_french_title():
    texts = catalogue.load("fr")
    for exercise in config.load().exercises.values():
        for check_id in exercise.checks:
            assert texts.check_title(exercise.id, check_id) != check_id, (exercise.id, check_id)


def test_facts_fill_the_message_and_a_missing_fact_shows_as_a_question_mark():
    texts = catalogue.load("fr")
    message, hint = texts.message("pool_taille", {"demandes": 4})
    assert "au lieu de 4" in message and "?" in message
    assert "Pool(4)" in hint
