"""The teacher's dashboard (``cohort.html``): rendered from stored reports, parsed, and read as a
teacher would — every figure checked against what the reports say; then opened in a headless
Chromium when there is one. No grading runs: the reports are in tests/data/cohort_reports/."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

import browser
from conftest import DATA, ROOT
from grader import catalogue, config
from grader.checking.verdicts import MACHINE_BOUND
from grader.cohort import dashboard, gradebook
from grader.report.model import Report
from html_tree import NETWORK_URL, URL_ATTRIBUTES, Node, parse
from message_keys import keys_in_code, kinds_in_code

REPORTS = DATA / "cohort_reports"
GENERATED_AT = "2026-11-26 09:30 UTC"
# Who is in the test cohort: (id, name, stored report or None when the submission could not be graded)
COHORT = [
    ("ana.silva", "Ana Silva", "complet"),
    ("bob.durand", "Bob Durand", "join_avant_vider"),
    ("chloe.nguyen", "Chloé Nguyen", "sequentiel"),
    ("dan.moreau", "Dan Moreau", "sans_join"),
    ("eve.lambert", "Ève Lambert", "brouillon"),
    ("farid.benali", "Farid Benali", "join_avant_vider"),
    ("gael.roux", "Gaël Roux", "complet"),
    ("hugo.faure", "Hugo Faure", None),
]
ERROR_REASON = "archive zip corrompue : impossible de l'ouvrir"
# Keys only ever raised because the machine cannot measure (pending): never a failure's reason.
SKIP_ONLY = {key for key, kinds in kinds_in_code().items() if kinds == {MACHINE_BOUND}}


def _report(name: str) -> Report:
    return json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8"))


def row(student_id: str, name: str, report: Report | None, reason: str = "") -> dict:
    """A gradebook row as grader/cohort/batch.py hands it to the dashboard."""
    page = f"students/{student_id}/rapport.html" if report else None
    return dict(gradebook.row(student_id, name, report, problem="" if report else reason, page=page),
                report=report)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return sorted((row(student_id, name, _report(kind) if kind else None, ERROR_REASON)
                   for student_id, name, kind in COHORT), key=lambda each: each["id"])


@pytest.fixture(scope="module")
def course() -> config.Course:
    return config.load()


@pytest.fixture(scope="module")
def french(rows, course, tmp_path_factory) -> tuple[Node, str, Path]:
    path = tmp_path_factory.mktemp("cohort") / "cohort.html"
    dashboard.write(rows, course, catalogue.load("fr"), path, generated_at=GENERATED_AT)
    html = path.read_text(encoding="utf-8")
    return parse(html), html, path


@pytest.fixture(scope="module")
def english(rows, course) -> tuple[Node, str]:
    html = dashboard.render(rows, course, catalogue.load("en"), generated_at=GENERATED_AT)
    return parse(html), html


def _graded_reports(rows: list[dict]) -> list[dict]:
    return [each["report"] for each in rows if each["status"] in gradebook.GRADED]


def _statuses(rows: list[dict], exercise_id: str, check_id: str) -> list[dict]:
    """The check as each graded student's report has it."""
    found = []
    for report in _graded_reports(rows):
        section = next(s for s in report["exercises"] if s["id"] == exercise_id)
        found.append(next(c for c in section["checks"] if c["id"] == check_id))
    return found


def _percent(part: int, whole: int) -> int:
    return int(100 * part / whole + 0.5)


# -- what it shows ------------------------------------------------------------------------------


def test_the_header_counts_the_students_the_graded_and_those_in_error(french, rows):
    tree, _, _ = french
    counts = {node.attrs["data-count"]: node.find("dd").text()
              for node in tree.find("header").find_all("div") if "data-count" in node.attrs}
    assert counts["students"] == str(len(rows)) == "8"
    assert counts["graded"] == str(sum(each["status"] in gradebook.GRADED for each in rows)) == "7"
    assert counts["errors"] == "! 1"  # a symbol, not only colour
    assert tree.find("html").attrs["lang"] == "fr"
    assert GENERATED_AT in tree.find("header").text()


