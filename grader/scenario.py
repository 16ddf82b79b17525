"""A scenario: one harness run of an exercise with the inputs the grader drew for it.

Checks share scenarios (module-scoped fixtures), so an exercise runs a few harnesses, not one per
check; and they compare what came back with values computed here, in the grader's process.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from grader.harness import Run, Step
from grader.submission import returned
from grader.verdicts import CheckFailed, StudentCodeError

SHOWN_CHARACTERS = 120


@dataclass
class Scenario:
    run: Run
    inputs: list
    file_name: str

    def value(self, index: int, function: str) -> object:
        """What call ``index`` returned, or the verdict that explains why it did not."""
        return returned(self.run, index, function, self.file_name)

    def step(self, index: int) -> Step:
        return self.run.call(index)

    def expect_written(self, function: str, *indexes: int) -> None:
        """Fail with « not written yet » when ``function``, run in a child during the calls
        ``indexes``, raised NotImplementedError there (the child's output is the step's)."""
        for index in indexes:
            step = self.step(index)
            if step is not None and "NotImplementedError" in step.stderr:
                raise CheckFailed("a_faire", fonction=function)


def shorten(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def expect_equal(found: object, expected: object, function: str, given: object) -> None:
    """Fail with the input, the expected and the obtained value when they differ."""
    if found != expected:  # a string is shown as it is: the arguments as the student would write them
        raise CheckFailed("resultat_incorrect", fonction=function, entree=shorten(given),
                          attendu=shorten(expected), obtenu=shorten(found))


@contextlib.contextmanager
def deadlock_fails() -> Iterator[None]:
    """Where the check is about termination, a hang is the mistake itself: a failed check (with
    the same diagnosis), not an error of the student's code."""
    try:
        yield
    except StudentCodeError as error:
        if error.key != "delai_depasse":
            raise
        raise CheckFailed("interblocage", **error.facts) from error
