"""The pytest plugin that makes pytest the grader: options, exercise selection, verdict metadata.

Loaded with ``-p grader.pytest_plugin`` by ``grader.grading`` in a pytest process that never imports
student code. Each check's outcome is recorded as pytest-json-report metadata: exercise, check id,
status, message key and facts. The report is built from that data (``grader.report``).
"""
from __future__ import annotations

import json
import traceback

import pytest

from grader.harness import Run
from grader.verdicts import Verdict

CHECK_PREFIX = "test_"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mpgrade")
    group.addoption("--submission", help="folder of the submission to grade")
    group.addoption("--seed", type=int, default=0, help="seed of the random inputs")
    group.addoption("--start-method", default=None, help="spawn, fork or forkserver")
    group.addoption("--course", default=None, help="course file (default: grader/course.yaml)")
    group.addoption("--observations", help="write the timelines of the runs to this JSON file")
    group.addoption("--grade-exercise", action="append", default=[],
                    help="grade only this exercise (repeatable)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "exercise(id): the exercise a check module grades")


def exercise_of(item: pytest.Item) -> str:
    """The exercise a check belongs to: its module's ``EXERCISE``, or its ``exercise`` parameter."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "exercise_id" in callspec.params:
        return callspec.params["exercise_id"]
    return item.module.EXERCISE


def check_id_of(item: pytest.Item) -> str:
    return item.originalname.removeprefix(CHECK_PREFIX)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = set(config.getoption("--grade-exercise"))
    if not wanted:
        return
    kept = [item for item in items if exercise_of(item) in wanted]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.hookimpl(optionalhook=True)
def pytest_json_runtest_metadata(item: pytest.Item, call: pytest.CallInfo) -> dict:
    """The verdict of one phase (setup, call, teardown) of a check, for the JSON report."""
    metadata = {"exercise": exercise_of(item), "check": check_id_of(item), "runs": runs_used(item)}
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
        metadata.update(status=error.status, key=error.key, facts=_serializable(error.facts))
    elif call.excinfo.errisinstance(pytest.skip.Exception):
        metadata.update(status="skipped", key="ignore", facts={"raison": str(error)})
    else:  # a bug of the grader itself: say so, never blame the student
        metadata.update(status="error", key="erreur_interne", internal=True,
                        facts={"erreur": f"{type(error).__name__}: {error}",
                               "details": "".join(traceback.format_exception(error))[-4000:]})
    return metadata


def runs_used(item: pytest.Item) -> list[int]:
    """The harness runs a check read its observations from (by harness pid, as in the timelines):
    what the report draws beside the check."""
    runs = []
    for value in getattr(item, "funcargs", {}).values():
        run = value if isinstance(value, Run) else getattr(value, "run", None)
        if isinstance(run, Run) and run.harness_pid is not None and run.harness_pid not in runs:
            runs.append(run.harness_pid)
    return runs


def _serializable(facts: dict) -> dict:
    """Facts as plain JSON, with text that is not valid Unicode (a lone surrogate in what the
    student's code returned or printed) replaced: the report is always writable in UTF-8."""
    text = json.dumps(facts, default=str, ensure_ascii=False)
    return json.loads(text.encode("utf-8", "replace").decode("utf-8"))
