"""The Moodle round trip, from worksheets written as French and English Moodles export them
(data/moodle, see its README) and a canned cohort: grades on the worksheet's scale in its decimal
separator, a comment per matched participant, every other byte as downloaded, the unmatched listed;
the feedback zip's names read by Moodle's own rules."""
from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from exports_data import HERE, moodle_cohort, report
from grader import catalogue
from grader.cohort.exports import cohort, moodle

DATA = HERE / "data" / "moodle"
WORKSHEETS = ["worksheet_en.csv", "worksheet_fr.csv", "worksheet_fr_excel.csv"]


def _rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > 1 else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def moodle_import(data: bytes) -> dict[str, tuple[float | None, str]]:
    """What Moodle's worksheet import reads: the participant number from the identifier column,
    the grade through unformat_float (either decimal separator), the feedback comments."""
    rows = _rows(data)
    header = [cell.casefold() for cell in rows[0]]
    def column(*names):
        return next(header.index(name) for name in names if name in header)
    identifier, grade = column("identifier", "identifiant"), column("grade", "note")
    feedback = column("feedback comments", "commentaires de feedback")
    read = {}
    for row in rows[1:]:
        found = re.search(r"(\d+)$", row[identifier])
        assert found is not None, row
        number = found.group(1)
        read[number] = (float(row[grade].replace(",", ".")) if row[grade] else None, row[feedback])
    return read


@pytest.fixture(scope="module")
def students(tmp_path_factory):
    return cohort(moodle_cohort(tmp_path_factory.mktemp("out")))


@pytest.mark.parametrize("name", WORKSHEETS)
def test_round_trip_fills_grades_and_comments_and_nothing_else(name, students, tmp_path):
    original = (DATA / name).read_bytes()
    filled = moodle.write(tmp_path, DATA / name, students, catalogue.load("fr"))
    written = (tmp_path / "moodle" / name).read_bytes()
    maximum = 20.0 if "fr" in name else 100.0
    separator = "," if "fr" in name else "."
    before, after = moodle_import(original), moodle_import(written)
    # participant -> the report of its submission in moodle_cohort (complet: 2 checks pending)
    for number, kind in {"123456": "complet", "123457": "sans_join", "123458": "complet"}.items():
        graded = report(kind)
        assert after[number][0] == pytest.approx(round(graded["score"] / graded["max_score"]
                                                       * maximum, 2))
        assert "rapport.html." in after[number][1] and "mpgrade" in after[number][1]
    assert "provisoire" in after["123458"][1] and "provisoire" not in after["123457"][1]
    assert "123457" in before and before["123457"][1] in after["123457"][1]  # the teacher's kept
    assert {number for number, _, _ in filled.graded} == {"123456", "123457", "123458"}
    # every other byte: the BOM, the line endings, the untouched rows, the other cells' text
    assert written.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")
    sheet, new = moodle.read(DATA / name), moodle.read(tmp_path / "moodle" / name)
    assert len(sheet.records) == len(new.records)
    touched = {sheet.columns["grade"], sheet.columns["feedback"]}
    for old_record, new_record in zip(sheet.records, new.records):
        number = re.search(r"(\d+)$", old_record.cells[0])
        if number is None or number.group(1) not in after or after[number.group(1)] == before[
                number.group(1)]:
            assert new_record.raw == old_record.raw
            continue
        old_raw = moodle._raw_cells(old_record, sheet)
        new_raw = moodle._raw_cells(new_record, new)
        assert [cell for index, cell in enumerate(old_raw) if index not in touched] == [
            cell for index, cell in enumerate(new_raw) if index not in touched]
        assert new_record.raw[-2:] == old_record.raw[-2:] or new_record.raw.endswith("\n")
        assert separator in new_record.cells[sheet.columns["grade"]] or new_record.cells[
            sheet.columns["grade"]].isdigit()
    assert written.count(b"\r\n") == original.count(b"\r\n")