def test_the_histogram_counts_every_graded_student_in_their_tenth_and_says_it_in_words(french, rows):
    tree, _, _ = french
    svg = tree.find("svg", class_="histogram-svg")
    assert svg.attrs["role"] == "img" and svg.find("title").text() and svg.find("desc").text()
    bins = [group for group in svg.find_all("g") if "bin" in group.classes()]
    assert len(bins) == dashboard.HISTOGRAM_BINS
    expected = [0] * dashboard.HISTOGRAM_BINS
    for each in rows:
        if each["status"] in gradebook.GRADED:
            expected[min(int(10 * each["score"] / each["max_score"]), 9)] += 1
    assert [int(group.attrs["data-students"]) for group in bins] == expected
    assert sum(expected) == 7
    for group, count in zip(bins, expected):  # the count is written on the bar, not only drawn
        assert group.find("text").text() == str(count)
    assert ", ".join(map(str, expected)) in svg.find("desc").text()


def test_the_concept_sentence_gives_the_share_of_the_cohort_that_joined_before_draining(french, rows):
    """ex06's large pipeline deadlocks for several students: the sentence tells the teacher which
    share of those the check judged did it, in the teacher's words."""
    judged = [c for c in _statuses(rows, "ex06_queue", "pipeline_grand_n") if c["status"] != "pending"]
    deadlocked = [c for c in judged if c.get("message_key") == "interblocage"]
    assert len(deadlocked) >= 3
    texts = catalogue.load("fr")
    phrase = texts.texts["cohort"]["concepts_by_exercise"]["ex06_queue"]["interblocage"]
    share = dashboard.labels(texts)("share", part=_percent(len(deadlocked), len(judged)))
    sentence = " ".join(f"{share} {phrase}".split())  # as the parser reads it: spaces collapsed
    tree, _, _ = french
    concept = next(item for item in tree.find("ol", class_="concepts").find_all("li")
                   if item.attrs.get("data-check") == "ex06_queue-pipeline_grand_n")
    assert sentence in concept.text()
    assert f"{len(deadlocked)} sur {len(judged)}" in concept.text()
    assert concept.find("a").attrs["href"] == "#ex06_queue-pipeline_grand_n"
    listed = tree.find("li", id="ex06_queue-pipeline_grand_n").find("li", data_key="interblocage")
    assert sentence in listed.text()


def test_the_concepts_are_the_most_shared_mistakes_first_and_never_unwritten_work(french):
    tree, _, _ = french
    items = tree.find("ol", class_="concepts").find_all("li")
    shares = [int(re.match(r"\d+", item.find("strong").text()).group()) for item in items]
    assert shares == sorted(shares, reverse=True) and shares[-1] >= dashboard.CONCEPT_MIN_SHARE
    keys = {item.attrs["data-key"] for item in items}
    assert "interblocage" in keys and "increments_perdus" in keys
    assert not keys & {"a_faire", "script_a_faire"}  # a stub, not a misunderstanding


@pytest.mark.parametrize("kind, a_concept", [
    ("mistake", True), ("not_loaded", True),  # a module that does not load: the guard missed
    ("not_written", False), ("not_there", False), ("internal", False)])
def test_a_reason_is_a_concept_by_the_kind_its_verdict_says_not_by_its_key(kind, a_concept):
    """Three students of three share one reason: a concept the cohort missed, unless the verdict
    says the work is not there (yet) or the grader had trouble (the report's ``kind``)."""
    check = dashboard.CheckStats("ex03_pool_map", "carre_resultat", "titre", "result", judged=3)
    check.reasons = [dashboard.Reason("une_cle", "phrase", 3, 3, kind)]
    exercise = dashboard.ExerciseStats("ex03_pool_map", "titre", 5.0, checks=[check])
    assert bool(dashboard.concepts([exercise])) is a_concept


def test_each_check_shows_its_pass_rate_among_the_students_it_judged(french, rows, course):
    tree, _, _ = french
    for exercise in course.exercises.values():
        for check_id in exercise.checks:
            item = tree.find("li", id=f"{exercise.id}-{check_id}")
            checks = _statuses(rows, exercise.id, check_id)
            pending = sum(c["status"] == "pending" for c in checks)
            passed = sum(c["status"] == "passed" for c in checks)
            assert int(item.attrs["data-pending"]) == pending
            assert int(item.attrs["data-judged"]) == len(checks) - pending
            assert int(item.attrs["data-passed"]) == passed
            if len(checks) - pending:
                assert f"{_percent(passed, len(checks) - pending)} % de réussite" in item.text()
            failing = {c.get("message_key") for c in checks if c["status"] in ("failed", "error")}
            shown = {node.attrs["data-key"] for node in item.find_all("li") if "data-key" in node.attrs}
            assert shown <= failing and len(shown) == min(len(failing), dashboard.REASONS_PER_CHECK)


