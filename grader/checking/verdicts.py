"""How a check ends when it does not pass: a key into the message catalogue and the facts observed.

Checks raise these; the pytest plugin records the key and the facts, and the report renders them in
the student's language (``grader/catalogue.py``). A check never builds the student's sentence itself.
"""
from __future__ import annotations


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
