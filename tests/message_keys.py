"""The message keys the grader's code raises, read from its source (a check raises a verdict with
its key as the first argument), each with the kind its verdict class gives it: what the catalogue
and the dashboard tests hold against the texts."""
from __future__ import annotations

import re

from conftest import ROOT
from grader.checking import verdicts


def _verdict_classes(base: type[verdicts.Verdict] = verdicts.Verdict) -> dict[str, str]:
    """Every verdict class by its name, with its kind."""
    found = {}
    for cls in base.__subclasses__():
        found[cls.__name__] = cls.kind
        found |= _verdict_classes(cls)
    return found


VERDICT_KINDS = _verdict_classes()
RAISED_KEY = re.compile(rf'\b({"|".join(VERDICT_KINDS)})\(\s*"(\w+)"')
DETAIL_KEY = re.compile(r'Detail\(\s*"(\w+)"')
CONDITIONAL_KEY = re.compile(r'key = "(\w+)" if [^\n]*(?:\n[^\n]*)? else "(\w+)"')


def _sources() -> list[str]:
    """The grader's code, engine and course."""
    return [path.read_text(encoding="utf-8") for path in (ROOT / "grader").rglob("*.py")]


def kinds_in_code(sources: list[str] | None = None) -> dict[str, set[str]]:
    """Each key raised in the grader's code, with the kinds it is raised with."""
    kinds: dict[str, set[str]] = {}
    for text in sources if sources is not None else _sources():
        for cls, key in RAISED_KEY.findall(text):
            kinds.setdefault(key, set()).add(VERDICT_KINDS[cls])
    return kinds


def keys_in_code() -> set[str]:
    sources = _sources()
    keys = set(kinds_in_code(sources))
    for text in sources:
        for pair in CONDITIONAL_KEY.findall(text):
            keys |= set(pair)
    return keys
