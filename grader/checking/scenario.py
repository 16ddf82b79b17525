"""A scenario: one harness run of an exercise with the inputs the grader drew for it.

Checks share scenarios (module-scoped fixtures), so an exercise runs a few harnesses, not one per
check; and they compare what came back with values computed here, in the grader's process.
"""
from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from grader.checking.exercise_under_test import ExerciseUnderTest, returned
from grader.checking.verdicts import CheckFailed, NotWritten, StudentCodeError
from grader.run.harness import Run, Step

SHOWN_CHARACTERS = 120


@dataclass(frozen=True)
class MachineCheck:
    """A look at the machine cheaper than the scenario's whole run: ``calls`` of the grader's own
    (a calibration), and whether what they measured lets the scenario's checks tell anything now."""

    calls: list[dict]
    allows: Callable[[Run], bool]


@dataclass
class Scenario:
    run: Run
    inputs: list
    file_name: str
    again: Callable[[], Run] | None = None  # the same calls run anew, for a check to measure again
    # Before running them anew: whether this machine could now measure (None: not asked).
    machine_allows: Callable[[], bool] | None = None

    @classmethod
    def timed(cls, student: ExerciseUnderTest, calls: list[dict], inputs: list, file_name: str,
              machine_check: MachineCheck | None = None, **options: object) -> Scenario:
        """A scenario that timing checks may measure again when this machine could not tell; its
        runs have the cores to themselves among the grader's work (``grader.run.reservation``).
        With ``machine_check``, a measure again first looks at the machine that way, alone too,
        and runs the calls anew only if it allows them to tell something now (a busy machine
        costs a calibration per attempt, not the whole scenario)."""
        def again() -> Run:
            return student.run(calls, alone=True, **options)

        scenario = cls(again(), inputs, file_name, again)
        if machine_check is not None:
            looked_at = machine_check
            scenario.machine_allows = lambda: looked_at.allows(student.run(looked_at.calls, alone=True))
        return scenario

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

    def helper_value(self, index: int, function: str) -> Any:
        """What call ``index`` of one of the grader's own helpers (``@take``, ``@join``…) returned:
        JSON of the shape that helper writes, unlike a student's function's value (``value``)."""
        return self.value(index, function)

    def step(self, index: int) -> Step:
        """The step of call ``index``: the checks ask for it once the call has run."""
        return cast(Step, self.run.call(index))

    def expect_written(self, function: str, *indexes: int) -> None:
        """Fail with « not written yet » when ``function``, run in a child during the calls
        ``indexes``, raised NotImplementedError there (the child's output is the step's)."""
        for index in indexes:
            step = self.run.call(index)
            if step is not None and "NotImplementedError" in step.stderr:
                raise NotWritten("a_faire", fonction=function)


def count_to_ask(rng: random.Random, bounds: list[int], example: int) -> int:
    """How many processes (workers, consumers) a run asks for: drawn in the course's range, never
    the example value of the function's signature nor this machine's core count, so an answer
    that ignores its parameter (a ``Pool(4)`` or a ``Pool()`` written in) always fails."""
    low, high = bounds
    allowed = [count for count in range(low, high + 1) if count not in (example, os.cpu_count())]
    return rng.choice(allowed or list(range(low, high + 1)))


def shorten(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def same_value(found: object, expected: object) -> bool:
    """Equal, and of the same types all the way down: ``4.0`` is not the ``int`` 4 that the
    contract returns, ``True`` is not 1, a tuple is not a list."""
    if type(found) is not type(expected):
        return False
    # found is of expected's type: the isinstance checks of found only tell a type checker so.
    if isinstance(expected, (list, tuple)) and isinstance(found, (list, tuple)):
        return len(found) == len(expected) and all(map(same_value, found, expected))
    if isinstance(expected, dict) and isinstance(found, dict):
        return found.keys() == expected.keys() and all(
            same_value(found[key], value) for key, value in expected.items())
    return found == expected


def _as_lists(value: object) -> object:
    """``value`` with its tuples as lists: equal to the expected value but for types?"""
    if isinstance(value, (list, tuple)):
        return [_as_lists(item) for item in value]
    return value


def type_name(value: object) -> str:
    """The type of ``value`` as a student reads it: ``list[int]``, ``tuple[int]``, ``float``."""
    if isinstance(value, (list, tuple)):
        inner = sorted({type(item).__name__ for item in value})
        return f"{type(value).__name__}[{' | '.join(inner)}]" if inner else type(value).__name__
    return type(value).__name__


def expect_equal(found: object, expected: object, function: str, given: object) -> None:
    """Fail with the input, the expected and the obtained value when they differ (in value or in
    type: the values are shown with their types, e.g. ``[0, 4.0]`` against ``[0, 4]``)."""
    if _as_lists(found) == _as_lists(expected) and not same_value(found, expected):  # 4.0, (1,)
        raise CheckFailed("type_incorrect", fonction=function, entree=shorten(given),
                          attendu_type=type_name(expected), obtenu_type=type_name(found))
    if not same_value(found, expected):  # a string is shown as it is: the arguments as written
        raise CheckFailed("resultat_incorrect", fonction=function, entree=shorten(given),
                          attendu=shorten(expected), obtenu=shorten(found))


@contextlib.contextmanager
def deadlock_fails() -> Iterator[None]:
    """Where the check is about termination, a hang is the mistake itself: a failed check (with
    the same diagnosis), not an error of the student's code: a function not waited for again
    because it looped in an earlier run as well."""
    try:
        yield
    except StudentCodeError as error:
        if error.key not in ("delai_depasse", "boucle_deja_vue"):
            raise
        key = "interblocage" if error.key == "delai_depasse" else error.key
        raise CheckFailed(key, **error.facts) from error
