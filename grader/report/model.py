"""The report of one submission (the spec's JSON contract), built from pytest's results.

Points and order come from the course file, texts from the catalogue, verdicts from the metadata the
plugin recorded: nothing here decides whether a check passed.
"""
from __future__ import annotations

import ast
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypedDict

from grader.catalogue import Catalogue
from grader.checking.grading import Results
from grader.checking.verdicts import INTERNAL
from grader.config import Course, Exercise
from grader.run import sandbox
from grader.run.harness import OMITTED

# 2: a check the machine could not measure is ``pending`` and keeps its max_score; 3: every check
# not passed says its ``kind`` (a report of 2 read back: its checks read as mistakes).
SCHEMA = 3
FAILING = ("failed", "error")
PENDING = "pending"
NOT_MEASURED = (PENDING, "skipped")  # "skipped": the same, in reports of schema 1
ALL_PASSED, SOME_FAILED, PROVISIONAL = 0, 1, 3  # exit statuses of ``check`` (2: usage error)


# -- the report's types (its contract: docs/report.md, docs/report.schema.json) -------------------
# What the terminal, the page, the cohort and the exports read. A report read back from a JSON file
# is trusted to follow them as far as the schema says (the suite validates every report it makes).

class _CheckRequired(TypedDict):
    id: str
    title: str
    category: str  # grader.config.CATEGORIES
    status: str  # passed, failed, error, pending ("skipped" in reports of schema 1)
    score: float
    max_score: float
    message: str
    duration_s: float


class CheckReport(_CheckRequired, total=False):
    """One check's verdict."""

    kind: str  # every check not passed: grader.checking.verdicts.KINDS
    hint: str
    message_key: str
    facts: dict[str, Any]  # measured values, and details (grader.checking.verdicts.Detail) to word
    details: str  # the student's traceback and last output
    runs: list[int]  # the harness runs it read (their timelines are the exercise's runs)
    visibility: str  # grader.report.visibility.VISIBILITIES


class _ExerciseRequired(TypedDict):
    id: str
    title: str
    score: float
    max_score: float
    checks: list[CheckReport]


class ExerciseReport(_ExerciseRequired, total=False):
    """One exercise: its checks in the course's order, the timeline of each run."""

    runs: list[dict[str, Any]]  # grader.checking.observe.timeline of each harness run
    unwritten: list[str]  # the functions the file still leaves to write


class PendingCheck(TypedDict):
    exercise: str
    check: str


class Machine(TypedDict):
    cpus: int | None
    python: str
    platform: str
    load: list[float] | None


class _ReportRequired(TypedDict):
    schema: int
    submission: str
    score: float
    max_score: float
    seed: int
    start_method: str
    pending: list[PendingCheck]
    exercises: list[ExerciseReport]


class Report(_ReportRequired, total=False):
    """The report of one submission."""

    containment: str  # "bubblewrap" (grader.run.sandbox) or "process-tree"
    language: str
    graded_at: str
    machine: Machine
    internal_errors: int


def build(results: Results, course: Course, exercises: list[str], catalogue: Catalogue, *,
          submission: Path, seed: int, start_method: str,
          only: set[tuple[str, str]] | None = None) -> Report:
    """The report for ``exercises`` of ``submission`` (of the checks ``only`` names, when given:
    (exercise, check) pairs graded alone to measure them again, a partial report)."""
    verdicts = {}
    for test in results.pytest_report.get("tests", []):
        metadata = test.get("metadata") or {}
        if "check" in metadata:
            metadata["duration_s"] = sum(test.get(phase, {}).get("duration", 0.0)
                                         for phase in ("setup", "call", "teardown"))
            verdicts[(metadata["exercise"], metadata["check"])] = metadata
    sections = [_exercise(course.exercise(exercise_id), verdicts, catalogue, only)
                for exercise_id in exercises]
    for section in sections:
        section["runs"] = results.timelines.get(section["id"], [])
        section["unwritten"] = unwritten_functions(submission / f"{section['id']}.py",
                                                   course.exercise(section["id"]).functions)
    return {
        "schema": SCHEMA,
        "submission": submission.name or str(submission),
        "score": round(sum(section["score"] for section in sections), 2),
        "max_score": round(sum(section["max_score"] for section in sections), 2),
        "seed": seed,
        "start_method": start_method,
        # what kept the student's processes apart: "bubblewrap" (grader.run.sandbox) or "process-tree"
        "containment": sandbox.containment(),
        "language": catalogue.language,
        "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": sys.platform, "load": machine_load()},
        "internal_errors": sum(1 for verdict in verdicts.values() if verdict.get("internal")),
        "pending": pending_checks(sections),
        "exercises": sections,
    }


