"""The terminal summary: one line per exercise, then each check that did not pass, with its hint.

Kept short, since the HTML page has every detail: an exercise not started yet (every check says
that its functions are not written) is one line; checks of an exercise that failed for the same
reason share one message; the summary ends with where to start and the command that grades
again only the exercises that did not pass. Every sentence comes from the catalogue.
"""
from __future__ import annotations

import sys
import textwrap
import unicodedata
from collections.abc import Callable
from typing import TextIO

from grader.catalogue import Catalogue
from grader.checking.verdicts import NOT_WRITTEN
from grader.report import console
from grader.report.model import CheckReport, ExerciseReport, Report, provisional_note

# "pending" (schema 2) is a check the machine could not measure; "skipped" is its schema 1 name.
SYMBOLS = {"passed": "✔", "failed": "✘", "error": "!", "pending": "?", "skipped": "?"}
COLOURS = {"passed": "32", "failed": "31", "error": "35", "pending": "33", "skipped": "33"}
FAILING = ("failed", "error")
DETAIL_LINES = 8
WIDTH = 96


def visible(text: str) -> str:
    """``text`` with its control characters shown, not obeyed: a student's output or value that
    holds an escape sequence (cursor moves, a fake « 12/12 » drawn over the summary, a cleared
    screen) is printed as ``\\x1b[2J``. Tabs stay; line breaks are the caller's to split."""
    return "".join(char if char in "\t\n" or unicodedata.category(char) not in ("Cc", "Cf")
                   else repr(char)[1:-1] if char.isascii() or unicodedata.category(char) == "Cc"
                   else f"\\u{ord(char):04x}" for char in text)


def use_colour(stream: TextIO) -> bool:
    return console.colour(stream)


def not_started(exercise: ExerciseReport) -> list[str] | None:
    """The functions still to write when the exercise is not started at all (every check fails
    because a function is not written yet), else None. The report lists them (``unwritten``, read
    from the file); a report without that list gives those the checks named."""
    checks = exercise["checks"]
    if not checks or any(check["status"] not in FAILING or check.get("kind") != NOT_WRITTEN
                         for check in checks):
        return None
    # The guard's checks say so of the whole file; at least one check names a function to write.
    functions = [check.get("facts", {}).get("fonction") for check in checks]
    if not any(functions):
        return None
    return exercise.get("unwritten") or list(dict.fromkeys(name for name in functions if name))


def render(report: Report, catalogue: Catalogue, colour: bool = False,
           rerun: Callable[[list[str]], str] | None = None) -> str:
    paint = _painter(colour)
    lines = [f"{catalogue.word('submission')} : {visible(str(report['submission']))}   "
             f"({catalogue.word('seed')} {report['seed']}, {report['start_method']})"]
    if report.get("containment"):
        lines.append(f"{catalogue.word('containment')} : "
                     f"{catalogue.word('containment_' + report['containment'])}")
    lines.append("")
    if report.get("pending"):
        lines += [paint("pending", provisional_note(report, catalogue)), ""]
    unwritten = {exercise["id"]: not_started(exercise) for exercise in report["exercises"]}
    for exercise in report["exercises"]:
        todo = unwritten[exercise["id"]]
        if todo is not None:
            tally = paint("pending", catalogue.text("words.not_started", nombre=len(todo),
                                                    fonctions=_plural(catalogue, len(todo))))
        else:
            counts = {status: sum(1 for check in exercise["checks"] if check["status"] == status)
                      for status in SYMBOLS}
            tally = "  ".join(paint(status, f"{SYMBOLS[status]} {count}")
                              for status, count in counts.items() if count)
        lines.append(f"  {exercise['id']:<22} {_score(exercise):>11}   {tally}")
    lines += ["", f"  {catalogue.word('total'):<22} {_score(report):>11}"]
    for exercise in report["exercises"]:
        if unwritten[exercise["id"]] is None:
            lines += _details(exercise, paint)
    lines += _next_steps(report, unwritten, catalogue, rerun)
    return "\n".join(lines) + "\n"


def _details(exercise: ExerciseReport, paint) -> list[str]:
    """Each check that did not pass; checks that failed for the same reason share its text."""
    failing = [check for check in exercise["checks"] if check["status"] != "passed"]
    if not failing:
        return []
    lines = ["", paint("title", f"{exercise['id']} — {exercise['title']}")]
    groups: dict[tuple, list[CheckReport]] = {}
    for check in failing:
        details = check.get("details") if check["status"] == "error" else None
        groups.setdefault((check["message"], check.get("hint"), details), []).append(check)
    for (message, hint, details), checks in groups.items():
        for check in checks:
            lines.append(f"  {paint(check['status'], SYMBOLS.get(check['status'], '?'))} "
                         f"[{check['category']}] {visible(check['title'])}")
        for text in (message, hint):
            if text:  # facts of the student's run are filled in: show, never obey, their controls
                lines += textwrap.wrap(visible(text.replace("\n", " ")), WIDTH,
                                       initial_indent="      ", subsequent_indent="      ")
        if details:
            lines += ["      | " + visible(line) for line in details.splitlines()[-DETAIL_LINES:]]
    return lines


def _next_steps(report: Report, unwritten: dict, catalogue: Catalogue,
                rerun: Callable[[list[str]], str] | None) -> list[str]:
    """Where to start (the first exercise not passed) and how to grade again only those."""
    not_passed = [exercise for exercise in report["exercises"]
                  if any(check["status"] in FAILING for check in exercise["checks"])]
    if not not_passed:
        return []
    first = not_passed[0]
    key = "words.start_here" if unwritten[first["id"]] is not None else "words.continue_here"
    lines = ["", catalogue.text(key, exercice=first["id"], titre=first["title"])]
    if rerun is not None:
        numbers = [_number(exercise["id"]) for exercise in not_passed]
        if len(not_passed) == len(report["exercises"]) > 1:
            numbers = []  # all of them: the same command again, without --exercise
        lines.append(f"{catalogue.text('words.rerun')} {rerun(numbers)}")
    return lines


def _number(exercise_id: str) -> str:
    """``3`` for ``ex03_pool_map`` (what ``--exercise`` and ``EX=`` accept), else the id."""
    digits = exercise_id.removeprefix("ex").split("_")[0]
    return str(int(digits)) if digits.isdigit() else exercise_id


def _plural(catalogue: Catalogue, count: int) -> str:
    return catalogue.text("words.function_one" if count == 1 else "words.function_many")


def _score(section: ExerciseReport | Report) -> str:
    return f"{section['score']:g} / {section['max_score']:g}"


def _painter(colour: bool):
    def paint(status: str, text: str) -> str:
        code = COLOURS.get(status, "1")
        return f"\033[{code}m{text}\033[0m" if colour else text

    return paint


def print_report(report: Report, catalogue: Catalogue, stream: TextIO | None = None,
                 rerun: Callable[[list[str]], str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(render(report, catalogue, use_colour(stream), rerun))
