"""The pytest plugin that makes pytest the grader: options, exercise selection, verdict metadata.

Loaded with ``-p grader.checking.pytest_plugin`` by ``grader.checking.grading`` in a pytest process
that never imports student code. Each check's outcome is recorded as pytest-json-report metadata:
exercise, check id, status, message key and facts. The report is built from that data
(``grader.report.model``).
"""
from __future__ import annotations

import json
import os
import time
import traceback
from typing import Any, cast

import pytest

from grader.checking.scenario import Scenario
from grader.checking.verdicts import INTERNAL, CannotMeasure, Verdict
from grader.config import COMMON_CHECKS_FILE
from grader.run import process_tree, reservation
from grader.run.harness import Run

CHECK_PREFIX = "test_"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mpgrade")
    group.addoption("--submission", help="folder of the submission to grade")
    group.addoption("--seed", type=int, default=0, help="seed of the random inputs")
    group.addoption("--start-method", default=None, help="spawn, fork or forkserver")
    group.addoption("--course", default=None, help="course folder (default: grader/course/)")
    group.addoption("--observations", help="write the timelines of the runs to this JSON file")
    group.addoption("--grade-exercise", action="append", default=[],
                    help="grade only this exercise (repeatable)")
    group.addoption("--grade-check", action="append", default=[],
                    help="grade only this check, as exercise:check (repeatable)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "exercise(id): the exercise a check module grades")


def pytest_sessionstart(session: pytest.Session) -> None:
    # Ended with the grading that started it (Linux), however that one ends.
    grading_pid = os.environ.get(process_tree.ENDS_WITH)
    if grading_pid:
        process_tree.end_with_parent(int(grading_pid))
    # This pytest's work shares the cores, its timed runs take them alone. Never let go before
    # the process ends (its report, its output, its interpreter's teardown are work too).
    reservation.hold()


def exercise_of(item: pytest.Item) -> str:
    """The exercise a check belongs to: its ``exercise_id`` parameter (a check of several exercises,
    ``common_checks.py``), or the folder of its module (``ex03_pool_map/checks.py``)."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "exercise_id" in callspec.params:
        return callspec.params["exercise_id"]
    return item.path.parent.name


def check_id_of(item: pytest.Item) -> str:
    return cast(pytest.Function, item).originalname.removeprefix(CHECK_PREFIX)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Each exercise's own checks first, the common ones (the guard: they run the file as a script)
    # after: a function the demonstration leaves looping is then known to the exercise's checks
    # only from their own runs (ExerciseUnderTest.known_loops), never from the script's.
    items.sort(key=lambda item: item.path.name == COMMON_CHECKS_FILE)  # stable: the order within kept
    wanted = set(config.getoption("--grade-exercise"))
    checks = set(config.getoption("--grade-check"))
    if not wanted and not checks:
        return
    kept = [item for item in items if (not wanted or exercise_of(item) in wanted)
            and (not checks or f"{exercise_of(item)}:{check_id_of(item)}" in checks)]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool:
    """Call the check; when this machine could not measure it, measure again — the scenarios it
    reads run anew, after a pause that grows each time — before it is ``pending``. Scenarios that
    first look at the machine (``Scenario.machine_allows``) are all asked before any runs anew:
    while one finds the machine still unable, the attempt is counted and the check keeps its
    verdict. A check whose re-measure could not run (the new run crashed or was refuted) keeps its
    first ``pending``. Measured more than once, its verdict says how many times (``mesures``)."""
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    remeasure = pyfuncitem._request.getfixturevalue("course").remeasure
    measurements = 1
    while True:
        try:
            pyfuncitem.obj(**arguments)
            if measurements > 1:
                facts = getattr(pyfuncitem, "mpgrade_measured", {})
                pyfuncitem.mpgrade_measured = {**facts, "mesures": measurements}  # type: ignore[attr-defined]
            return True
        except CannotMeasure as verdict:
            scenarios = [value for value in arguments.values()
                         if isinstance(value, Scenario) and value.again is not None]
            measured_anew = False
            while not measured_anew:
                verdict.facts["mesures"] = measurements
                if measurements > remeasure.attempts or not scenarios:
                    raise
                with reservation.paused():  # a pause for the load to pass: no core held meanwhile
                    time.sleep(measurements * remeasure.wait_s)
                measurements += 1
                try:
                    measured_anew = all([scenario.machine_allows is None or scenario.machine_allows()
                                         for scenario in scenarios])
                    for scenario in scenarios if measured_anew else []:
                        scenario.measure_again()
                except Verdict:
                    raise verdict from None
            getattr(pyfuncitem, "mpgrade_measured", {}).clear()
        except Verdict as verdict:  # failed (or errored) once measured again: said so too
            if measurements > 1:
                verdict.facts["mesures"] = measurements
            raise


@pytest.hookimpl(optionalhook=True)
def pytest_json_runtest_metadata(item: pytest.Item, call: pytest.CallInfo) -> dict:
    """The verdict of one phase (setup, call, teardown) of a check, for the JSON report."""
    metadata: dict[str, Any] = {"exercise": exercise_of(item), "check": check_id_of(item),
                                "runs": runs_used(item)}
    already_decided = "status" in getattr(item, "_json_report_extra", {}).get("metadata", {})
    if call.excinfo is None:
        if call.when == "call":
            metadata.update(status="passed",
                            facts=_serializable(getattr(item, "mpgrade_measured", {})))
        return metadata
    if already_decided:
        return metadata
    error = call.excinfo.value
    if isinstance(error, Verdict):
        metadata.update(status=error.status, kind=error.kind, key=error.key,
                        facts=_serializable(error.facts))
    elif call.excinfo.errisinstance(pytest.skip.Exception):  # the grader's choice, not the machine's
        metadata.update(status="pending", kind=INTERNAL, key="ignore", facts={"raison": str(error)})
    else:  # a bug of the grader itself: say so, never blame the student
        metadata.update(status="error", kind=INTERNAL, key="erreur_interne", internal=True,
                        facts={"erreur": f"{type(error).__name__}: {error}",
                               "details": "".join(traceback.format_exception(error))[-4000:]})
    return metadata


def runs_used(item: pytest.Item) -> list[int]:
    """The harness runs a check read its observations from (by run number, as in the timelines):
    what the report draws beside the check."""
    runs = []
    for value in getattr(item, "funcargs", {}).values():
        run = value if isinstance(value, Run) else getattr(value, "run", None)
        if isinstance(run, Run) and run.number not in runs:
            runs.append(run.number)
    return runs


def _serializable(facts: dict) -> dict:
    """Facts as plain JSON, with text that is not valid Unicode (a lone surrogate in what the
    student's code returned or printed) replaced: the report is always writable in UTF-8."""
    text = json.dumps(facts, default=str, ensure_ascii=False)
    return json.loads(text.encode("utf-8", "replace").decode("utf-8"))
