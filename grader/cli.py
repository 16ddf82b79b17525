"""Command line: ``python -m grader check [DIR] [--exercise ID] [--json PATH] [--html PATH] ...``.

Exit status: 0 when every check passed, 1 when any did not, 2 for a usage or internal error.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from grader import catalogue, config, grading, page, report, terminal
from grader.config import ConfigError

USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return USAGE_ERROR
    try:
        return _check(arguments)
    except (ConfigError, grading.GradingError, ValueError) as error:
        print(f"mpgrade: {error}", file=sys.stderr)
        return USAGE_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("check", help="grade one submission (a folder of exercise files)")
    check.add_argument("folder", nargs="?", default="exercises", type=Path,
                       help="the submission's folder (default: exercises)")
    check.add_argument("--exercise", action="append", default=[], metavar="ID",
                       help="grade only this exercise (repeatable), e.g. ex03_pool_map")
    check.add_argument("--json", type=Path, metavar="PATH", help="write the JSON report here")
    check.add_argument("--html", type=Path, metavar="PATH",
                       help="write the report as a self-contained HTML page here")
    check.add_argument("--seed", type=int, help="seed of the random inputs (default: drawn)")
    check.add_argument("--start-method", choices=config.START_METHODS,
                       help="start method of the student's processes (default: course.yaml)")
    check.add_argument("--lang", default=catalogue.DEFAULT_LANGUAGE, help="language of the report")
    check.add_argument("--course", type=Path, help="course file (default: grader/course.yaml)")
    return parser


def _check(arguments: argparse.Namespace) -> int:
    course = config.load(arguments.course) if arguments.course else config.load()
    texts = catalogue.load(arguments.lang)
    folder: Path = arguments.folder
    if not folder.is_dir():
        print(f"mpgrade: {folder} {texts.word('not_a_folder')}", file=sys.stderr)
        return USAGE_ERROR
    unknown = [exercise for exercise in arguments.exercise if exercise not in course.exercises]
    if unknown:
        print(f"mpgrade: {texts.word('unknown_exercise')}: {', '.join(unknown)} "
              f"({', '.join(course.exercises)})", file=sys.stderr)
        return USAGE_ERROR
    exercises = arguments.exercise or list(course.exercises)
    seed = arguments.seed if arguments.seed is not None else random.SystemRandom().randrange(10**6)
    start_method = arguments.start_method or course.start_method
    request = grading.Request(folder.resolve(), exercises, seed, start_method, arguments.course)
    results = grading.run_checks(request, course)
    built = report.build(results, course, exercises, texts, submission=folder.resolve(), seed=seed,
                         start_method=start_method)
    if arguments.json:
        report.write_json(built, arguments.json)
    terminal.print_report(built, texts)
    if arguments.html:
        page.write(built, arguments.html, texts)
        print(f"\n{texts.word('html_report')} {arguments.html.resolve()}")
    if built["internal_errors"]:
        return USAGE_ERROR
    return report.exit_code(built)