def combine(parts: list[Report], course: Course, *, submission: str) -> Report:
    """One report from reports of the same submission on different checks (a cohort grades the
    checks that judge timing apart from the others): an exercise graded in several parts gets one
    section, its checks in the course's order; exercises in the course's order."""
    by_exercise: dict[str, list[ExerciseReport]] = {}
    for part in parts:
        for section in part["exercises"]:
            by_exercise.setdefault(section["id"], []).append(section)
    sections = [_merged(course.exercise(exercise_id), by_exercise[exercise_id])
                for exercise_id in course.exercises if exercise_id in by_exercise]
    combined = parts[0].copy()
    combined["submission"], combined["exercises"] = submission, sections
    combined["score"] = round(sum(section["score"] for section in sections), 2)
    combined["max_score"] = round(sum(section["max_score"] for section in sections), 2)
    combined["internal_errors"] = sum(part.get("internal_errors", 0) for part in parts)
    combined["pending"] = pending_checks(sections)
    return combined


def _merged(exercise: Exercise, sections: list[ExerciseReport]) -> ExerciseReport:
    """One section from the sections of one exercise graded in several parts."""
    if len(sections) == 1:
        return sections[0]
    order = list(exercise.checks)
    merged = sections[0].copy()
    merged["checks"] = sorted((check for section in sections for check in section["checks"]),
                              key=lambda check: order.index(check["id"]))
    merged["runs"] = [run for section in sections for run in section.get("runs", [])]
    return _totalled(merged)


def replace_checks(built: Report, again: Report) -> Report:
    """``built`` with the checks that ``again`` measured anew (a re-measure of pending checks, same
    seed): those checks take their new verdict, every other keeps its own; scores added up again."""
    measured = {(section["id"], check["id"]): check
                for section in again["exercises"] for check in section["checks"]}
    sections = []
    for section in built["exercises"]:
        checks = [measured.get((section["id"], check["id"]), check) if check["status"] == PENDING
                  else check for check in section["checks"]]
        again_section = section.copy()
        again_section["checks"] = checks
        sections.append(_totalled(again_section))
    updated = built.copy()
    updated["exercises"], updated["pending"] = sections, pending_checks(sections)
    updated["score"] = round(sum(section["score"] for section in sections), 2)
    return updated


def pending_checks(sections: list[ExerciseReport]) -> list[PendingCheck]:
    """The checks this machine could not measure, by exercise: what makes the grade provisional,
    and what ``--retry-pending`` measures again."""
    return [{"exercise": section["id"], "check": check["id"]}
            for section in sections for check in section["checks"] if check["status"] == PENDING]


def provisional_note(report: Report, catalogue: Catalogue) -> str:
    """Why the grade is provisional, and the command that measures the pending checks again."""
    exercises = list(dict.fromkeys(pending["exercise"] for pending in report["pending"]))
    command = " ".join(["python -m grader check", report["submission"]]
                       + [f"--exercise {exercise}" for exercise in exercises]
                       + [f"--seed {report['seed']}"])
    return catalogue.text("provisional", nombre=len(report["pending"]), commande=command)


