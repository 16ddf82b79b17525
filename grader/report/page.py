"""The student's HTML page: the report dict rendered with the Jinja2 templates of ``templates/``.

Only the report (the JSON contract) is read, so anything holding a report — ``check`` now, a cohort
later — can render it. The page is one self-contained file: its CSS is inline, its pictures are
inline SVG, and a Content-Security-Policy forbids every network load, so it opens from the file
system anywhere. Its labels come from the catalogue of the report's language.
"""
from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2

from grader import catalogue as catalogues
from grader.catalogue import Catalogue
from grader.checking.verdicts import NOT_LOADED, NOT_THERE, NOT_WRITTEN
from grader.report import drawing
from grader.report.model import CheckReport, ExerciseReport, Report, provisional_note, write_text

TEMPLATES = Path(__file__).parent / "templates"
STATUS_SYMBOLS = {"passed": "✔", "failed": "✘", "error": "!", "pending": "?"}
FAILING = ("failed", "error")
# The input that made a check fail, as the check shortened it: fact -> its label on the page.
SHOWN_FACTS = {"entree": "input", "attendu": "expected", "obtenu": "obtained"}
# Verdicts that say the code is not there to run yet (a stub, a missing file, a module that did not
# load): a picture of the grader's calls into it would show nothing the message does not already say.
NOTHING_TO_SEE = (NOT_WRITTEN, NOT_THERE, NOT_LOADED)


@dataclass
class Figure:
    """One run's timeline, drawn beside the check it explains best."""

    anchor: str
    timeline: drawing.Timeline
    folded: bool = False  # beside a passed result check: there on demand, not in the way


@dataclass
class CheckView:
    check: CheckReport
    figures: list[Figure] = field(default_factory=list)
    see_also: list[tuple[str, str]] = field(default_factory=list)  # (anchor, title of its host)
    chart: drawing.Chart | None = None

    @property
    def shown_facts(self) -> list[tuple[str, object]]:
        """(label, fact) of the facts shown beside a failed check; the page words each one."""
        facts = self.check.get("facts") or {}
        if self.check["status"] not in FAILING:
            return []
        return [(label, facts[key]) for key, label in SHOWN_FACTS.items() if key in facts]


def render(report: Report, texts: Catalogue | None = None) -> str:
    """The page for ``report``, in the report's language unless ``texts`` is given."""
    texts = texts or catalogues.load(report.get("language") or catalogues.DEFAULT_LANGUAGE)
    css = environment().get_template("page.css").render()
    return environment().get_template("page.html.j2").render(
        report=report, exercises=[_exercise_view(exercise) for exercise in report.get("exercises", [])],
        t=texts.page, worded=lambda fact: str(texts.worded(fact)), lang=texts.language, css=css,
        style_hash=style_hash(css), symbols=STATUS_SYMBOLS,
        graded_at=_date(report.get("graded_at")), load=_load(report.get("machine", {}).get("load")),
        provisional=provisional_note(report, texts) if report.get("pending") else "")


def write(report: Report, path: Path, texts: Catalogue | None = None) -> None:
    """Write the page, whole or not at all (a student may open it while it is being written)."""
    write_text(render(report, texts), path)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates of grader/report/templates/, shared by the student page and the cohort dashboard."""
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                   undefined=jinja2.StrictUndefined, trim_blocks=True,
                                   lstrip_blocks=True)
    templates.filters["num"] = lambda value: f"{value:g}"  # 10.0 -> 10, 10.5 -> 10.5
    return templates


def style_hash(text: str) -> str:
    """The hash the Content-Security-Policy allows the inline style by (and nothing else)."""
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _date(moment: str | None) -> str:
    if not moment:
        return "?"
    try:
        return datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M %Z").strip()
    except ValueError:
        return moment


def _load(load: list[float] | None) -> str | None:
    return " / ".join(f"{value:.2f}" for value in load) if load else None


# -- which check shows which run ------------------------------------------------------------------


def _exercise_view(exercise: ExerciseReport) -> dict:
    views = [CheckView(check) for check in exercise.get("checks", [])]
    _place_timelines(exercise, views)
    for view in views:
        view.chart = drawing.speedup_chart(view.check.get("facts") or {})
    return {**exercise, "views": views, "counts": _counts(exercise)}


def _place_timelines(exercise: ExerciseReport, views: list[CheckView]) -> None:
    """Each run is drawn once, beside the check it explains best; the failing checks that judged
    from it too link to it."""
    runs = {run.get("run", run.get("harness_pid")): run for run in exercise.get("runs", [])}
    colours = drawing.function_colours(list(runs.values()))
    for pid, run in runs.items():
        readers = [view for view in views if pid in view.check.get("runs", [])
                   and view.check.get("kind") not in NOTHING_TO_SEE]
        picture = drawing.timeline(run, [view.check for view in readers], colours) if readers else None
        if picture is None:
            continue
        host = _host(readers)
        anchor = f"{exercise['id']}-run-{pid}"
        folded = host.check["status"] == "passed" and host.check.get("category") == "result"
        host.figures.append(Figure(anchor, picture, folded))
        for view in readers:
            if view is not host and view.check["status"] != "passed":  # where the student looks
                view.see_also.append((anchor, host.check["title"]))


def _host(readers: list[CheckView]) -> CheckView:
    """The check a run is drawn beside (the failing others link to it): the first that did not
    pass — where the student looks — else one with a time bound to draw, else the first about
    processes (parallelism, then the tool used, then shutdown) rather than about values."""
    for wanted in (lambda check: check["status"] in FAILING,
                   lambda check: "borne" in (check.get("facts") or {}),
                   lambda check: check.get("category") == "parallelism",
                   lambda check: check.get("category") == "api",
                   lambda check: check.get("category") == "shutdown"):
        found = next((view for view in readers if wanted(view.check)), None)
        if found:
            return found
    return readers[0]


def _counts(exercise: ExerciseReport) -> list[tuple[str, int]]:
    statuses = [check["status"] for check in exercise.get("checks", [])]
    return [(status, statuses.count(status)) for status in STATUS_SYMBOLS if statuses.count(status)]