def test_a_check_the_machine_could_not_measure_judges_nobody_and_says_how_many(french, rows):
    """A pending check is out of its pass rate (it judged nobody) but not out of the grades: the
    students it left provisional are « à revoir », out of the same maximum as the others."""
    checks = _statuses(rows, "ex09_cpu_bound", "acceleration")
    pending = sum(c["status"] == "pending" for c in checks)
    assert pending == 2  # the two complete submissions, graded on a machine showing no speed-up
    tree, _, _ = french
    item = tree.find("li", id="ex09_cpu_bound-acceleration")
    assert int(item.attrs["data-judged"]) == len(checks) - pending
    note = item.find("li", class_="pending")
    assert note.attrs["data-pending"] == "2" and "2 non mesurée" in note.text()
    total = sum(c["status"] == "pending" for report in _graded_reports(rows)
                for section in report["exercises"] for c in section["checks"])
    assert f"{total} vérifications n'ont pas pu être mesurées" in tree.find("header").text()
    review = [row for row in rows if row["status"] == "review"]
    assert len(review) >= 2 and len({row["max_score"] for row in rows if row["max_score"]}) == 1
    for row in review:
        line = tree.find("tr", data_student=row["id"])
        assert "à revoir" in line.text() and row["pending"]
        assert all(check in line.text() for check in row["pending"])


def test_each_exercise_shows_its_mean_and_how_many_had_full_marks(french, rows, course):
    tree, _, _ = french
    for exercise in course.exercises.values():
        sections = [next(s for s in report["exercises"] if s["id"] == exercise.id)
                    for report in _graded_reports(rows)]
        full = sum(s["score"] == s["max_score"] for s in sections)
        mean = round(sum(s["score"] for s in sections) / len(sections), 1)
        line = tree.find("tr", data_exercise=exercise.id)
        assert line.attrs["data-full"] == str(full) and line.attrs["data-graded"] == str(len(sections))
        assert f"{mean:g} / {exercise.max_score:g}" in line.text()
        assert f"{full} sur {len(sections)}" in line.text()


def test_the_students_in_error_are_listed_with_their_reason(french, rows):
    tree, _, _ = french
    listed = tree.find("ul", class_="error-list").find_all("li")
    in_error = [each for each in rows if each["status"] == "error"]
    assert [item.attrs["data-student"] for item in listed] == [each["id"] for each in in_error]
    assert ERROR_REASON in listed[0].text() and "erreur" in listed[0].text()


def test_every_student_is_in_the_table_with_their_scores_and_a_link_to_their_page(french, rows, course):
    tree, _, path = french
    lines = [line for line in tree.find("table", class_="student-table").find_all("tr")
             if "data-student" in line.attrs]
    assert [line.attrs["data-student"] for line in lines] == [each["id"] for each in rows]
    for line, each in zip(lines, rows):
        assert each["name"] in line.text()
        links = line.find_all("a")
        if each["status"] in gradebook.GRADED:
            assert [link.attrs["href"] for link in links] == [each["page"]]
            assert f"{each['score']:g} / {each['max_score']:g}" in line.text()
            # readable in black and white
            assert ("✔ corrigé" if each["status"] == "ok" else "? à revoir") in line.text()
            for exercise_id in course.exercises:
                cell = line.find("td", data_exercise=exercise_id)
                assert cell.text() == f"{each['exercises'][exercise_id]:g}"
        else:
            assert links == [] and "! erreur" in line.text()
    # The link is relative to the dashboard: students/<id>/rapport.html beside cohort.html.
    assert (path.parent / rows[0]["page"]).parent.parent.name == "students"


def test_an_id_with_spaces_and_accents_still_links(course):
    report = _report("complet")
    page = "students/Zoé Müller_4711/rapport.html"
    html = dashboard.render([{**row("Zoé Müller_4711", "Zoé Müller", report), "page": page}], course,
                            catalogue.load("fr"), generated_at=GENERATED_AT)
    link = parse(html).find("table", class_="student-table").find("a")
    assert link.attrs["href"] == "students/Zo%C3%A9%20M%C3%BCller_4711/rapport.html"


def test_a_reason_without_a_phrase_falls_back_to_the_check_title_and_its_key(course):
    report = _report("complet")
    check = report["exercises"][0]["checks"][0]
    check.update(status="failed", score=0.0, message_key="cle_inventee")
    rows = [row(f"s{index}", "", report) for index in range(3)]
    texts = catalogue.load("fr")
    tree = parse(dashboard.render(rows, course, texts, generated_at=GENERATED_AT))
    item = tree.find("li", id=f"{report['exercises'][0]['id']}-{check['id']}")
    reason = item.find("li", data_key="cle_inventee").text()
    assert texts.check_title(report["exercises"][0]["id"], check["id"]) in reason
    assert "cle_inventee" in reason and "100 %" in reason


