"""A cohort: ``python -m grader cohort SUBMISSIONS --out DIR [--jobs N]``, and ``merge`` of shards.

Each student is graded by ``python -m grader check`` in a subprocess of their own, so a student's
line in the gradebook is what that student gets alone, and one student's crash, hang or hostility
ends in that subprocess. ``--jobs N`` grades N students at once, but the checks that judge time
(``Exercise.judges_time``: those of the ``timing: true`` exercises that judge a timed run) run with
the cores to themselves (``grader.cohort.cores``): a neighbour never turns a true verdict into a
pending one. Parallel grading so changes no verdict.

What ``--out`` holds::

    gradebook.csv  cohort.html  cohort.log
    students/<id>/report.json  rapport.html  entry.json
    gradescope/<id>/results.json  gradescope/autograder/      (--format gradescope)
    .work/                                                    extracted zips, partial reports

``entry.json`` is written last: a student with one is done. A new run skips the students whose
entry has the same key (their files' content hash, the grader's own fingerprint, the exercises, the
start method, the language) unless ``--force``; a run interrupted or killed resumes there.

In the sandbox, a student's runs see neither the other students' code nor their reports: the cohort
names ``--out`` and the submissions in ``MPGRADE_HIDE``, which ``grader.run.sandbox`` hides. Without
the sandbox a submission could change the files of the students graded before it: the gradebook, the
dashboard and the re-measures use the reports this run holds in memory, and once no process of any
student is left, every student's file is checked and written again where it changed
(``grader.cohort.written``). What an earlier run left (a resumed run's entries) is trusted as it is
when this run starts.

A check the machine could not measure even after measuring it again (``pending``) leaves its
student ``review`` (« à revoir ») in the gradebook, out of the same maximum. Every run ends by
measuring those checks once more, one student at a time with the machine to itself and the seed of
their grading; ``--retry-pending`` does only that, grading no student anew.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import cast

import grader
from grader.catalogue import Catalogue
from grader.checking.grading import SLACK_PER_EXERCISE_S, grader_environment, time_limit_s
from grader.cohort import dashboard, gradebook, gradescope, intake, similarity
from grader.cohort.cores import Cores
from grader.cohort.intake import Submission
from grader.cohort.progress import Progress, elapsed
from grader.cohort.written import WrittenFiles
from grader.config import Course
from grader.report import model, page, visibility
from grader.report.model import Report
from grader.run import sandbox
from grader.run.harness import RUNS_FROM
from grader.run.process_tree import Leftovers, end_tree

GRADER_DIR = Path(__file__).parent.parent  # the whole grader package, every room
RUN_BLOCKS = ("shared", "timing", "remeasure")  # a student's gradings, whose reports are merged
RUNS_PER_GRADING = 1_000_000  # run numbers apart: a grading gives each of its pytests a thousand
FINGERPRINTED = ("*.py", "*.yaml", "*.j2", "*.css", "*.ini")


@dataclass(frozen=True)
class Options:
    submissions: Path
    out: Path
    exercises: tuple[str, ...]
    seed: int
    start_method: str
    language: str
    jobs: int = 1
    force: bool = False
    shard: tuple[int, int] = (1, 1)  # the K-th of M slices
    gradescope: bool = False
    retry_pending: bool = False  # grade nobody anew: only measure the pending checks again


class Interrupted(Exception):
    """Ctrl-C or SIGTERM: the students done so far keep their results, the others wait."""


def run(options: Options, course: Course, texts: Catalogue) -> list[dict]:
    """Grade every submission of the shard; return the gradebook rows."""
    submissions = intake.discover(options.submissions, options.out / ".work" / "intake",
                                  exercise_files(course), course.intake)
    mine = [submission for submission in submissions if in_shard(submission.id, options.shard)]
    progress = Progress(len(mine), options.out / "cohort.log", texts)
    progress.note(texts.text("cohort_run.start", students=len(mine), folder=options.submissions,
                             jobs=options.jobs, seed=options.seed))
    grading = _Cohort(options, course, texts, progress)
    started = time.monotonic()
    rows: dict[str, dict] = {}
    leftovers = Leftovers()  # every process below this one, ended whatever happens
    pool = ThreadPoolExecutor(max_workers=options.jobs)
    try:
        futures = [pool.submit(grading.student, submission) for submission in mine]
        for future in as_completed(futures):
            row = future.result()
            if row is None:
                continue
            rows[row["id"]] = row
            gradebook.write(list(rows.values()), grading.exercises, texts,
                            options.out / "gradebook.csv")
        rows.update(grading.remeasure_pending(mine, rows))
    except KeyboardInterrupt as interruption:
        grading.stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        leftovers.end()
        raise Interrupted(texts.text("cohort_run.interrupted", done=len(rows),
                                     total=len(mine))) from interruption
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        leftovers.end()  # no process of any student is left: their files can be checked
        grading.restore_written()
        progress.note(texts.text("cohort_run.end", done=len(rows), total=len(mine),
                                 duration=elapsed(started)))
        progress.close()
    finish(options.out, list(rows.values()), grading.exercises, course, texts, grading.reports)
    if options.gradescope:
        gradescope.write_bundle(options.out / "gradescope")
    return sorted(rows.values(), key=lambda row: row["id"])


def merge(outs: list[Path], into: Path, course: Course, texts: Catalogue) -> list[dict]:
    """Join the outputs of shards into ``into``: students' folders, one gradebook, one dashboard."""
    rows: dict[str, dict] = {}
    reports: dict[str, Report | None] = {}  # the shards' own, each checked at the end of its run
    for out in outs:
        for entry_path in sorted((out / "students").glob("*/entry.json")):
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            student_id = entry["row"]["id"]
            if student_id in rows:
                continue  # the same student in two shards: graded twice alike, kept once
            rows[student_id] = entry["row"]
            reports[student_id] = _read_report(entry_path.parent / "report.json")
            for kind in ("students", "gradescope"):
                _copy_folder(out / kind / student_id, into / kind / student_id)
    if any((out / "gradescope").is_dir() for out in outs):  # the bundle is this grader's own
        gradescope.write_bundle(into / "gradescope")
    exercises = [exercise for exercise in course.exercises
                 if any(exercise in row["exercises"] for row in rows.values())]
    finish(into, list(rows.values()), exercises or list(course.exercises), course, texts, reports)
    return sorted(rows.values(), key=lambda row: row["id"])


