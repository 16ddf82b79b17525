"""Canvas: a gradebook import CSV (Grades → Import) from the roster the teacher exported.

The teacher exports the course's gradebook (Grades → Export → CSV): ``Student``, ``ID``, ``SIS User
ID``, ``SIS Login ID``, ``Section``, then one column per assignment named ``Name (1234)`` (1234: the
assignment's id), and often a ``Points Possible`` row under the header. ``write`` makes the file to
import: those five columns for every student of the roster, in the roster's order, then the
assignment's column with the grade of each matched student — the score scaled to the assignment's
``Points Possible`` when the roster gives it, else the score as the report has it — and an empty
cell for the others (Canvas leaves an empty cell's grade unchanged).

Which student is whose submission (``--canvas-roster``), first rule that finds exactly one:
1. the submission's id (its folder or zip name) is the student's ``SIS Login ID``, or that login
   before its ``@`` (case ignored);
2. the submission's id is the student's ``SIS User ID`` or Canvas ``ID``;
3. the submission's name and the student's ``Student`` have the same words, accents, case,
   punctuation and order aside (``Martin, Éloïse`` = ``Éloïse Martin``), and no other student nor
   submission has them.
Anything else — a student without a submission, a submission without a student, a submission
not graded, two matches — is listed (terminal and ``canvas/a_verifier.txt``), never guessed.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalogue import Catalogue
from grader.cohort.exports import Graded
from grader.report.model import write_text

FIXED = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
ASSIGNMENT = re.compile(r".+\(\d+\)\s*$")
POINTS_POSSIBLE = "points possible"
FOLDER = "canvas"
IMPORT_FILE = "canvas_import.csv"
PROBLEMS_FILE = "a_verifier.txt"


class RosterError(ValueError):
    """The roster is not a Canvas gradebook export, or the assignment column is not clear."""


@dataclass
class Roster:
    header: list[str]
    students: list[dict[str, str]]  # by header
    points_possible: dict[str, str]  # the "Points Possible" row, when there is one


@dataclass(frozen=True)
class Problem:
    key: str  # under exports.canvas.problems
    facts: dict


@dataclass
class Import:
    assignment: str
    rows: list[list[str]]  # header first
    matched: int = 0
    problems: list[Problem] = field(default_factory=list)


def read(path: Path) -> Roster:
    with Path(path).open(encoding="utf-8-sig", newline="") as stream:
        rows = [row for row in csv.reader(stream) if any(cell.strip() for cell in row)]
    if not rows or not all(column in rows[0] for column in ("Student", "ID")):
        raise RosterError(f"{path}: not a Canvas gradebook export (no Student and ID columns)")
    header, points = rows[0], {}
    students = []
    for row in rows[1:]:
        cells = dict(zip(header, row + [""] * (len(header) - len(row))))
        if cells["Student"].strip().casefold() == POINTS_POSSIBLE:
            points = cells
        else:
            students.append(cells)
    return Roster(header, students, points)


def assignment_column(roster: Roster, asked: str | None) -> str:
    """The roster's column of the assignment: the one asked (its whole name, or its name without
    the id when only one column has it), or the only ``Name (1234)`` column."""
    candidates = [column for column in roster.header if ASSIGNMENT.fullmatch(column)]
    if asked:
        exact = [column for column in roster.header if column.casefold() == asked.casefold()]
        named = [column for column in candidates
                 if column.rsplit("(", 1)[0].strip().casefold() == asked.strip().casefold()]
        found = exact or named
        if len(found) == 1:
            return found[0]
        if ASSIGNMENT.fullmatch(asked):
            return asked.strip()  # a new column: Canvas creates the assignment on import
        raise RosterError(f"--canvas-assignment {asked!r}: not one column of the roster "
                          f"({'; '.join(candidates) or 'none'})")
    if len(candidates) == 1:
        return candidates[0]
    raise RosterError(f"give --canvas-assignment, one of: {'; '.join(candidates) or 'none'}")


def build(roster: Roster, students: list[Graded], assignment: str, texts: Catalogue) -> Import:
    """The import's rows, matched as the module says."""
    made = Import(assignment, [list(FIXED) + [assignment]])
    points = _number(roster.points_possible.get(assignment, ""))
    matches = _match(roster, students, made.problems)
    for index, student in enumerate(roster.students):
        cell = ""
        graded = matches.get(index)
        if graded is None:
            made.problems.append(Problem("no_submission", {"nom": student["Student"],
                                                           "login": student.get("SIS Login ID", "")}))
        elif not graded.graded:
            made.problems.append(Problem("not_graded", {"nom": student["Student"],
                                                        "raison": graded.row.get("reason") or "?"}))
        else:
            score, maximum = graded.row["score"], graded.row["max_score"]
            value = score / maximum * points if points is not None and maximum else score
            cell = f"{round(value, 2):g}"
            made.matched += 1
        made.rows.append([student.get(column, "") for column in FIXED] + [cell])
    return made


def write(out: Path, roster_path: Path, students: list[Graded], assignment: str | None,
          texts: Catalogue) -> Import:
    """``out/canvas/canvas_import.csv`` and the list to check."""
    roster = read(roster_path)
    made = build(roster, students, assignment_column(roster, assignment), texts)
    folder = Path(out) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / (IMPORT_FILE + ".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(made.rows)
    temporary.replace(folder / IMPORT_FILE)
    write_text("\n".join(problem_lines(made, texts)) + "\n", folder / PROBLEMS_FILE)
    return made


def problem_lines(made: Import, texts: Catalogue) -> list[str]:
    label = texts.section("exports")
    return [label("canvas.summary", notes=made.matched, colonne=made.assignment,
                  problemes=len(made.problems))] + [
        f"- {label(f'canvas.problems.{problem.key}', **problem.facts)}" for problem in made.problems]


def _match(roster: Roster, students: list[Graded], problems: list[Problem]) -> dict[int, Graded]:
    """Roster index -> submission, by the rules of the module; the rest into ``problems``."""
    def keys(student: dict[str, str]) -> list[set[str]]:
        login = student.get("SIS Login ID", "").strip().casefold()
        return [{login, login.split("@", 1)[0]} - {""},
                {student.get("SIS User ID", "").strip().casefold(),
                 student.get("ID", "").strip().casefold()} - {""}]

    matches: dict[int, Graded] = {}
    left = list(students)
    for rule in range(2):
        for index, student in enumerate(roster.students):
            if index in matches:
                continue
            found = [graded for graded in left if graded.id.casefold() in keys(student)[rule]]
            if len(found) == 1:
                matches[index] = found[0]
                left.remove(found[0])
    by_name: dict[tuple[str, ...], list[int]] = {}
    for index, student in enumerate(roster.students):
        if index not in matches:
            by_name.setdefault(_words(student["Student"]), []).append(index)
    for graded in list(left):
        indexes = by_name.get(_words(graded.name), [])
        same = [other for other in left if _words(other.name) == _words(graded.name)]
        if len(indexes) == 1 and len(same) == 1:
            matches[indexes[0]] = graded
            left.remove(graded)
        elif indexes:
            problems.append(Problem("ambiguous", {"etudiant": graded.id, "nom": graded.name}))
            left.remove(graded)
    problems += [Problem("no_student", {"etudiant": graded.id, "nom": graded.name})
                 for graded in left]
    return matches


def _words(name: str) -> tuple[str, ...]:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return tuple(sorted(re.findall(r"[a-z0-9]+", plain)))


def _number(cell: str) -> float | None:
    try:
        return float(cell.strip().replace(",", "."))
    except ValueError:
        return None
