"""The gradebook: one CSV row per student, the total and one column per exercise, and a status.

Written with the ``csv`` module in UTF-8 with a byte-order mark, so that a spreadsheet opened on a
French machine shows « Prénom » and not « PrÃ©nom »; numbers keep a decimal point. Each write goes
to a temporary file first and replaces the gradebook in one step: a run killed mid-write leaves the
previous gradebook whole.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from grader.catalogue import Catalogue
from grader.report.model import Report

COLUMNS = ("id", "name", "status", "reason", "pending", "score", "max_score")
GRADED = ("ok", "review")  # a row with a grade: final (ok) or provisional (review: checks pending)
ENCODING = "utf-8-sig"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def row(student_id: str, name: str, report: Report | None, *, problem: str = "", notes: str = "",
        page: str | None = None) -> dict:
    """The gradebook row of a student: ``ok`` when graded, ``review`` when graded but some checks
    could not be measured (named in ``pending``: the grade is provisional, out of the same maximum),
    ``error`` with ``problem`` (why it could not be graded, or not fully) otherwise; ``notes`` (e.g.
    a duplicate) go in the reason of a graded row."""
    pending = [f"{entry['exercise']}:{entry['check']}" for entry in (report or {"pending": []})["pending"]]
    return {"id": student_id, "name": name,
            "status": "error" if problem else "review" if pending else "ok",
            "reason": problem or notes, "pending": pending,
            "score": report["score"] if report else None,
            "max_score": report["max_score"] if report else None,
            "exercises": {section["id"]: section["score"] for section in report["exercises"]}
            if report else {},
            "page": page}


def write(rows: list[dict], exercises: list[str], texts: Catalogue, path: Path) -> None:
    """Write the gradebook of ``rows`` (sorted by id) with a column per exercise of ``exercises``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding=ENCODING, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([texts.text(f"gradebook.columns.{column}") for column in COLUMNS]
                        + exercises)
        for entry in sorted(rows, key=lambda entry: entry["id"]):
            writer.writerow([_cell(entry["id"]), _cell(entry["name"]),
                             texts.text(f"gradebook.status.{entry['status']}"),
                             _cell(entry["reason"]), " ".join(entry.get("pending", [])),
                             _number(entry["score"]), _number(entry["max_score"])]
                            + [_number(entry["exercises"].get(exercise)) for exercise in exercises])
    os.replace(temporary, path)


def _cell(text: str) -> str:
    """A text cell no spreadsheet reads as a formula: one that begins with ``=``, ``+``, ``-``,
    ``@`` or a tab, carriage return or line feed (a zip named ``=HYPERLINK(…).zip``) is prefixed
    with an apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection)."""
    text = str(text)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def read(path: Path) -> list[list[str]]:
    """The gradebook's cells, header first (for comparing two gradebooks)."""
    with path.open(encoding=ENCODING, newline="") as stream:
        return list(csv.reader(stream))


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
