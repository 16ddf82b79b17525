"""Moodle, the way back: the assignment's grading worksheet filled in, and a feedback-files zip.

The teacher downloads the grading worksheet (Assignment → « Télécharger la feuille d'évaluation »
/ Download grading worksheet: one row per participant, ``Identifier`` = ``Participant 12345``, then
``Full name``, ``Email address``, ``Status``, ``Grade``, ``Maximum grade``, ``Grade can be changed``,
``Last modified (submission)``, ``Last modified (grade)``, ``Feedback comments`` — with the headers
in the teacher's language). ``fill`` writes the same file back with, for each participant whose
submission was graded, the grade on the worksheet's scale (score / report maximum × ``Maximum
grade``, with the file's decimal separator and the maximum's number of decimals) and a short
comment; every other byte is the downloaded file's: BOM, delimiter, quotes, line endings, the other
cells, the rows nobody touched. Moodle's import (« Téléverser une feuille d'évaluation », with
« Autoriser la modification… » unticked) then refuses nothing and changes only those cells.

Matching is by the participant number alone: ``Participant 12345`` in the worksheet, ``…_12345_
assignsubmission_file`` on the submission folders Moodle gave (which ``grader/cohort/intake.py`` read). A
row without a submission, a submission without a row (or without a number), a participant with two
graded submissions, a submission that could not be graded are listed — on the terminal and in
``moodle/a_verifier.txt`` — and their rows left as they were: nothing is guessed from names.

The feedback zip (« Téléverser plusieurs fichiers de feedback dans un zip ») holds one folder per
participant, ``Full Name_12345_assignfeedback_file_/rapport.html``: Moodle splits each path part on
``_`` (name, number, plugin type, plugin name, rest), so a name keeps no ``_`` (Moodle's own export
turns them into spaces too).

The cells are read by the ``csv`` module; the only thing not left to it is where each cell of a
touched row starts and ends in the file (to leave the others' bytes alone), and that split is
checked against the ``csv`` module's own reading of the row.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalogue import Catalogue
from grader.cohort.exports import NOT_MEASURED, Graded, checks, number
from grader.report.model import write_text

# Each column the worksheet may have: its English and French headers (compared casefolded, NFC).
HEADERS = {
    "identifier": ("identifier", "identifiant"),
    "full_name": ("full name", "nom complet"),
    "email": ("email address", "adresse de courriel"),
    "status": ("status", "statut"),
    "grade": ("grade", "note"),
    "maximum": ("maximum grade", "note maximale"),
    "changeable": ("grade can be changed", "la note peut être modifiée"),
    "modified_submission": ("last modified (submission)", "dernière modification (travail remis)"),
    "modified_grade": ("last modified (grade)", "dernière modification (note)"),
    "feedback": ("feedback comments", "commentaires de feedback"),
}
REQUIRED = ("identifier", "full_name", "grade", "maximum")
FRENCH_HEADERS = frozenset(names[1] for names in HEADERS.values())
PARTICIPANT = re.compile(r"(\d+)\s*$")  # "Participant 12345", "Participant\u00a012345"
DECIMAL = re.compile(r"\s*-?\d+(?:([.,])(\d+))?\s*")
DELIMITERS = ",;\t"
FEEDBACK_PLUGIN = "assignfeedback_file"
FEEDBACK_FILE = "rapport.html"
WORKSHEET_DIR = "moodle"
FEEDBACK_ZIP = "feedback.zip"
PROBLEMS_FILE = "a_verifier.txt"
MPGRADE_MARK = "mpgrade"  # a comment of ours starts with it: a second run replaces it


class WorksheetError(ValueError):
    """The file is not a grading worksheet this module can fill without changing other bytes."""


@dataclass
class Record:
    raw: str  # the record's characters in the file, its line ending included
    cells: list[str]  # as the csv module reads them


@dataclass
class Worksheet:
    bom: bool
    delimiter: str
    quotechar: str
    columns: dict[str, int]  # column key (HEADERS) -> index
    records: list[Record]  # the header first
    french: bool

    @property
    def rows(self) -> list[Record]:
        return self.records[1:]

    def cell(self, record: Record, column: str) -> str:
        index = self.columns.get(column)
        return record.cells[index] if index is not None and index < len(record.cells) else ""


@dataclass(frozen=True)
class Problem:
    key: str  # under exports.moodle.problems
    facts: dict


@dataclass
class Filled:
    text: str  # the worksheet, BOM excluded
    bom: bool
    graded: list[tuple[str, str, Graded]] = field(default_factory=list)  # number, full name, who
    problems: list[Problem] = field(default_factory=list)


def read(path: Path) -> Worksheet:
    """The worksheet at ``path``: its records as found in the file and as ``csv`` reads them."""
    data = Path(path).read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise WorksheetError(f"{path}: not UTF-8 ({error})") from error
    first_line = text.splitlines()[0] if text else ""
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    quotechar = '"'
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=delimiter, quotechar=quotechar, strict=True)
    records, consumed = [], 0
    try:
        for cells in reader:
            records.append(Record("".join(lines[consumed:reader.line_num]), cells))
            consumed = reader.line_num
    except csv.Error as error:
        raise WorksheetError(f"{path}: line {reader.line_num}: {error}") from error
    if not records:
        raise WorksheetError(f"{path}: empty")
    headers = [_key(header) for header in records[0].cells]
    columns = {column: headers.index(name) for column, names in HEADERS.items()
               for name in names if name in headers}
    missing = [HEADERS[column][0] for column in REQUIRED if column not in columns]
    if missing:
        raise WorksheetError(f"{path}: not a Moodle grading worksheet (no column "
                             f"{', '.join(missing)})")
    return Worksheet(bom, delimiter, quotechar, columns, records,
                     french=any(header in FRENCH_HEADERS for header in headers))


def fill(worksheet: Worksheet, students: list[Graded], texts: Catalogue) -> Filled:
    """The worksheet with a grade and a comment for every participant matched to one graded
    submission; everything else as it was, and the list of what was not matched."""
    by_number: dict[str, list[Graded]] = {}
    filled = Filled("", worksheet.bom)
    for student in students:
        if student.moodle_number is None:
            filled.problems.append(Problem("no_number", {"etudiant": student.id,
                                                         "source": student.source.name}))
        else:
            by_number.setdefault(student.moodle_number, []).append(student)
    separator = _separator(worksheet)
    quote_spaces = _quotes_spaces(worksheet)
    seen: set[str] = set()
    out = [worksheet.records[0].raw]
    for record in worksheet.rows:
        identifier = worksheet.cell(record, "identifier")
        found = PARTICIPANT.search(identifier)
        name = worksheet.cell(record, "full_name")
        facts = {"identifiant": identifier, "nom": name}
        mine = by_number.get(found.group(1), []) if found else []
        seen.update([found.group(1)] if found else [])
        graded = [student for student in mine if student.graded]
        maximum = _decimal(worksheet.cell(record, "maximum"))
        problem = (Problem("no_submission", facts) if not mine
                   else Problem("several", dict(facts, etudiants=", ".join(s.id for s in mine)))
                   if len(mine) > 1
                   else Problem("not_graded", dict(facts, raison=mine[0].row.get("reason") or "?"))
                   if not graded
                   else Problem("no_maximum", dict(facts, maximum=worksheet.cell(record, "maximum")))
                   if maximum is None else None)
        if problem:
            filled.problems.append(problem)
            out.append(record.raw)
            continue
        # No problem: the row's participant number was found, and the maximum read.
        assert found is not None and maximum is not None
        student = graded[0]
        grade = student.row["score"] / student.row["max_score"] * maximum[0] if student.row[
            "max_score"] else 0.0
        changes = {"grade": f"{grade:.{maximum[1]}f}".replace(".", separator)}
        if "feedback" in worksheet.columns:
            changes["feedback"] = _comment(worksheet.cell(record, "feedback"),
                                           comment(student, texts))
        out.append(_rewrite(worksheet, record, changes, quote_spaces))
        filled.graded.append((found.group(1), name, student))
    for number_, students_ in sorted(by_number.items()):
        if number_ not in seen:
            filled.problems += [Problem("no_row", {"etudiant": student.id, "numero": number_})
                                for student in students_]
    filled.text = "".join(out)
    return filled


def comment(student: Graded, texts: Catalogue) -> str:
    """One line for the student: the grade, the exercises short of full marks, provisional."""
    label = texts.section("exports")
    built = student.report
    sections = built["exercises"] if built else []
    short = [label("moodle.exercise", exercice=section["id"].split("_", 1)[0],
                   score=number(section["score"]), max=number(section["max_score"]))
             for section in sections if section["score"] < section["max_score"]]
    pending = sum(check.get("status") in NOT_MEASURED for _, check in checks(built)) if built else 0
    parts = [label("moodle.comment", score=number(student.row["score"]),
                   max=number(student.row["max_score"])),
             label("moodle.to_review", exercices=", ".join(short)) if short
             else label("moodle.all_done"),
             label("moodle.provisional", nombre=pending) if pending else "",
             label("moodle.attached", fichier=FEEDBACK_FILE)]
    return " ".join(part for part in parts if part)


def feedback_zip(filled: Filled, path: Path) -> int:
    """The zip of each graded participant's page, in the folders Moodle's import reads; returns
    how many."""
    temporary = path.with_name(path.name + ".tmp")
    count = 0
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for participant, name, student in filled.graded:
            page = student.folder / FEEDBACK_FILE
            if page.is_file():
                archive.write(page, f"{folder_name(name, participant)}/{FEEDBACK_FILE}")
                count += 1
    temporary.replace(path)
    return count


def folder_name(full_name: str, participant: str) -> str:
    """``Full Name_12345_assignfeedback_file_``: the name without ``_`` nor path separators."""
    clean = re.sub(r"[_/\\\x00-\x1f]+", " ", unicodedata.normalize("NFC", full_name)).strip()
    return f"{clean or participant}_{participant}_{FEEDBACK_PLUGIN}_"


def write(out: Path, worksheet_path: Path, students: list[Graded], texts: Catalogue) -> Filled:
    """``out/moodle/``: the filled worksheet (same file name), ``feedback.zip``, the list to check."""
    folder = Path(out) / WORKSHEET_DIR
    folder.mkdir(parents=True, exist_ok=True)
    filled = fill(read(worksheet_path), students, texts)
    target = folder / Path(worksheet_path).name
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_bytes((b"\xef\xbb\xbf" if filled.bom else b"") + filled.text.encode("utf-8"))
    temporary.replace(target)
    feedback_zip(filled, folder / FEEDBACK_ZIP)
    write_text("\n".join(problem_lines(filled, texts)) + "\n", folder / PROBLEMS_FILE)
    return filled


def problem_lines(filled: Filled, texts: Catalogue) -> list[str]:
    label = texts.section("exports")
    lines = [label("moodle.summary", notes=len(filled.graded), problemes=len(filled.problems))]
    lines += [f"- {label(f'moodle.problems.{problem.key}', **problem.facts)}"
              for problem in filled.problems]
    return lines


# -- the worksheet's own conventions --------------------------------------------------------------


def _key(header: str) -> str:
    return " ".join(unicodedata.normalize("NFC", header).replace("\u00a0", " ").split()).casefold()


def _decimal(cell: str) -> tuple[float, int] | None:
    """The value and number of decimals of ``100,00`` / ``100.00`` / ``20``; None for a scale."""
    found = DECIMAL.fullmatch(cell.replace("\u00a0", ""))
    if not found:
        return None
    return float(cell.strip().replace(",", ".")), len(found.group(2) or "")


def _separator(worksheet: Worksheet) -> str:
    """The file's decimal separator: seen in a grade or a maximum, else the language's."""
    for record in worksheet.rows:
        for column in ("maximum", "grade"):
            found = DECIMAL.fullmatch(worksheet.cell(record, column))
            if found and found.group(1):
                return found.group(1)
    return "," if worksheet.french else "."


def _quotes_spaces(worksheet: Worksheet) -> bool:
    """Whether the file quotes cells with a space (PHP's fputcsv, hence Moodle's, does)."""
    for record in worksheet.records:
        for raw, value in zip(_raw_cells(record, worksheet), record.cells):
            if " " in value and worksheet.delimiter not in value:
                return raw.startswith(worksheet.quotechar)
    return False


def _comment(existing: str, ours: str) -> str:
    """Ours after the teacher's own comment; a previous comment of ours is replaced."""
    if not existing.strip() or existing.strip().startswith(MPGRADE_MARK):
        return ours
    return f"{existing.rstrip()} {ours}"


