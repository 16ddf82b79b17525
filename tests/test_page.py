"""The student's HTML page: rendered for real reports (solutions, stubs, known-bad variants), parsed,
and read as a student would; then opened in a headless Chromium when there is one.

Each submission is graded once per session, on a few exercises only (the page is under test here,
not the checks): the solutions and the bad variants on the exercises whose pictures matter, the
stubs whole (the issue's "whole failing submission").
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import browser
from conftest import BAD, DATA, ROOT, SOLUTIONS, STUBS, grade, make_submission
from grader import catalogue
from grader.report import drawing, page
from grader.report.model import Report
from html_tree import NETWORK_URL, URL_ATTRIBUTES, Node, parse

PICTURED = ("ex03_pool_map", "ex06_queue", "ex09_cpu_bound")
MAX_PAGE_BYTES = 300 * 1024
MAX_RENDER_S = 1.0
@dataclass
class Rendered:
    report: Mapping[str, Any]  # a report, as the command wrote it or as a test built it
    html: str
    tree: Node
    path: Path

    def check(self, exercise_id: str, check_id: str) -> Node:
        return self.tree.find("li", id=f"{exercise_id}-{check_id}")

    def report_check(self, exercise_id: str, check_id: str) -> dict:
        exercise = next(e for e in self.report["exercises"] if e["id"] == exercise_id)
        return next(c for c in exercise["checks"] if c["id"] == check_id)


def _render(report: Report, path: Path) -> Rendered:
    page.write(report, path)
    html = path.read_text(encoding="utf-8")
    return Rendered(report, html, parse(html), path)


def _graded_page(folder: Path, *exercises: str, language: str | None = None) -> Rendered:
    """Grade with the real command, which writes the page itself (``--html``)."""
    html_path = folder.parent / f"{folder.name}.html"
    graded = grade(folder, *exercises, html_path=html_path, language=language,
                   json_path=folder.parent / f"{folder.name}.json")
    assert graded.report, graded.stderr
    assert str(html_path.resolve()) in graded.stdout  # the command says where the page is
    html = html_path.read_text(encoding="utf-8")
    return Rendered(graded.report, html, parse(html), html_path)


# -- the pages, once per session -----------------------------------------------------------------


@pytest.fixture(scope="session")
def solutions_page(tmp_path_factory) -> Rendered:
    folder = make_submission(tmp_path_factory.mktemp("page") / "solutions",
                             {exercise: SOLUTIONS / f"{exercise}.py" for exercise in PICTURED})
    return _graded_page(folder, *PICTURED)


@pytest.fixture(scope="session")
def stubs_page(tmp_path_factory) -> Rendered:
    folder = tmp_path_factory.mktemp("page") / "exercises"
    folder.mkdir()
    for stub in STUBS.glob("ex*.py"):
        make_submission(folder, {stub.stem: stub})
    return _graded_page(folder)


@pytest.fixture(scope="session")
def bad_page(tmp_path_factory) -> Rendered:
    """A sequential ex03 and an ex06 whose pipeline joins before draining (a deadlock)."""
    folder = make_submission(tmp_path_factory.mktemp("page") / "mauvais", {
        "ex03_pool_map": BAD / "ex03_pool_map" / "sequentiel.py",
        "ex06_queue": BAD / "ex06_queue" / "join_avant_vider.py"})
    return _graded_page(folder, "ex03_pool_map", "ex06_queue")


@pytest.fixture(scope="session")
def english_page(tmp_path_factory) -> Rendered:
    """An ex03 whose carre computes a wrong square, graded in English."""
    folder = make_submission(tmp_path_factory.mktemp("page") / "wrong",
                             {"ex03_pool_map": DATA / "broken" / "carre_faux.py"})
    return _graded_page(folder, "ex03_pool_map", language="en")


@pytest.fixture(scope="session")
def deadlock_page(tmp_path_factory) -> Rendered:
    """A stored report (tests/data/page): a hang in ex06 and ex09's timings, no grading needed."""
    report = json.loads((DATA / "page" / "interblocage.json").read_text(encoding="utf-8"))
    return _render(report, tmp_path_factory.mktemp("page") / "interblocage.html")


def _worker_lanes_with_tasks(figure: Node) -> list[Node]:
    return [lane for lane in figure.find_all("g") if "lane" in lane.classes()
            and lane.attrs["data-role"] != "main" and int(lane.attrs["data-tasks"]) > 0]


def _lanes_with_tasks(figure: Node) -> list[Node]:
    return [lane for lane in figure.find_all("g") if "lane" in lane.classes()
            and int(lane.attrs["data-tasks"]) > 0]