def finish(out: Path, rows: list[dict], exercises: list[str], course: Course, texts: Catalogue,
           reports: dict[str, Report | None]) -> None:
    """The gradebook and the dashboard of ``rows`` and their ``reports`` (by student id), as the
    caller holds them: nothing is read back from the students' folders."""
    gradebook.write(rows, exercises, texts, out / "gradebook.csv")
    with_reports = [dict(row, report=reports.get(row["id"]))
                    for row in sorted(rows, key=lambda row: row["id"])]
    files = similarity.cohort_files(out / ".work" / "intake", [row["id"] for row in rows], exercises)
    similar = similarity.find(files, exercises, course.similarity) if files else None
    dashboard.write(with_reports, course, texts, out / "cohort.html",
                    generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    similar=similar)


def exercise_files(course: Course) -> list[str]:
    return [f"{exercise_id}.py" for exercise_id in course.exercises]


def in_shard(student_id: str, shard: tuple[int, int]) -> bool:
    """Whether the student belongs to the K-th of M shards: decided by the id alone, so a student
    stays in their shard when others are added or removed."""
    index, count = shard
    return int(hashlib.sha256(student_id.encode("utf-8")).hexdigest(), 16) % count == index - 1


def fingerprint(course_folder: Path) -> str:
    """The grader's version and a hash of its own files and the course's (its settings, checks and
    texts): a changed check regrades everyone."""
    digest = hashlib.sha256(grader.__version__.encode())
    for root in [GRADER_DIR] + ([] if course_folder.is_relative_to(GRADER_DIR) else [course_folder]):
        for path in sorted(path for pattern in FINGERPRINTED for path in root.rglob(pattern)
                           if "__pycache__" not in path.parts):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return f"{grader.__version__}+{digest.hexdigest()[:16]}"