def _raw_cells(record: Record, worksheet: Worksheet) -> list[str]:
    """The record's cells as they are written in the file (quotes included), ending excluded;
    checked against the csv module's reading of the same record."""
    body = record.raw.rstrip("\r\n")
    cells, start, quoted = [], 0, False
    for index, char in enumerate(body):
        if char == worksheet.quotechar:
            quoted = not quoted
        elif char == worksheet.delimiter and not quoted:
            cells.append(body[start:index])
            start = index + 1
    cells.append(body[start:])
    read_back = [next(csv.reader(io.StringIO(cell, newline=""), delimiter=worksheet.delimiter,
                                 quotechar=worksheet.quotechar), [""])[0] if cell else ""
                 for cell in cells]
    if read_back != record.cells:
        raise WorksheetError(f"cannot rewrite this row in place: {record.raw[:80]!r}")
    return cells


def _rewrite(worksheet: Worksheet, record: Record, changes: dict[str, str],
             quote_spaces: bool) -> str:
    """The record with the cells of ``changes`` replaced, each written by ``csv`` in the quoting
    the file uses; the other cells and the line ending as they were."""
    raw = _raw_cells(record, worksheet)
    ending = record.raw[len(record.raw.rstrip("\r\n")):]
    while len(raw) <= max(worksheet.columns[column] for column in changes):
        raw.append("")
    for column, value in changes.items():
        index = worksheet.columns[column]
        quote = raw[index].startswith(worksheet.quotechar) or (quote_spaces and " " in value)
        raw[index] = _cell(value, worksheet, quote)
    return worksheet.delimiter.join(raw) + ending


def _cell(value: str, worksheet: Worksheet, quote: bool) -> str:
    if not value and not quote:
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=worksheet.delimiter, quotechar=worksheet.quotechar,
               quoting=csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL,
               lineterminator="").writerow([value])
    return buffer.getvalue()