@pytest.mark.parametrize("name", WORKSHEETS)
def test_unmatched_are_listed_never_guessed(name, students, tmp_path):
    filled = moodle.write(tmp_path, DATA / name, students, catalogue.load("en"))
    problems = {(problem.key, problem.facts.get("etudiant") or problem.facts["identifiant"][-6:])
                for problem in filled.problems}
    assert problems == {("no_submission", "123459"), ("not_graded", "123460"),
                        ("no_row", "marc-lefevre_123999"), ("no_number", "alice")}
    listed = (tmp_path / "moodle" / moodle.PROBLEMS_FILE).read_text(encoding="utf-8")
    assert "marc-lefevre_123999" in listed and "alice" in listed and "123459" in listed
    after = moodle_import((tmp_path / "moodle" / name).read_bytes())
    before = moodle_import((DATA / name).read_bytes())
    assert after["123459"] == before["123459"] and after["123460"] == before["123460"]


def _moodle_feedback_import(path: str, participants: set[int]) -> tuple[int, str, str] | None:
    """Moodle >= 4.1's assignfeedback_file_zip_importer::is_valid_filename_for_import: each path
    part split on "_" (at most 5 pieces): name, participant id, plugin type, plugin name, rest."""
    parts = path.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit() or int(info[1]) not in participants:
            continue
        if (info[2], info[3]) != ("assignfeedback", "file"):
            continue
        return int(info[1]), f"{info[2]}_{info[3]}", "/".join([info[4] if len(info) == 5 else ""]
                                                              + parts)
    return None


def _moodle_feedback_import_before_4_1(path: str, participants: set[int]):
    """The same before Moodle 4.1: the whole path split on "_" at most 5 times."""
    info = ("/" + path).split("_", 4)
    if len(info) < 5 or not info[1].isdigit() or int(info[1]) not in participants:
        return None
    return int(info[1]), f"{info[2]}_{info[3]}", info[4]


@pytest.mark.parametrize("trailing", [True, False])
def test_feedback_zip_names_parse_with_moodles_rules(trailing, students, tmp_path):
    moodle.write(tmp_path, DATA / "worksheet_fr.csv", students, catalogue.load("fr"))
    with zipfile.ZipFile(tmp_path / "moodle" / moodle.FEEDBACK_ZIP) as archive:
        names = archive.namelist()
        assert archive.read(names[0]).startswith(b"<!doctype html>")
    assert len(names) == 3
    participants = {123456, 123457, 123458, 123459, 123460}
    for name in names:
        folder, _, file = name.partition("/")
        assert folder.endswith("_123456_assignfeedback_file_") or "_" not in folder.split("_")[0]
        if not trailing:
            name = f"{folder.removesuffix('_')}/{file}"
        parsed = _moodle_feedback_import(name, participants)
        assert parsed is not None, name
        number, plugin, filename = parsed
        assert plugin == "assignfeedback_file" and filename.rsplit("/", 1)[-1] == "rapport.html"
        assert number in {123456, 123457, 123458}
        if trailing:
            assert _moodle_feedback_import_before_4_1(name, participants)[0] == number
    assert any(name.startswith("Éloïse Martin_123456_") for name in names)


def test_a_name_with_underscores_still_parses():
    folder = moodle.folder_name("Ana_Maria de la Cruz", "42")
    assert folder == "Ana Maria de la Cruz_42_assignfeedback_file_"
    assert _moodle_feedback_import(f"{folder}/rapport.html", {42})[0] == 42


def test_not_a_worksheet_is_refused(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("id,name\nalice,Alice\n", encoding="utf-8")
    with pytest.raises(moodle.WorksheetError):
        moodle.read(path)


def test_export_command_on_an_out_folder(tmp_path):
    """``python -m grader export OUT --moodle-worksheet … --canvas-roster …`` (no grading)."""
    import subprocess
    import sys
    out = moodle_cohort(tmp_path / "out")
    command = [sys.executable, "-m", "grader", "export", str(out), "--moodle-worksheet",
               str(DATA / "worksheet_en.csv"), "--canvas-roster",
               str(HERE / "data" / "canvas" / "roster.csv"), "--canvas-assignment",
               "TP multiprocessing", "--lang", "en"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Participant 123459" in done.stdout and "marc-lefevre_123999" in done.stdout
    assert (out / "moodle" / "worksheet_en.csv").is_file()
    assert (out / "moodle" / "feedback.zip").is_file()
    assert (out / "canvas" / "canvas_import.csv").is_file()
    wrong = subprocess.run(command[:4] + ["--moodle-worksheet", str(HERE / "data" / "canvas" /
                                                                    "roster.csv")],
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "worksheet" in wrong.stderr
