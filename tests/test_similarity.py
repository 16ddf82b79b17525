"""Similar submissions (``grader/cohort/similarity.py``, copydetect): a file shared with renamed variables
is a pair; the solutions against the stubs, and two independent correct solutions, are not; the
cohort's dashboard shows the pair with both files side by side."""
from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser

import pytest

from conftest import DATA, SOLUTIONS, STUBS
from grader import catalogue, config
from grader.cohort import batch, gradebook, similarity
from grader.config import ConfigError

SIMILAR = DATA / "similarity"  # independante/: a correct ex06 written apart; renommee/: it, renamed
COURSE = config.load()
EXERCISES = list(COURSE.exercises)


def _files(**folders) -> dict:
    return {student: {path.stem: path for path in folder.glob("ex*.py")}
            for student, folder in folders.items()}


def test_a_file_shared_with_renamed_variables_is_a_pair():
    pairs = similarity.find(_files(bob=SIMILAR / "independante", carol=SIMILAR / "renommee"),
                            EXERCISES, COURSE.similarity)
    assert [(pair.exercise, pair.left.student, pair.right.student) for pair in pairs] == [
        ("ex06_queue", "bob", "carol")]
    assert pairs[0].share > 0.9
    shared = "".join(segment.text for segment in pairs[0].right.segments if segment.shared)
    assert "file_a" in shared and "les_conso" in shared  # the renamed copy's lines are marked
    assert "".join(segment.text for segment in pairs[0].left.segments) == (
        SIMILAR / "independante" / "ex06_queue.py").read_text(encoding="utf-8")


def test_solutions_against_stubs_and_two_independent_solutions_are_not():
    assert similarity.find(_files(solutions=SOLUTIONS, stubs=STUBS), EXERCISES,
                           COURSE.similarity) == []
    assert similarity.find(_files(reference=SOLUTIONS, other=SIMILAR / "independante"),
                           EXERCISES, COURSE.similarity) == []


def test_the_stub_is_boilerplate_even_at_any_threshold():
    """Whatever the threshold, the given code never makes a pair: its fingerprints are removed."""
    anything = similarity.Settings(threshold=0.001, min_shared_tokens=1)
    assert similarity.find(_files(a=STUBS, b=STUBS), EXERCISES, anything) == []


class _Pairs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self.marks, self.section = 0, False

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        self.section |= attributes.get("id") == "similar"
        if tag == "details" and "pair" in attributes.get("class", ""):
            self.pairs.append((attributes["data-exercise"], attributes["data-students"]))
        self.marks += tag == "mark"


def test_the_cohort_dashboard_lists_the_pair_side_by_side(tmp_path):
    """A test cohort as the intake leaves it (OUT/.work/intake/<id>/), no grading needed."""
    out = tmp_path / "out"
    students = {"alice": SOLUTIONS, "bob": SIMILAR / "independante", "carol": SIMILAR / "renommee",
                "dan": STUBS}
    rows, reports = [], {}
    for student, folder in students.items():
        shutil.copytree(folder, out / ".work" / "intake" / student,
                        ignore=shutil.ignore_patterns("__pycache__"))
        built = json.loads((DATA / "cohort_reports" / "complet.json").read_text(encoding="utf-8"))
        reports[student] = built
        rows.append(gradebook.row(student, student, built))
    batch.finish(out, rows, EXERCISES, COURSE, catalogue.load("fr"), reports)
    parser = _Pairs()
    parser.feed((out / "cohort.html").read_text(encoding="utf-8"))
    assert parser.section
    assert parser.pairs == [("ex06_queue", "bob carol")]
    assert parser.marks >= 2


@pytest.mark.parametrize("raw", [{"threshold": 2}, {"seuil": 0.5}, {"noise_tokens": -1}, [0.5]])
def test_settings_are_checked(raw):
    with pytest.raises(ConfigError):
        similarity.Settings.read(raw)