def _figure_of(rendered: Rendered, exercise_id: str, check_id: str) -> Node:
    """The timeline of the run a check judged from (drawn beside it, or beside the check it links to)."""
    pid = rendered.report_check(exercise_id, check_id)["runs"][0]
    return rendered.tree.find("figure", id=f"{exercise_id}-run-{pid}")


# -- content ---------------------------------------------------------------------------------------


def test_the_header_shows_the_submission_the_score_and_the_machine(bad_page):
    header = bad_page.tree.find("header")
    text = header.text()
    report = bad_page.report
    assert report["submission"] in text and str(report["seed"]) in text
    assert f"{report['score']:g} / {report['max_score']:g}" in text
    assert f"{report['machine']['cpus']} cœurs" in text and report["start_method"] in text
    assert report["machine"]["python"] in text
    assert "machine" in report and "load" in report["machine"]
    if report["machine"]["load"]:
        assert f"{report['machine']['load'][0]:.2f}" in text


def test_each_check_shows_its_status_in_words_its_category_and_its_french_texts(bad_page):
    texts = catalogue.load("fr")
    for exercise in bad_page.report["exercises"]:
        section = bad_page.tree.find("section", id=exercise["id"])
        assert exercise["title"] in section.text()
        for check in exercise["checks"]:
            item = bad_page.check(exercise["id"], check["id"])
            assert item.attrs["data-status"] == check["status"]
            assert texts.page(f"status.{check['status']}") in item.text()  # readable without colour
            assert texts.page(f"categories.{check['category']}") in item.text()
            assert check["title"] in item.text()
            if check["status"] in ("failed", "error"):
                assert check["message"] and check["message"] in item.text()
                assert check["hint"] in item.text()


def test_the_sequential_variant_shows_every_task_on_one_lane_end_to_end(bad_page):
    figure = _figure_of(bad_page, "ex03_pool_map", "taches_simultanees")
    lanes = _lanes_with_tasks(figure)
    assert len(lanes) == 1 and lanes[0].attrs["data-role"] == "main"
    assert _worker_lanes_with_tasks(figure) == []
    bars = [rect for rect in lanes[0].find_all("rect") if "task" in rect.classes()]
    starts = sorted(float(bar.attrs["x"]) for bar in bars)
    assert len(bars) == int(lanes[0].attrs["data-tasks"]) > 2
    assert len(set(starts)) == len(starts)  # one after the other, never two at once
    # The duration check's bound is drawn as a line, with its value, on the run it judged (the
    # same run, or a later one when a busy moment made it measure again).
    bound = bad_page.report_check("ex03_pool_map", "duree_dans_la_borne")["facts"]["borne"]
    judged = _figure_of(bad_page, "ex03_pool_map", "duree_dans_la_borne")
    rules = [group for group in judged.find_all("g") if {"rule", "bound"} <= group.classes()]
    assert len(rules) == 1 and f"{bound} s" in rules[0].text()


def test_the_solution_shows_several_worker_lanes_at_the_same_time(solutions_page):
    figure = _figure_of(solutions_page, "ex03_pool_map", "taches_simultanees")
    workers = _worker_lanes_with_tasks(figure)
    assert len(workers) >= 2
    intervals = []
    for lane in workers:
        for bar in (rect for rect in lane.find_all("rect") if "task" in rect.classes()):
            x, width = float(bar.attrs["x"]), float(bar.attrs["width"])
            intervals.append((x, x + width))
    assert any(a0 < b1 and b0 < a1 for index, (a0, a1) in enumerate(intervals)
               for b0, b1 in intervals[index + 1:])  # bars of different workers overlap
    passed = solutions_page.report_check("ex03_pool_map", "duree_dans_la_borne")
    assert passed["status"] in ("passed", "pending") and "borne" in passed["facts"]  # measured facts


def test_queue_lanes_show_the_producer_the_consumers_and_the_sentinels(solutions_page):
    figure = _figure_of(solutions_page, "ex06_queue", "pipeline_multi_consommateurs")
    roles = [lane.attrs["data-role"] for lane in figure.find_all("g") if "lane" in lane.classes()]
    assert roles[0] == "main" and roles.count("producteur") == 1 and roles.count("consommateur") >= 2
    sent = [node for node in figure.find_all() if {"mark", "sent"} <= node.classes()]
    received = [node for node in figure.find_all() if {"mark", "received"} <= node.classes()]
    assert len(sent) == 1 and len(received) == roles.count("consommateur")
    assert "≈" in figure.text()  # the page says these moments are estimated