def unwritten_functions(path: Path, names) -> list[str]:
    """The functions of ``names`` that ``path`` still leaves to write: their body (after the
    docstring) only raises NotImplementedError. Read as text, never imported."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    unwritten = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            body = [statement for statement in node.body
                    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))]
            if len(body) == 1 and isinstance(body[0], ast.Raise) and _names_not_implemented(body[0].exc):
                unwritten.append(node.name)
    return unwritten


def _names_not_implemented(exception: ast.expr | None) -> bool:
    target = exception.func if isinstance(exception, ast.Call) else exception
    return isinstance(target, ast.Name) and target.id == "NotImplementedError"


def machine_load() -> list[float] | None:
    """The load averages (1, 5, 15 min) when the checks were graded: a busy machine explains a
    pending timing check. ``None`` where the system has none (Windows)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _exercise(exercise, verdicts: dict, catalogue: Catalogue,
              only: set[tuple[str, str]] | None = None) -> ExerciseReport:
    checks = [_check(exercise.id, spec, verdicts.get((exercise.id, spec.id)), catalogue)
              for spec in exercise.checks.values() if only is None or (exercise.id, spec.id) in only]
    return _totalled({"id": exercise.id, "title": catalogue.exercise_title(exercise.id),
                      "score": 0.0, "max_score": 0.0, "checks": checks})


def _totalled(section: ExerciseReport) -> ExerciseReport:
    """The section with its score and maximum added up from its checks (every check counts in the
    maximum, whatever its status: the denominator is the course's)."""
    totalled = section.copy()
    totalled["score"] = round(sum(check["score"] for check in section["checks"]), 2)
    totalled["max_score"] = round(sum(check["max_score"] for check in section["checks"]), 2)
    return totalled


def _check(exercise_id: str, spec, verdict: dict | None, catalogue: Catalogue) -> CheckReport:
    if verdict is None or "status" not in verdict:  # never ran: a grader bug, not the student's
        verdict = {"status": "error", "kind": INTERNAL, "key": "non_execute", "facts": {},
                   "internal": True}
    status = verdict["status"]
    facts = verdict.get("facts", {})
    message, hint = catalogue.message(verdict["key"], facts) if "key" in verdict else ("", "")
    entry: CheckReport = {"id": spec.id, "title": catalogue.check_title(exercise_id, spec.id),
             "category": spec.category, "status": status,
             "score": spec.points if status == "passed" else 0.0, "max_score": spec.points,
             "message": message, "hint": hint, "duration_s": round(verdict.get("duration_s", 0.0), 3)}
    if facts.get("details"):
        entry["details"] = worded_output(str(facts["details"]), catalogue)
    if verdict.get("runs"):
        entry["runs"] = verdict["runs"]
    if verdict.get("key"):
        entry["message_key"] = verdict["key"]
    if status != "passed":  # what the verdict says of the submission (grader.checking.verdicts.KINDS)
        entry["kind"] = verdict.get("kind", INTERNAL)
    if facts:
        entry["facts"] = {key: value for key, value in facts.items() if key != "details"}
    return entry


def worded_output(text: str, catalogue: Catalogue) -> str:
    """The student's output with the harness's marks of what was left out in their language."""
    return OMITTED.sub(lambda mark: catalogue.text("words.output_omitted", octets=mark[1],
                                                  limite_ko=mark[2]), text)


def exit_code(report: Report) -> int:
    """0 when every check passed, 1 when any failed or errored, 3 when the only shortfall is
    checks this machine could not measure (the grade is provisional, not wrong)."""
    statuses = [check["status"] for exercise in report["exercises"] for check in exercise["checks"]]
    if any(status in FAILING for status in statuses):
        return SOME_FAILED
    return PROVISIONAL if PENDING in statuses else ALL_PASSED


def write_json(data: object, path: Path) -> None:
    write_text(json_text(data), path)


def json_text(data: object) -> str:
    """``data`` as the grader writes its JSON files."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def write_text(text: str, path: Path) -> None:
    """Write ``text`` whole or not at all: whoever opens the file meanwhile (a student, a teacher,
    a resumed run) finds the previous one or the new one, never half of it. A link is followed
    (the file it names is replaced, the link stays); what is not a regular file (``--json
    /dev/stdout``, a pipe, a device) is written to, never replaced: as root, replacing
    ``/dev/null`` left a regular file in its place for every user."""
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not a file to write")
    if path.exists() and not path.is_file():
        with open(path, "w", encoding="utf-8") as written:
            written.write(text)
        return
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