def test_no_student_and_no_graded_student_render_without_a_figure(course):
    texts = catalogue.load("fr")
    labels = dashboard.labels(texts)
    empty = parse(dashboard.render([], course, texts, generated_at=GENERATED_AT))
    assert labels("no_student") in empty.text() and labels("no_graded") in empty.text()
    errors = [row(f"s{index}", "", None, "illisible") for index in range(2)]
    tree = parse(dashboard.render(errors, course, texts, generated_at=GENERATED_AT))
    assert not tree.find_all("svg", class_="histogram-svg")
    assert tree.find("div", data_count="errors").find("dd").text() == "! 2"


def test_the_page_is_written_whole(french, rows, course):
    _, html, path = french
    assert not list(path.parent.glob("*.tmp"))
    assert html == dashboard.render(rows, course, catalogue.load("fr"), generated_at=GENERATED_AT)


# -- languages and labels ---------------------------------------------------------------------------


def _leaves(texts: dict, prefix: str = "") -> dict[str, str]:
    found = {}
    for key, value in texts.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        found.update(_leaves(value, path) if isinstance(value, dict) else {path: str(value)})
    return found


def test_the_english_dashboard_has_no_french_label(english):
    tree, html = english
    assert tree.find("html").attrs["lang"] == "en"
    text = tree.text()
    french = _leaves(catalogue.load("fr").texts["cohort"])
    english_texts = _leaves(catalogue.load("en").texts["cohort"])
    for key, label in french.items():
        if "{" in label or label == english_texts[key]:
            continue  # a sentence with facts is checked through its fixed words below
        assert label not in text, key
    for french_word in ("Étudiants", "Corrigés", "de réussite", " sur ", "corrigé", "Tous les points",
                        "ont joint", "non mesurée"):
        assert french_word not in text, french_word
    assert "joined a process before draining its queue" in text
    assert "✔ graded" in tree.find("table", class_="student-table").text()


def test_the_catalogues_hold_every_label_of_the_dashboard():
    template = (ROOT / "grader" / "report" / "templates" / "cohort.html.j2").read_text(encoding="utf-8")
    used = set(re.findall(r"\bc\('([a-z_]+(?:\.[a-z_]+)*)'[,)]", template))
    used |= {"status_ok", "status_error"}  # built in the template
    assert len(used) > 30
    for language in ("fr", "en"):
        labels = catalogue.load(language).texts["cohort"]
        assert {key for key in used if not isinstance(labels.get(key), str)} == set(), language


def test_every_reason_a_check_fails_for_has_a_phrase_for_the_teacher():
    """A key's phrase is the course's or the engine's (``cohort.concepts``), or that of the exercise
    whose checks raise it (its ``concepts``, in ``concepts_by_exercise``)."""
    for language in ("fr", "en"):
        cohort = catalogue.load(language).texts["cohort"]
        phrased = set(cohort["concepts"]).union(*cohort["concepts_by_exercise"].values())
        missing = keys_in_code() - SKIP_ONLY - phrased
        assert missing == set(), language


# -- a page that loads nothing -----------------------------------------------------------------------


def test_the_dashboard_asks_for_nothing_from_the_network(french, english):
    for tree in (french[0], english[0]):
        assert not tree.find_all("script") and not tree.find_all("link")
        for node in tree.iter():
            for name in URL_ATTRIBUTES:
                assert not NETWORK_URL.match(node.attrs.get(name, "")), (node.tag, node.attrs)
        style = tree.find("style").text()
        assert "url(" not in style
        policy = tree.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
        assert "default-src 'none'" in policy
    # The policy allows exactly this page's style, by its hash.
    html = french[1]
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in html


CHROMIUM = browser.find()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH (Debian: apt-get install chromium); .ci/run installs it")


@needs_chromium
@pytest.mark.parametrize("width", [1200, 400])
def test_chromium_opens_the_dashboard_with_no_console_error_and_no_request(french, width):
    url = french[2].resolve().as_uri()
    with browser.Browser(CHROMIUM) as chromium:
        for media in ("screen", "print"):
            visit = chromium.visit(url, width=width, media=media)
            assert visit.console_errors == [], media
            assert visit.requests == [url], media  # the page itself, and nothing else
