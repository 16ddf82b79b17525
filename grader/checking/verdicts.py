"""How a check ends when it does not pass: a key into the message catalogue and the facts observed.

Checks raise these; the pytest plugin records the key and the facts, and the report renders them in
the student's language (``grader/catalogue.py``). A check never builds the student's sentence itself.

The class raised says the verdict's ``status`` and its ``kind``: what the message says of the
submission, which the report carries beside the key so that the terminal, the page and the cohort's
dashboard read it instead of keeping lists of keys (``KINDS``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

DETAIL = "detail"  # the key of a detail among the facts of a list (``Detail.as_fact``)
# What a verdict says of the submission: a mistake in what the code does (the default); a function
# not written yet (a stub's NotImplementedError); no code of the contract's shape to run (no file,
# an empty or unreadable one, a syntax error, a missing function or another signature); a module that
# did not load (an exception or a process at import: the guard); this machine could not measure it
# now; the grader's own trouble.
MISTAKE, NOT_WRITTEN, NOT_THERE, NOT_LOADED, MACHINE_BOUND, INTERNAL = KINDS = (
    "mistake", "not_written", "not_there", "not_loaded", "machine_bound", "internal")


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
    kind = MISTAKE

    def __init__(self, key: str, **facts: object) -> None:
        super().__init__(key)
        self.key = key
        self.facts = facts


class CheckFailed(Verdict):
    """The student's code ran, and what it did is not what the exercise asks."""


class NotWritten(CheckFailed):
    """The function (or the demonstration calling it) is not written yet: it raises the stub's
    NotImplementedError."""

    kind = NOT_WRITTEN


class StudentCodeError(Verdict):
    """The student's code could not be judged: it crashed, hung, or is missing."""

    status = "error"


class NotThere(StudentCodeError):
    """Nothing of the contract's shape to run: no file, an empty, binary or non-UTF-8 one, a syntax
    error, a missing function or one with other parameters."""

    kind = NOT_THERE


class NotLoaded(StudentCodeError):
    """The module did not load: an exception, or a process started, while it was imported."""

    kind = NOT_LOADED


class CannotMeasure(Verdict):
    """This machine, now, cannot tell (too busy, one core), as the grader's own calibration shows:
    measured again, then ``pending`` with the reason. It scores 0 and keeps its points in the
    maximum: the grade is provisional until the check is measured."""

    status = "pending"
    kind = MACHINE_BOUND
