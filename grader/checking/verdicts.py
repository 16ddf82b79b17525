"""How a check ends when it does not pass: a key into the message catalogue and the facts observed.

Checks raise these; the pytest plugin records the key and the facts, and the report renders them in
the student's language (``grader/catalogue.py``). A check never builds the student's sentence itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DETAIL = "detail"  # the key of a detail among the facts of a list (``Detail.as_fact``)


@dataclass(frozen=True)
class Detail:
    """One item of a list inside a message (a contradiction, a place): a key into the catalogue's
    ``details`` and its own facts, worded in the student's language like the message itself."""

    key: str
    facts: dict[str, object] = field(default_factory=dict)

    def __init__(self, key: str, **facts: object) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "facts", facts)

    def as_fact(self) -> dict[str, object]:
        return {DETAIL: self.key, **self.facts}


class Verdict(Exception):
    """A check's outcome other than ``passed``: ``status`` plus a message key and its facts."""

    status = "failed"

    def __init__(self, key: str, **facts: object) -> None:
        super().__init__(key)
        self.key = key
        self.facts = facts


class CheckFailed(Verdict):
    """The student's code ran, and what it did is not what the exercise asks."""


class StudentCodeError(Verdict):
    """The student's code could not be judged: it crashed, hung, or is missing."""

    status = "error"


class CannotMeasure(Verdict):
    """This machine, now, cannot tell (too busy, one core), as the grader's own calibration shows:
    measured again, then ``pending`` with the reason. It scores 0 and keeps its points in the
    maximum: the grade is provisional until the check is measured."""

    status = "pending"