def test_a_deadlock_shows_where_each_process_was_stuck(bad_page):
    check = bad_page.report_check("ex06_queue", "pipeline_grand_n")
    assert check["status"] == "failed" and check["message_key"] == "interblocage"
    figure = _figure_of(bad_page, "ex06_queue", "pipeline_grand_n")
    stuck_pids = {place["pid"] for place in check["facts"]["processus"]}
    marked = {int(lane.attrs["data-pid"]) for lane in figure.find_all("g") if "lane" in lane.classes()
              and any({"mark", "stuck"} <= node.classes() for node in lane.find_all("g"))}
    assert marked == stuck_pids
    listed = figure.find("div", class_="stuck-list").text()
    assert all(str(pid) in listed for pid in stuck_pids)


def test_the_marks_an_exercise_asks_for_are_drawn_where_its_functions_end(solutions_page):
    """ex06's exercise.yaml marks the end of producteur (sentinel sent) and consommateur (sentinel
    received): the pipeline's picture has them on those processes' lanes, and without the run's
    ``marks`` (the exercise's setting) nothing is drawn."""
    exercise = next(e for e in solutions_page.report["exercises"] if e["id"] == "ex06_queue")
    check = solutions_page.report_check("ex06_queue", "pipeline_resultat")
    run = next(run for run in exercise["runs"] if run["run"] == check["runs"][0])
    assert run["marks"] == {"producteur": [["self", "sentinel_sent"]],
                            "consommateur": [["self", "sentinel_received"]]}
    picture = drawing.timeline(run, exercise["checks"])
    drawn = {(lane.role, mark.kind) for lane in picture.lanes for mark in lane.marks}
    assert drawn == {("producteur", "sentinel_sent"), ("consommateur", "sentinel_received")}
    unmarked = drawing.timeline(dict(run, marks={}), exercise["checks"])
    assert not [mark for lane in unmarked.lanes for mark in lane.marks]
    figure = _figure_of(solutions_page, "ex06_queue", "pipeline_resultat")
    assert [node for node in figure.find_all("path") if {"mark", "sent"} <= node.classes()]
    assert [node for node in figure.find_all("circle") if {"mark", "received"} <= node.classes()]


def test_a_stored_deadlock_report_breaks_the_axis_after_the_activity(deadlock_page):
    run = deadlock_page.report["exercises"][0]["runs"][0]
    picture = drawing.timeline(run, deadlock_page.report["exercises"][0]["checks"])
    assert picture.break_x is not None
    child = next(lane for lane in picture.lanes if lane.pid == 7291)  # ended after 0.2 s of 10.8
    assert child.life[1] < picture.break_x  # visible before the break, not squeezed at the start
    assert {mark.kind for lane in picture.lanes for mark in lane.marks} == {"stuck"}
    assert deadlock_page.tree.find("figure", id="ex06_queue-run-7288")


def test_ex09_draws_the_three_timings_and_the_required_speed_up(deadlock_page):
    chart = deadlock_page.check("ex09_cpu_bound", "acceleration").find("figure", class_="chart")
    rows = {row.attrs["data-kind"]: row.text() for row in chart.find_all("g", class_="chart-row")}
    assert set(rows) == {"sequential", "threads", "processes"}
    facts = deadlock_page.report_check("ex09_cpu_bound", "acceleration")["facts"]
    assert f"{facts['threads_s']} s" in rows["threads"]
    assert f"{facts['processus_s']} s" in rows["processes"]
    caption = chart.text()
    assert f"×{facts['acceleration']}" in caption and f"×{facts['calibration']}" in caption
    assert f"×{facts['requis']}" in caption


def test_the_stubs_page_shows_every_failure_and_is_small_and_quick(stubs_page):
    assert stubs_page.report["score"] == 0
    for exercise in stubs_page.report["exercises"]:
        for check in exercise["checks"]:
            if check["status"] in ("failed", "error"):
                assert check["message"] in stubs_page.check(exercise["id"], check["id"]).text()
    errors = [node for node in stubs_page.tree.find_all("details") if "details" in node.classes()]
    assert errors and all(node.find("pre").text() for node in errors)  # traceback / last output
    # The checks ran the stubs (their runs are in the report), but a picture of calls that raise
    # NotImplementedError says nothing more than the message: none is drawn (the checks' kind).
    assert any(check.get("runs") for exercise in stubs_page.report["exercises"]
               for check in exercise["checks"])
    assert not stubs_page.tree.find_all("figure")
    assert len(stubs_page.html.encode("utf-8")) < MAX_PAGE_BYTES
    started = time.perf_counter()
    page.render(stubs_page.report)
    assert time.perf_counter() - started < MAX_RENDER_S


