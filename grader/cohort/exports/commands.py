"""The platform exports of a cohort, from the command line: ``--moodle-worksheet``,
``--canvas-roster`` (and ``--canvas-assignment``) on ``cohort`` and ``merge`` (run once the
gradebook is written), or later on a finished ``--out`` folder with ``python -m grader export``."""
from __future__ import annotations

import argparse
from pathlib import Path

from grader.catalogue import Catalogue
from grader.cohort.exports import canvas, cohort, moodle


def add_arguments(parser: argparse.ArgumentParser) -> None:
    platforms = parser.add_argument_group("platforms")
    platforms.add_argument("--moodle-worksheet", type=Path, metavar="CSV",
                           help="Moodle's grading worksheet: write it back filled in, with a "
                                "feedback-files zip (OUT/moodle/)")
    platforms.add_argument("--canvas-roster", type=Path, metavar="CSV",
                           help="Canvas' gradebook export: write the import file (OUT/canvas/)")
    platforms.add_argument("--canvas-assignment", metavar="NAME",
                           help="the roster's assignment column, e.g. 'TP multiprocessing (1234)'")


def check(arguments: argparse.Namespace) -> None:
    """Read the given files before any grading: a wrong file is said now, not after an hour."""
    if getattr(arguments, "moodle_worksheet", None):
        moodle.read(arguments.moodle_worksheet)
    if getattr(arguments, "canvas_roster", None):
        roster = canvas.read(arguments.canvas_roster)
        canvas.assignment_column(roster, arguments.canvas_assignment)


def run(arguments: argparse.Namespace, out: Path, texts: Catalogue) -> None:
    """Write the exports asked for from the students of ``out``; print what to check."""
    label = texts.section("exports")
    if not (getattr(arguments, "moodle_worksheet", None) or getattr(arguments, "canvas_roster",
                                                                    None)):
        return
    students = cohort(out)
    if arguments.moodle_worksheet:
        filled = moodle.write(out, arguments.moodle_worksheet, students, texts)
        print("\n".join(moodle.problem_lines(filled, texts)))
        print(f"{label('moodle.written')} {Path(out) / moodle.WORKSHEET_DIR}")
    if arguments.canvas_roster:
        made = canvas.write(out, arguments.canvas_roster, students, arguments.canvas_assignment,
                            texts)
        print("\n".join(canvas.problem_lines(made, texts)))
        print(f"{label('canvas.written')} {Path(out) / canvas.FOLDER / canvas.IMPORT_FILE}")
