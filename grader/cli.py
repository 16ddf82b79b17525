"""Command line: ``python -m grader check|cohort|merge ...`` (``--help`` on each).

``check`` grades one submission. Exit status: 0 when every check passed, 1 when any failed or
errored, 3 when the only shortfall is checks this machine could not measure (``pending``: the grade
is provisional, not wrong), 2 for a usage or internal error. ``cohort`` grades a folder of
submissions and ``merge`` joins the outputs of shards: 0 when every student has a final grade, 1
when some are in error in the gradebook, 3 when none is in error but some grades are provisional
(``à revoir``: ``--retry-pending`` measures them again), 2 for a usage error, 130 when interrupted
(run it again to resume).
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import sys
from pathlib import Path
from typing import cast

from grader import catalogue, config
from grader.catalogue import Catalogue
from grader.checking import grading
from grader.cohort import batch, gradescope
from grader.cohort.exports import classroom, junit
from grader.cohort.exports import commands as platforms
from grader.config import ConfigError, Course
from grader.report import console, model, page, terminal, visibility
from grader.run import process_tree

USAGE_ERROR = 2
INTERRUPTED = 130  # what a shell reports for Ctrl-C


def main(argv: list[str] | None = None) -> int:
    console.prepare(sys.stdout)  # French on a console whose code page cannot show it: no crash
    console.prepare(sys.stderr)
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return USAGE_ERROR
    commands = {"check": _check, "cohort": _cohort, "merge": _merge, "export": _export}
    try:
        return commands[arguments.command](arguments)
    except (ConfigError, grading.GradingError, ValueError) as error:
        print(f"mpgrade: {error}", file=sys.stderr)
        return USAGE_ERROR
    except batch.Interrupted as interruption:
        print(f"\nmpgrade: {interruption}", file=sys.stderr)
        return INTERRUPTED
    except KeyboardInterrupt:  # check: pytest and the student's processes are already killed
        return INTERRUPTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("check", help="grade one submission (a folder of exercise files)")
    check.add_argument("folder", nargs="?", type=Path,
                       help="the submission's folder (default: exercises, or the current folder "
                            "when it holds the exercise files)")
    check.add_argument("--exercise", action="append", default=[], metavar="ID",
                       help="grade only this exercise (repeatable, or a comma-separated list): "
                            "ex03_pool_map, ex03 or 3")
    check.add_argument("--check", action="append", default=[], metavar="EXERCISE:CHECK",
                       help="grade only this check (repeatable), e.g. "
                            "ex03_pool_map:duree_dans_la_borne: what re-measures a pending check")
    check.add_argument("--json", type=Path, metavar="PATH", help="write the JSON report here")
    check.add_argument("--html", type=Path, metavar="PATH",
                       help="write the report as a self-contained HTML page here")
    check.add_argument("--seed", type=int, help="seed of the random inputs (default: drawn)")
    check.add_argument("--start-method", choices=config.START_METHODS,
                       help="start method of the student's processes (default: course.yaml)")
    check.add_argument("--gradescope", type=Path, metavar="PATH",
                       help="write Gradescope's results.json here (the autograder calls this)")
    check.add_argument("--junit", type=Path, metavar="PATH",
                       help="write the report as JUnit XML here (CI test reports)")
    check.add_argument("--github-classroom", action="store_true",
                       help="set the step output GitHub Classroom's grading reporter reads")
    check.add_argument("--publish", action="store_true",
                       help="show the details of checks whose visibility is after_* (exercise.yaml)")
    check.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)  # a cohort's: end with it
    _common(check)
    grade_all = commands.add_parser("cohort", help="grade a folder of submissions (one per student)")
    grade_all.add_argument("submissions", type=Path,
                           help="one folder or .zip per student, or a Moodle export")
    grade_all.add_argument("--out", type=Path, default=Path("cohort"),
                           help="where the gradebook, dashboard and reports go (default: cohort)")
    grade_all.add_argument("--jobs", type=int, default=1, metavar="N",
                           help="students graded at once (timing exercises still run alone)")
    grade_all.add_argument("--exercise", action="append", default=[], metavar="ID",
                           help="grade only this exercise (repeatable, or a comma-separated list): "
                                "ex03_pool_map, ex03 or 3")
    grade_all.add_argument("--seed", type=int, help="seed of the random inputs (default: drawn)")
    grade_all.add_argument("--start-method", choices=config.START_METHODS)
    grade_all.add_argument("--force", action="store_true",
                           help="grade again the students already graded")
    grade_all.add_argument("--retry-pending", action="store_true",
                           help="grade no student anew: only measure again the checks this "
                                "machine could not measure (students « à revoir »)")
    grade_all.add_argument("--shard", type=_shard, default=(1, 1), metavar="K/M",
                           help="grade only the K-th of M slices of the students")
    grade_all.add_argument("--format", choices=["gradescope"], action="append", default=[],
                           help="also write Gradescope results.json files and autograder bundle")
    platforms.add_arguments(grade_all)
    _common(grade_all)
    join = commands.add_parser("merge", help="join the --out folders of shards into one")
    join.add_argument("outs", type=Path, nargs="+", help="the shards' --out folders")
    join.add_argument("--out", type=Path, required=True, help="the merged folder")
    platforms.add_arguments(join)
    _common(join)
    export = commands.add_parser("export", help="a cohort's --out folder to Moodle or Canvas")
    export.add_argument("out", type=Path, help="the --out folder of cohort or merge")
    export.add_argument("--publish", action="store_true",
                        help="rewrite the students' pages with the details of after_* checks")
    platforms.add_arguments(export)
    _common(export)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--lang", default=catalogue.DEFAULT_LANGUAGE, help="language of the report")
    command.add_argument("--course", type=Path,
                         help="course folder, or its course.yaml (default: grader/course/)")


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise argparse.ArgumentTypeError(f"{text!r}: expected K/M with 1 <= K <= M, e.g. 1/2")
    return int(index), int(count)


def _check(arguments: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # `kill`: pytest and the student's processes end too
    if arguments.parent_pid:
        process_tree.end_with_parent(arguments.parent_pid)
    course, texts = _settings(arguments)
    folder: Path = arguments.folder or _default_folder(course)
    checks = [tuple(text.partition(":")[::2]) for text in arguments.check]
    problem = _usage_problem(folder, arguments.exercise, course, texts)
    chosen = list(dict.fromkeys(arguments.exercise + [exercise for exercise, _ in checks]))
    problem = problem or _unknown_checks(checks, course, texts)
    outputs = (arguments.json, arguments.html, arguments.junit, arguments.gradescope)
    problem = problem or next((f"{path} {texts.word('folder_not_file')}" for path in outputs
                               if path is not None and path.is_dir()), None)  # said before grading
    if problem:
        print(f"mpgrade: {problem}", file=sys.stderr)
        return USAGE_ERROR
    exercises = [exercise for exercise in course.exercises if exercise in chosen] or list(course.exercises)
    seed = _seed(arguments)
    start_method = arguments.start_method or course.start_method
    request = grading.Request(folder.resolve(), exercises, seed, start_method,
                              checks=tuple(arguments.check))
    results = grading.run_checks(request, course)
    built = visibility.annotate(model.build(results, course, exercises, texts,
                                             submission=folder.resolve(), seed=seed,
                                             start_method=start_method, only=set(checks) or None),
                                course)
    if arguments.gradescope:  # whole: Gradescope hides each test by its visibility
        model.write_json(gradescope.results(built, texts), arguments.gradescope)
    built = visibility.for_students(built, texts, published=arguments.publish)
    if arguments.json:
        model.write_json(built, arguments.json)
    if arguments.junit:
        junit.write(built, arguments.junit, texts)
    terminal.print_report(built, texts, rerun=_rerun_command(arguments, folder))
    if arguments.github_classroom:  # after the summary: printed last when not in GitHub Actions
        classroom.publish(built, texts)
    if arguments.html:
        page.write(built, arguments.html, texts)
        print(f"\n{texts.word('html_report')} {arguments.html.resolve()}")
    if built["internal_errors"]:
        return USAGE_ERROR
    return model.exit_code(built)


def _cohort(arguments: argparse.Namespace) -> int:
    course, texts = _settings(arguments)
    problem = (_usage_problem(arguments.submissions, arguments.exercise, course, texts)
               or ("--jobs >= 1" if arguments.jobs < 1 else None))
    if problem:
        print(f"mpgrade: {problem}", file=sys.stderr)
        return USAGE_ERROR
    options = batch.Options(
        submissions=arguments.submissions.resolve(), out=arguments.out.resolve(),
        exercises=tuple(arguments.exercise), seed=_seed(arguments),
        start_method=arguments.start_method or course.start_method, language=texts.language,
        jobs=arguments.jobs, force=arguments.force, shard=arguments.shard,
        gradescope="gradescope" in arguments.format,
        retry_pending=arguments.retry_pending)
    platforms.check(arguments)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` ends the run as Ctrl-C does: cleanly
    rows = batch.run(options, course, texts)
    print(f"{texts.text('cohort_run.written')} {options.out}")
    platforms.run(arguments, options.out, texts)
    return _gradebook_status(rows)


def _merge(arguments: argparse.Namespace) -> int:
    course, texts = _settings(arguments)
    missing = [str(out) for out in arguments.outs if not (out / "students").is_dir()]
    if missing:
        print(f"mpgrade: {texts.text('cohort_run.not_an_out')}: {', '.join(missing)}",
              file=sys.stderr)
        return USAGE_ERROR
    rows = batch.merge([out.resolve() for out in arguments.outs], arguments.out.resolve(),
                        course, texts)
    print(f"{texts.text('cohort_run.written')} {arguments.out.resolve()}")
    platforms.run(arguments, arguments.out.resolve(), texts)
    return _gradebook_status(rows)


def _export(arguments: argparse.Namespace) -> int:
    texts = catalogue.load(arguments.lang)
    if not (arguments.out / "students").is_dir():
        print(f"mpgrade: {texts.text('cohort_run.not_an_out')}: {arguments.out}", file=sys.stderr)
        return USAGE_ERROR
    platforms.check(arguments)
    if arguments.publish:
        visibility.publish_pages(arguments.out, texts)
    platforms.run(arguments, arguments.out.resolve(), texts)
    return 0


def _settings(arguments: argparse.Namespace) -> tuple[Course, Catalogue]:
    """The course and the catalogue the command was asked for (the course's texts in it)."""
    course = config.load(arguments.course or config.COURSE_FOLDER)
    return course, catalogue.load(arguments.lang, course.folder)


def _usage_problem(folder: Path, exercises: list[str], course: Course,
                   texts: Catalogue) -> str | None:
    """Why the command cannot run as asked: its folder is not one, or an exercise is unknown.
    ``exercises`` (as typed: ``3``, ``ex03``, ``1,3``) is replaced by the ids they name."""
    if not folder.is_dir():
        return f"{folder} {texts.word('not_a_folder')}"
    names = [name.strip() for given in exercises for name in given.split(",") if name.strip()]
    unknown = [name for name in names if course.resolve(name) is None]
    if unknown:
        return (f"{texts.word('unknown_exercise')}: {', '.join(unknown)} "
                f"({', '.join(course.exercises)})")
    exercises[:] = list(dict.fromkeys(cast(str, course.resolve(name)) for name in names))  # all known
    return None


def _default_folder(course: Course) -> Path:
    """``exercises`` below the current folder, or the current folder itself when the student
    runs the grader from inside it (it holds exercise files and has no ``exercises`` folder)."""
    folder = Path("exercises")
    if not folder.is_dir() and any(Path(f"{exercise_id}.py").is_file() for exercise_id in course.exercises):
        return Path(".")
    return folder


def _rerun_command(arguments: argparse.Namespace, folder: Path):
    """How to grade again only some exercises, as the student launched this run: ``make check
    EX=1,3`` under make (it sets MAKELEVEL), else this very command with ``--exercise 1,3``."""
    def command(numbers: list[str]) -> str:
        wanted = ",".join(numbers)
        if "MAKELEVEL" in os.environ:
            return f"make check EX={wanted}" if wanted else "make check"
        folder_part = "" if arguments.folder is None else f" {_quoted(str(folder))}"
        exercises = f" --exercise {wanted}" if wanted else ""
        return f"{_python_as_typed()} -m grader check{folder_part}{exercises}"
    return command


def _python_as_typed() -> str:
    """The interpreter as the student would type it: ``.venv/bin/python`` (``.venv\\Scripts\\python``
    on Windows, ``../.venv/bin/python`` from inside ``exercises``) when it is a virtual environment
    of this folder or the one above, else ``python``."""
    executable = Path(os.path.abspath(sys.executable))
    if os.name == "nt":
        executable = executable.with_suffix("")
    here = Path.cwd()
    if executable.parent.parent.parent not in (here, here.parent):  # <project>/.venv/bin/python
        return "python"
    return _quoted(os.path.relpath(executable))


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


def _unknown_checks(checks: list[tuple[str, str]], course: Course, texts: Catalogue) -> str | None:
    """Why ``--check`` cannot be graded: an unknown exercise, or a check it does not have."""
    unknown = [f"{exercise}:{check}" for exercise, check in checks
               if exercise not in course.exercises or check not in course.exercise(exercise).checks]
    return f"{texts.word('unknown_check')}: {', '.join(unknown)}" if unknown else None


def _seed(arguments: argparse.Namespace) -> int:
    return arguments.seed if arguments.seed is not None else random.SystemRandom().randrange(10**6)


def _gradebook_status(rows: list[dict]) -> int:
    """1 when some students are in error in the gradebook, 3 when some grades are provisional."""
    if any(row["status"] == "error" for row in rows):
        return model.SOME_FAILED
    return model.PROVISIONAL if any(row["status"] == "review" for row in rows) else model.ALL_PASSED


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
