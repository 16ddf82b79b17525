"""The teacher's dashboard of a cohort (``cohort.html``), from the rows of the gradebook.

One row per student (``grader/cohort/batch.py`` builds them): the student's totals, and the report of
their submission (the JSON contract of ``grader/report/model.py``) when it could be graded. The page
shows how many were graded, the distribution of their scores, each exercise's mean and share of full
marks, each check's pass rate with the reasons it failed — in the teacher's words, from the
``cohort.concepts`` of the catalogue: "62 % ont joint un processus avant de vider la file" — the
students who could not be graded and why, and every student with a link to their own page.

Like the student's page (``grader/report/page.py``) it is one self-contained file: inline CSS allowed by
its hash in a Content-Security-Policy that forbids every load, an inline SVG histogram, no script.
Only the rows are read; every text comes from the catalogue (``cohort:`` labels, ``page:`` words).
"""
from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from grader.catalogue import Catalogue
from grader.checking.verdicts import MISTAKE, NOT_LOADED
from grader.cohort import gradebook
from grader.config import CheckSpec, Course, Exercise
from grader.report import page
from grader.report.model import NOT_MEASURED, CheckReport, ExerciseReport, Report, write_text

# The student page's style, and the dashboard's own additions.
STYLES = ("page.css", "cohort.css", "similarity.css")
STATUS_SYMBOLS = {"ok": "✔", "review": "?", "error": "!"}
HISTOGRAM_BINS = 10  # of 10 % of the maximum each; full marks fall in the last one
CONCEPT_MIN_SHARE = 10  # % of the students a check judged, and at least
CONCEPT_MIN_STUDENTS = 2  # students: below either, a mistake is one student's, not the cohort's
CONCEPTS_SHOWN = 12
REASONS_PER_CHECK = 3
# The kinds of reasons that can be a concept the cohort missed (a module that did not load is the
# guard's); the others say the work is not there (yet), or the grader's own trouble: shown under
# their check only (grader.checking.verdicts.KINDS).
CONCEPT_KINDS = (MISTAKE, NOT_LOADED)
UNKNOWN_KEY = "inconnu"


# -- what the page shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a check failed for some of the students it judged: one message key."""

    key: str
    concept: str  # the teacher's phrase: "ont joint un processus avant de vider la file"
    students: int
    judged: int
    kind: str = MISTAKE  # what the verdict says of the submission (grader.checking.verdicts.KINDS)

    @property
    def share(self) -> int:
        return _percent(self.students, self.judged)


@dataclass
class CheckStats:
    exercise_id: str
    id: str
    title: str
    category: str
    passed: int = 0
    judged: int = 0
    pending: int = 0
    reasons: list[Reason] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.exercise_id}-{self.id}"

    @property
    def share(self) -> int | None:
        return _percent(self.passed, self.judged) if self.judged else None


@dataclass
class ExerciseStats:
    id: str
    title: str
    max_score: float
    graded: int = 0
    mean: float | None = None
    full_marks: int = 0
    checks: list[CheckStats] = field(default_factory=list)

    @property
    def short_id(self) -> str:
        return self.id.split("_", 1)[0]

    @property
    def full_marks_share(self) -> int | None:
        return _percent(self.full_marks, self.graded) if self.graded else None

    @property
    def pending(self) -> int:
        return sum(check.pending for check in self.checks)


@dataclass(frozen=True)
class Concept:
    """A reason that many students share, for the list at the top of the page."""

    reason: Reason
    check: CheckStats


@dataclass(frozen=True)
class Bin:
    low: int  # % of the maximum
    high: int
    students: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Histogram:
    width: int
    height: int
    baseline: float
    bins: list[Bin]


# -- the page ------------------------------------------------------------------------------------