class _Cohort:
    """The grading of each student of one run (called from N threads at once)."""

    def __init__(self, options: Options, course: Course, texts: Catalogue,
                 progress: Progress) -> None:
        self.options = options
        self.course = course
        self.texts = texts
        self.progress = progress
        self.exercises = list(options.exercises or course.exercises)
        self.cores = Cores()
        self.stopping = threading.Event()
        self.fingerprint = fingerprint(self.course.folder)
        self.written = WrittenFiles()
        # Each student's report and entry key as this run wrote or reused them: what the dashboard
        # and the re-measures use, never the files a later student's code could have changed.
        self.reports: dict[str, Report | None] = {}
        self.keys: dict[str, dict] = {}

    def student(self, submission: Submission) -> dict | None:
        folder = self.options.out / "students" / submission.id
        key = {"content": intake.content_hash(submission, exercise_files(self.course)),
               "grader": self.fingerprint, "exercises": self.exercises,
               "start_method": self.options.start_method, "language": self.options.language}
        previous = _read_json(folder / "entry.json")
        reusable = previous and (previous.get("key") == key or self.options.retry_pending)
        if previous and reusable and not self.options.force:  # (reusable implies previous)
            self._reuse(submission, previous)
            self.progress.finished(submission.id, self._line(previous["row"], "reused"))
            return previous["row"]
        if self.options.retry_pending:  # not graded yet: a normal run grades them
            self.progress.finished(submission.id, self.texts.text("cohort_run.not_graded"))
            return None
        self.progress.started(submission.id)
        started = time.monotonic()
        try:
            built, problem = self._grade(submission)
        except Exception as error:  # a fault of the grader on this student: the others go on
            built, problem = None, self.texts.text("cohort_run.grader_failed",
                                                   detail=f"{type(error).__name__}: {error}")
        if self.stopping.is_set():
            raise Interrupted(submission.id)  # killed mid-way: not a result
        notes = "; ".join(self.texts.text(f"intake.notes.{note}", **submission.facts)
                          for note in submission.notes)
        row = gradebook.row(submission.id, submission.name, built, problem=problem, notes=notes,
                            page=f"students/{submission.id}/rapport.html" if built else None)
        self._write(folder, submission, built, row, key)
        self.progress.finished(submission.id, self._line(row, elapsed(started)))
        return row

    def _reuse(self, submission: Submission, entry: dict) -> None:
        """Hold the files of a student an earlier run graded as they are now, before this run
        could change them: they are restored to this at the end, and the dashboard shows them."""
        folder = self.options.out / "students" / submission.id
        for path in self._files_of(submission):
            self.written.keep_as_it_is(path)
        self.reports[submission.id] = _read_report(folder / "report.json")
        self.keys[submission.id] = entry["key"]

    def restore_written(self) -> None:
        """Write again every student's file a submission changed since the cohort wrote it, and
        say so: to call once no process of any student is left."""
        changed = self.written.restore()
        if changed:
            self.progress.note(self.texts.text(
                "cohort_run.rewritten", count=len(changed),
                files=", ".join(str(path.relative_to(self.options.out)) for path in changed)))

    def _files_of(self, submission: Submission) -> list[Path]:
        folder = self.options.out / "students" / submission.id
        files = [folder / "report.json", folder / "rapport.html", folder / "entry.json"]
        if self.options.gradescope:
            files.append(self.options.out / "gradescope" / submission.id / "results.json")
        return files

    def _grade(self, submission: Submission) -> tuple[Report | None, str]:
        """The report of the submission and, when it could not be graded fully, why."""
        if submission.problem:
            return None, self.texts.text(f"intake.problems.{submission.problem}", **submission.facts)
        shared: list[str] = []
        alone: list[str] = []  # only the checks that judge when things ran take the cores alone
        for exercise_id in self.exercises:
            exercise = self.course.exercise(exercise_id)
            for check in exercise.checks:
                (alone if exercise.judges_time(check) else shared).append(f"{exercise_id}:{check}")
        parts, problems = [], []
        for checks, cores, label in ((shared, self.cores.shared, "shared"),
                                     (alone, self.cores.alone, "timing")):
            if not checks or self.stopping.is_set():
                continue
            with cores():
                part, problem = self._check(submission, checks, label=label)
            parts += [part] if part else []
            problems += [problem] if problem else []
        built = model.combine(parts, self.course, submission=submission.id) if parts else None
        if built and built["internal_errors"]:
            problems.append(self.texts.text("cohort_run.internal_errors",
                                            count=built["internal_errors"]))
        return built, "; ".join(problems)

    def remeasure_pending(self, submissions: list[Submission], rows: dict[str, dict]) -> dict[str, dict]:
        """The rows of the students ``review`` once their pending checks are measured again, one
        student at a time with the machine to itself (this cohort grades nothing else meanwhile)."""
        waiting = [submission for submission in submissions
                   if rows.get(submission.id, {}).get("status") == "review"]
        if waiting and not self.stopping.is_set():
            self.progress.note(self.texts.text("cohort_run.remeasure", students=len(waiting)))
        return {submission.id: self._remeasure(submission, rows[submission.id])
                for submission in waiting if not self.stopping.is_set()}

    def _remeasure(self, submission: Submission, row: dict) -> dict:
        """The student's row once their pending checks were measured again (with the seed of their
        grading: the same inputs); a check still not measurable stays pending."""
        folder = self.options.out / "students" / submission.id
        built, key = self.reports.get(submission.id), self.keys.get(submission.id)
        if not built or not key or not built.get("pending"):
            return row
        checks = [f"{pending['exercise']}:{pending['check']}" for pending in built["pending"]]
        started = time.monotonic()
        with self.cores.alone():
            again, _ = self._check(submission, checks, label="remeasure", seed=built["seed"])
        if again is None:  # the re-measure itself could not run: the first grading stands
            return row
        updated = model.replace_checks(built, again)
        remeasured = gradebook.row(submission.id, submission.name, updated, notes=row["reason"],
                                   page=row["page"])
        self._write(folder, submission, updated, remeasured, key)
        self.progress.note(f"{submission.id}: {self._line(remeasured, elapsed(started))}")
        return remeasured

    def _check(self, submission: Submission, checks: Sequence[str], *, label: str,
               seed: int | None = None) -> tuple[Report | None, str]:
        """``python -m grader check`` on some checks (``exercise:check``) of the submission, in its
        own process; ``label`` names its report."""
        json_path = self.options.out / ".work" / "reports" / submission.id / f"{label}.json"
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.unlink(missing_ok=True)
        command = [sys.executable, "-m", "grader", "check", str(submission.folder),
                   "--json", str(json_path), "--seed", str(self.options.seed if seed is None else seed),
                   "--start-method", self.options.start_method, "--lang", self.options.language,
                   "--parent-pid", str(os.getpid()), "--publish"]  # the teacher's copy: whole
        command += [f"--check={check}" for check in checks]
        command.append(f"--course={self.course.folder}")
        limit = time_limit_s(self.course, list({check.partition(":")[0] for check in checks})) \
            + SLACK_PER_EXERCISE_S
        # In the sandbox, no run of the student's code sees the other students' code or reports.
        hidden = os.pathsep.join(str(folder) for folder in (self.options.out, self.options.submissions))
        environment = dict(grader_environment(), NO_COLOR="1", **{sandbox.HIDE: hidden})
        # Each part of a student's grading numbers its runs apart: their reports are merged.
        environment[RUNS_FROM] = str(1 + RUN_BLOCKS.index(label) * RUNS_PER_GRADING)
        checking = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True, errors="replace", env=environment)
        try:
            _, errors = checking.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            end_tree(checking)
            return None, self.texts.text("cohort_run.too_long", limit=f"{limit:.0f}")
        built = _read_report(json_path)
        if built is None:
            last = (errors.strip().splitlines() or [f"exit {checking.returncode}"])[-1]
            return None, self.texts.text("cohort_run.grader_failed", detail=last[-300:])
        return built, ""

    def _write(self, folder: Path, submission: Submission, built: Report | None, row: dict,
               key: dict) -> None:
        """The student's files, ``entry.json`` last (it says the student is done)."""
        folder.mkdir(parents=True, exist_ok=True)
        for stale in ("entry.json", "report.json", "rapport.html"):
            (folder / stale).unlink(missing_ok=True)
            self.written.absent(folder / stale)
        if built:
            self.written.write_json(built, folder / "report.json")
            self.written.write_text(page.render(visibility.for_students(built, self.texts),
                                                self.texts), folder / "rapport.html")
        if self.options.gradescope:
            # A graded row comes with its report.
            graded = row["status"] in gradebook.GRADED
            results = (gradescope.results(cast(Report, built), self.texts) if graded
                       else gradescope.results_for_error(
                           row["reason"], max_score=sum(self.course.exercise(exercise).max_score
                                                        for exercise in self.exercises)))
            self.written.write_json(results, self.options.out / "gradescope" / submission.id
                                    / "results.json")
        entry = {"key": key, "row": row, "source": str(submission.source),
                 "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        self.written.write_json(entry, folder / "entry.json")
        self.reports[submission.id] = built
        self.keys[submission.id] = key

    def _line(self, row: dict, how: str) -> str:
        score = (f"{row['score']:g}/{row['max_score']:g}" if row["score"] is not None else "-")
        status = self.texts.text(f"gradebook.status.{row['status']}")
        reused = self.texts.text("cohort_run.reused") if how == "reused" else how
        return f"{score} {status} ({reused}){' — ' + row['reason'] if row['reason'] else ''}"


def _read_report(path: Path) -> Report | None:
    """A report the grader wrote (its contract: docs/report.schema.json, which the suite checks)."""
    return cast("Report | None", _read_json(path))


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _copy_folder(source: Path, target: Path) -> None:
    if source.is_dir() and source.resolve() != target.resolve():
        shutil.copytree(source, target, dirs_exist_ok=True)