def test_a_failing_result_shows_the_input_that_made_it_fail(english_page):
    failing = [check for check in english_page.report["exercises"][0]["checks"]
               if check.get("message_key") == "resultat_incorrect"]
    assert failing
    item = english_page.check("ex03_pool_map", failing[0]["id"])
    shown = item.find("dl", class_="failing-input").text()
    assert failing[0]["facts"]["entree"] in shown and failing[0]["facts"]["obtenu"] in shown
    assert catalogue.load("en").page("input") in shown


def test_the_english_page_has_no_french_check_title(english_page):
    french = catalogue.load("fr")
    english = catalogue.load("en")
    text = english_page.tree.find("main").text()
    assert english_page.tree.find("html").attrs["lang"] == "en"
    for check in english_page.report["exercises"][0]["checks"]:
        assert french.check_title("ex03_pool_map", check["id"]) not in text
        assert english.check_title("ex03_pool_map", check["id"]) in text
    assert english.page("status.failed") in text and french.page("status.failed") not in text
    assert french.page("timeline") not in english_page.html


def test_the_page_asks_for_nothing_from_the_network(solutions_page, stubs_page, bad_page, english_page):
    for rendered in (solutions_page, stubs_page, bad_page, english_page):
        assert not rendered.tree.find_all("script") and not rendered.tree.find_all("link")
        for node in rendered.tree.iter():
            for name in URL_ATTRIBUTES:
                assert not NETWORK_URL.match(node.attrs.get(name, "")), (node.tag, node.attrs)
        assert "url(" not in rendered.tree.find("style").text()  # no font, no image from the CSS
        policy = rendered.tree.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
        assert "default-src 'none'" in policy


def test_the_catalogues_hold_every_label_of_the_templates():
    used = set()
    for template in (ROOT / "grader" / "report" / "templates").glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\('([a-z_]+(?:\.[a-z_]+)*)'[,)]", text))
    used |= {f"status.{status}" for status in page.STATUS_SYMBOLS}  # keys built in the templates
    used |= {f"categories.{name}" for name in ("result", "guard", "parallelism", "shutdown", "api")}
    used |= {f"roles.{role}" for role in ("main", "worker", "child")}
    used |= {"sentinel_sent", "sentinel_received", "none_sent", "none_received", "stuck", "bound",
             "sequential", "threads", "processes", "input", "expected", "obtained"}
    assert len(used) > 40
    for language in ("fr", "en"):
        path = ROOT / "grader" / "locales" / f"{language}.yaml"
        labels = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = {key for key in used if not isinstance(_dotted(labels["page"], key), str)}
        assert missing == set(), language


def _dotted(texts: object, key: str) -> object:
    for part in key.split("."):
        texts = texts.get(part) if isinstance(texts, dict) else None
    return texts


# -- in a real browser -------------------------------------------------------------------------------

CHROMIUM = browser.find()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH (Debian: apt-get install chromium); .ci/run installs it")


@pytest.fixture(scope="module")
def chromium():
    with browser.Browser(CHROMIUM) as opened:
        yield opened


@needs_chromium
@pytest.mark.parametrize("width", [1200, 400])
def test_chromium_opens_the_pages_with_no_console_error_and_no_request(chromium, bad_page,
                                                                      solutions_page, width):
    for rendered in (bad_page, solutions_page):
        url = rendered.path.resolve().as_uri()
        visit = chromium.visit(url, width=width)
        assert visit.console_errors == []
        assert visit.requests == [url]  # the page itself, from the file system, and nothing else


@needs_chromium
def test_chromium_reports_what_the_page_would_load(chromium, bad_page, tmp_path):
    """The test above would see a network load: an image slipped into the page shows as a request
    (which its Content-Security-Policy blocks before it leaves: the address does not even exist),
    and the refusal as a console error."""
    tampered = tmp_path / "tampered.html"
    slipped = '<main><img src="https://example.invalid/x.png">'
    tampered.write_text(bad_page.html.replace("<main>", slipped, 1), encoding="utf-8")
    visit = chromium.visit(tampered.resolve().as_uri())
    assert any("Content Security Policy" in error for error in visit.console_errors), visit
    assert "https://example.invalid/x.png" in visit.requests


def test_overlapping_tasks_of_one_process_threads_stack_in_rows(deadlock_page):
    """ex09's threads run travail_cpu at the same time in the main process: one lane, two rows."""
    exercise = deadlock_page.report["exercises"][1]
    picture = drawing.timeline(exercise["runs"][0], exercise["checks"])
    main = picture.lanes[0]
    rows = {bar.y for bar in main.bars}
    assert main.role == "main" and len(rows) >= 2
    assert main.height > 2 * drawing.BAR_HEIGHT
