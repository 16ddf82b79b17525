"""A scenario: one harness run of an exercise with the inputs the grader drew for it.

Checks share scenarios (module-scoped fixtures), so an exercise runs a few harnesses, not one per
check; and they compare what came back with values computed here, in the grader's process.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from grader.harness import Run, Step
from grader.submission import ExerciseUnderTest, returned
from grader.verdicts import CheckFailed, StudentCodeError

SHOWN_CHARACTERS = 120


@dataclass
class Scenario:
    run: Run
    inputs: list
    file_name: str
    again: Callable[[], Run] | None = None  # the same calls run anew, for a check to measure again

    @classmethod
    def timed(cls, student: ExerciseUnderTest, calls: list[dict], inputs: list, file_name: str,
              **options: object) -> Scenario:
        """A scenario that timing checks may measure again when this machine could not tell."""
        def again() -> Run:
            return student.run(calls, **options)

        return cls(again(), inputs, file_name, again)

    def measure_again(self) -> bool:
        """Run the same calls anew (same inputs) and read from that run from now on: the checks
        that read this scenario after a re-measure judge the new run. False when it cannot."""
        if self.again is None:
            return False
        self.run = self.again()
        return True

    def value(self, index: int, function: str) -> object:
        """What call ``index`` returned, or the verdict that explains why it did not."""
        return returned(self.run, index, function, self.file_name)

    def step(self, index: int) -> Step:
        return self.run.call(index)


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
