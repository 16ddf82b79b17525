"""The terminal summary: one line per exercise, then each check that did not pass, with its hint."""
from __future__ import annotations

import os
import sys
import textwrap
import unicodedata
from typing import TextIO

from grader.catalogue import Catalogue
from grader.report import provisional_note

SYMBOLS = {"passed": "✔", "failed": "✘", "error": "!", "pending": "?"}
COLOURS = {"passed": "32", "failed": "31", "error": "35", "pending": "33"}
DETAIL_LINES = 8


def visible(text: str) -> str:
    """``text`` with its control characters shown, not obeyed: a student's output or value that
    holds an escape sequence (cursor moves, a fake « 12/12 » drawn over the summary, a cleared
    screen) is printed as ``\\x1b[2J``. Tabs stay; line breaks are the caller's to split."""
    return "".join(char if char in "\t\n" or unicodedata.category(char) not in ("Cc", "Cf")
                   else repr(char)[1:-1] if char.isascii() or unicodedata.category(char) == "Cc"
                   else f"\\u{ord(char):04x}" for char in text)


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


def render(report: dict, catalogue: Catalogue, colour: bool = False) -> str:
    paint = _painter(colour)
    lines = [f"{catalogue.word('submission')} : {visible(str(report['submission']))}   "
             f"({catalogue.word('seed')} {report['seed']}, {report['start_method']})"]
    if report.get("containment"):
        lines.append(f"{catalogue.word('containment')} : "
                     f"{catalogue.word('containment_' + report['containment'])}")
    lines.append("")
    if report.get("pending"):
        lines += [paint("pending", provisional_note(report, catalogue)), ""]
    for exercise in report["exercises"]:
        counts = {status: sum(1 for check in exercise["checks"] if check["status"] == status)
                  for status in SYMBOLS}
        tally = "  ".join(paint(status, f"{SYMBOLS[status]} {count}")
                          for status, count in counts.items() if count)
        lines.append(f"  {exercise['id']:<22} {_score(exercise):>11}   {tally}")
    lines += ["", f"  {catalogue.word('total'):<22} {_score(report):>11}"]
    for exercise in report["exercises"]:
        failing = [check for check in exercise["checks"] if check["status"] != "passed"]
        if failing:
            lines += ["", paint("title", f"{exercise['id']} — {exercise['title']}")]
        for check in failing:
            lines.append(f"  {paint(check['status'], SYMBOLS[check['status']])} "
                         f"[{check['category']}] {visible(check['title'])}")
            for text in (check["message"], check.get("hint")):
                if text:  # facts of the student's run are filled in: show, never obey, their controls
                    lines += textwrap.wrap(visible(text.replace("\n", " ")), 96,
                                           initial_indent="      ", subsequent_indent="      ")
            if check["status"] == "error" and check.get("details"):
                lines += ["      | " + visible(line)
                          for line in check["details"].splitlines()[-DETAIL_LINES:]]
    return "\n".join(lines) + "\n"


def _score(section: dict) -> str:
    return f"{section['score']:g} / {section['max_score']:g}"


def _painter(colour: bool):
    def paint(status: str, text: str) -> str:
        code = COLOURS.get(status, "1")
        return f"\033[{code}m{text}\033[0m" if colour else text

    return paint


def print_report(report: dict, catalogue: Catalogue, stream: TextIO = sys.stdout) -> None:
    stream.write(render(report, catalogue, use_colour(stream)))