def render(rows: list[dict], course: Course, texts: Catalogue, *, generated_at: str,
           similar: list | None = None) -> str:
    """The dashboard of ``rows`` (one per student, sorted by id), in the language of ``texts``."""
    graded = [row for row in rows if row.get("status") in gradebook.GRADED]
    exercises = exercise_stats(rows, course, texts)
    shares = _percentages(rows)
    css = "\n".join(page.environment().get_template(name).render() for name in STYLES)
    return page.environment().get_template("cohort.html.j2").render(
        rows=rows, graded=graded, errors=[row for row in rows if row.get("status") not in gradebook.GRADED],
        exercises=exercises, concepts=concepts(exercises), histogram=histogram(rows),
        mean=_mean(shares), median=_median(shares),
        pending=sum(exercise.pending for exercise in exercises),
        c=labels(texts), t=texts.page, lang=texts.language, css=css, style_hash=page.style_hash(css),
        symbols=STATUS_SYMBOLS, check_symbols=page.STATUS_SYMBOLS, generated_at=_moment(generated_at),
        concept_min_share=CONCEPT_MIN_SHARE, reasons_per_check=REASONS_PER_CHECK, link=_link,
        full_marks=_full_marks_in, similar=similar, s=texts.section("similarity"),
        similarity_settings=course.similarity)


def write(rows: list[dict], course: Course, texts: Catalogue, path: Path, *, generated_at: str,
          similar: list | None = None) -> None:
    """Write the dashboard whole or not at all (the teacher may open it while a run goes on);
    ``similar``: the pairs of ``grader/cohort/similarity.py`` (None: not looked for)."""
    write_text(render(rows, course, texts, generated_at=generated_at, similar=similar), path)


def labels(texts: Catalogue) -> Callable[..., str]:
    """The ``cohort:`` labels of ``texts`` as a function of a key and facts (the key itself when
    missing), looked up and filled exactly as the student page's ``page:`` labels are."""
    return texts.section("cohort")


# -- the figures -----------------------------------------------------------------------------------


def exercise_stats(rows: list[dict], course: Course, texts: Catalogue) -> list[ExerciseStats]:
    """Each exercise of the cohort, in the course's order: its scores and its checks' pass rates."""
    graded = [row for row in rows if row.get("status") in gradebook.GRADED]
    present = {exercise_id for row in graded for exercise_id in row.get("exercises", {})}
    chosen = [exercise_id for exercise_id in course.exercises if exercise_id in present] or list(
        course.exercises)
    return [_exercise(course.exercise(exercise_id), graded, texts) for exercise_id in chosen]


def _exercise(exercise: Exercise, graded: list[dict], texts: Catalogue) -> ExerciseStats:
    stats = ExerciseStats(exercise.id, texts.exercise_title(exercise.id), exercise.max_score)
    scores = []
    for row in graded:
        score = row.get("exercises", {}).get(exercise.id)
        if score is None:
            continue
        scores.append(score)
        stats.full_marks += _has_full_marks(row, exercise.id, score, exercise.max_score)
    stats.graded, stats.mean = len(scores), _mean(scores)
    reports = [row["report"] for row in graded if row.get("report")]
    stats.checks = [_check(exercise.id, spec, reports, texts) for spec in exercise.checks.values()]
    return stats


def _full_marks_in(row: dict, exercise: ExerciseStats) -> bool:
    score = row.get("exercises", {}).get(exercise.id)
    return score is not None and _has_full_marks(row, exercise.id, score, exercise.max_score)


def _has_full_marks(row: dict, exercise_id: str, score: float, course_max: float) -> bool:
    """Every point the student could get: a check this machine could not measure is not a point
    to get (its ``max_score`` is 0 in the report)."""
    section = _section(row.get("report"), exercise_id)
    maximum = section["max_score"] if section else course_max
    return maximum > 0 and score >= maximum - 1e-9


def _check(exercise_id: str, spec: CheckSpec, reports: list[Report], texts: Catalogue) -> CheckStats:
    """The check's pass rate among the students it judged (a pending check judged nobody)
    and the reasons of its failures, most frequent first."""
    stats = CheckStats(exercise_id, spec.id, texts.check_title(exercise_id, spec.id), spec.category)
    failing: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    for report in reports:
        check = _check_of(report, exercise_id, spec.id)
        if check is None:
            continue
        if check["status"] in NOT_MEASURED:
            stats.pending += 1
            continue
        stats.judged += 1
        if check["status"] == "passed":
            stats.passed += 1
        else:
            key = check.get("message_key") or UNKNOWN_KEY
            failing[key] += 1
            kinds.setdefault(key, check.get("kind", MISTAKE))  # none before schema 3
    stats.reasons = [Reason(key, concept_phrase(texts, exercise_id, stats.title, key), count,
                            stats.judged, kinds[key])
                     for key, count in sorted(failing.items(), key=lambda item: (-item[1], item[0]))]
    return stats


def concept_phrase(texts: Catalogue, exercise_id: str, check_title: str, key: str) -> str:
    """What the students who failed with ``key`` did, for the teacher: the exercise's own phrase,
    else the key's, else the check's title with the key."""
    cohort = texts.texts.get("cohort", {})
    phrase = (cohort.get("concepts_by_exercise", {}).get(exercise_id, {}).get(key)
              or cohort.get("concepts", {}).get(key))
    return phrase or labels(texts)("fallback_concept", titre=check_title, cle=key)


def concepts(exercises: list[ExerciseStats]) -> list[Concept]:
    """The reasons shared by at least ``CONCEPT_MIN_SHARE`` % of the students a check judged (and
    by two students at least), most shared first: what the cohort did not get. Unwritten work is not
    a misunderstanding."""
    found = [Concept(reason, check) for exercise in exercises for check in exercise.checks
             for reason in check.reasons
             if reason.kind in CONCEPT_KINDS and reason.share >= CONCEPT_MIN_SHARE
             and reason.students >= CONCEPT_MIN_STUDENTS]
    found.sort(key=lambda concept: (-concept.reason.share, -concept.reason.students,
                                    concept.check.anchor))
    return found[:CONCEPTS_SHOWN]


def histogram(rows: list[dict], width: int = 420, height: int = 190) -> Histogram:
    """Graded students per tenth of the maximum score, as bars (counts above, ranges below)."""
    counts = [0] * HISTOGRAM_BINS
    for share in _percentages(rows):
        counts[min(int(share // (100 / HISTOGRAM_BINS)), HISTOGRAM_BINS - 1)] += 1
    left, right, top, baseline = 14, width - 14, 20, height - 36  # room for the labels around
    step = (right - left) / HISTOGRAM_BINS
    tallest = max(counts) or 1
    bins = []
    for index, count in enumerate(counts):
        bar = (baseline - top) * count / tallest
        bins.append(Bin(index * 100 // HISTOGRAM_BINS, (index + 1) * 100 // HISTOGRAM_BINS, count,
                        round(left + index * step + 3, 1), round(baseline - bar, 1),
                        round(step - 6, 1), round(bar, 1)))
    return Histogram(width, height, baseline, bins)


def _percentages(rows: list[dict]) -> list[float]:
    """Each graded student's score in % of the maximum (the same for all: pending checks are in it)."""
    return [100 * row["score"] / row["max_score"] for row in rows
            if row.get("status") in gradebook.GRADED and row.get("score") is not None
            and row.get("max_score")]


def _section(report: Report | None, exercise_id: str) -> ExerciseReport | None:
    return next((section for section in (report["exercises"] if report else [])
                 if section.get("id") == exercise_id), None)


def _check_of(report: Report, exercise_id: str, check_id: str) -> CheckReport | None:
    section = _section(report, exercise_id)
    return next((check for check in (section["checks"] if section else [])
                 if check.get("id") == check_id), None)


def _percent(part: int, whole: int) -> int:
    return math.floor(100 * part / whole + 0.5) if whole else 0


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _moment(text: str) -> str:
    """An ISO moment as the student page shows one (2026-11-26 09:30 UTC); other text as it is."""
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M %Z").strip()
    except ValueError:
        return text


def _link(relative: str) -> str:
    """A student's page as a relative URL: an id with spaces or accents still links."""
    return quote(relative, safe="/")
