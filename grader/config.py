"""The course's settings: a course folder (``grader/course/``) holds ``course.yaml`` (start method,
limits, intake) and one folder per exercise, whose ``exercise.yaml`` says its functions, bounds,
checks, points and categories (its check module and texts beside it).

Read once and validated: a mistake in a file is a ``ConfigError`` that names the file and the place,
never a ``KeyError`` in the middle of grading.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from grader.checking.check_module import untimed_checks
from grader.cohort.intake import IntakeLimits

if TYPE_CHECKING:  # grader.cohort.similarity reads ConfigError from here: at run time, imported where used
    from grader.cohort.similarity import Settings as SimilaritySettings

# libyaml's loader when PyYAML was built with it (its wheels are): the course's twenty files parsed
# in a few milliseconds rather than a tenth of a second, in every pytest of a grading.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
COURSE_FOLDER = Path(__file__).parent / "course"
COURSE_FILE_NAME = "course.yaml"  # in a course folder, beside its exercise folders
EXERCISE_FILE_NAME = "exercise.yaml"  # in an exercise folder: what makes a folder an exercise
CHECK_MODULE = "checks.py"  # in an exercise folder: its checks (grader/checking/pytest.ini)
COMMON_CHECKS_FILE = "common_checks.py"  # in a course folder: checks that several exercises list
COURSE_FILE = COURSE_FOLDER / COURSE_FILE_NAME
CATEGORIES = ("result", "guard", "parallelism", "shutdown", "api")
# Limits of every harness run when the course file does not say (see course.yaml for each one's use).
DEFAULT_LIMITS = {"cpu_s": 30, "memory_mb": 2048, "memory_total_mb": 4096, "processes": 100,
                  "output_kb": 256, "file_mb": 64}
INTEGER_LIMITS = ("memory_mb", "memory_total_mb", "processes", "output_kb", "file_mb")
MINIMUM_PROCESSES = 4  # the harness, a resource tracker and a worker or two: below, nothing runs
START_METHODS = ("spawn", "fork", "forkserver")
# What an exercise's ``marks`` may draw on the page's timeline (the page has a legend for each), and
# on which lane: the process that ran the call, or the caller's.
MARK_KINDS = ("sentinel_sent", "sentinel_received", "none_sent", "none_received")
MARK_LANES = ("self", "caller")
# Bounds on reading a cohort's submissions (intake: in course.yaml); the defaults are IntakeLimits'.
INTAKE_LIMITS = {"max_member_mb": float, "max_total_mb": float, "max_members": int}


class ConfigError(Exception):
    """The course file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class CheckSpec:
    id: str
    category: str
    points: float
    visibility: str = "visible"  # of its details to students (grader/report/visibility.py)


@dataclass(frozen=True)
class Limits:
    """What one harness run may use, besides its wall time (``Exercise.time_limit_s``)."""

    cpu_s: float = DEFAULT_LIMITS["cpu_s"]  # CPU seconds per process (RLIMIT_CPU)
    memory_mb: int = DEFAULT_LIMITS["memory_mb"]  # address space per process (RLIMIT_AS)
    memory_total_mb: int = DEFAULT_LIMITS["memory_total_mb"]  # resident memory of the tree (watchdog)
    processes: int = DEFAULT_LIMITS["processes"]  # processes alive at once in the tree (watchdog)
    output_kb: int = DEFAULT_LIMITS["output_kb"]  # output kept per stream of a step: head and tail
    file_mb: int = DEFAULT_LIMITS["file_mb"]  # largest file a process may write (RLIMIT_FSIZE)


@dataclass(frozen=True)
class Remeasure:
    """How a check this machine could not measure is measured again before it is ``pending``."""

    attempts: int = 2  # new measurements after the first
    wait_s: float = 2.0  # pause before the k-th new measurement: k × wait_s (the machine may calm)


@dataclass(frozen=True)
class Exercise:
    id: str
    functions: dict[str, list[str]]
    checks: dict[str, CheckSpec]
    time_limit_s: float
    bounds: dict = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    cpu_bound: tuple[str, ...] = ()  # task functions that only compute (the kernel counts their CPU)
    timing: bool = False  # some of its checks judge when things ran (``judges_time``)
    check_module: Path | None = None  # its checks (``checks.py`` in its folder)
    # The module constants the checks rely on (DUREE: a task's sleep), with the course's values:
    # bounds are computed from these, never from the student's copy, which a check compares.
    constants: dict = field(default_factory=dict)
    # Marks the page's timeline puts at the end of each call of these functions, as (lane, kind):
    # the probe sees a call start and end, not the sentinel the function sends or reads right then.
    marks: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def max_score(self) -> float:
        return sum(check.points for check in self.checks.values())

    @property
    def untimed_checks(self) -> frozenset[str]:
        """The checks that surely judge no timed run, read from the check module once per process
        (``load`` reads it, unless told not to); the others of a timing exercise but its guard's
        need the cores alone."""
        return _untimed_checks(self.check_module)

    def judges_time(self, check_id: str) -> bool:
        """Whether a check needs the machine to itself: those of a ``timing`` exercise that judge
        one of its timed runs, never the guard's (importing the module and running it as a script
        are judged on what they did, never on when). A check that judges the exercise's other
        runs (results on a few inputs, edge cases) does not."""
        return (self.timing and self.checks[check_id].category != "guard"
                and check_id not in self.untimed_checks)


@dataclass(frozen=True)
class Course:
    start_method: str
    exercises: dict[str, Exercise]
    folder: Path = COURSE_FOLDER  # the exercise folders: check modules and texts
    intake: IntakeLimits = field(default_factory=IntakeLimits)  # reading a cohort's submissions
    remeasure: Remeasure = field(default_factory=Remeasure)
    similarity: SimilaritySettings | None = None  # similar submissions (None: the defaults)

    def exercise(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]

    def resolve(self, name: str) -> str | None:
        """The exercise id a student means: ``ex03_pool_map``, ``ex03``, ``03`` or ``3`` (None when
        none or several match)."""
        if name in self.exercises:
            return name
        short = name.lower().removeprefix("ex")
        if short.isdigit():
            short = f"{int(short):02d}"
        found = [exercise_id for exercise_id in self.exercises
                 if exercise_id.removeprefix("ex").split("_")[0] == short]
        return found[0] if len(found) == 1 else None


def load(path: Path = COURSE_FOLDER, *, check_modules: bool = True) -> Course:
    """Read and validate a course: ``path`` is its folder, or the ``course.yaml`` in it. With
    ``check_modules``, each exercise's check module is parsed now (``Exercise.untimed_checks``):
    one Python cannot read is a ``ConfigError`` before anything is graded. A grading's pytests,
    started after their grading read the same course, skip it (a fifth of their start-up)."""
    path = Path(path).resolve()  # pytest runs in the course folder: a relative path would not hold
    folder, course_file = (path, path / COURSE_FILE_NAME) if path.is_dir() else (path.parent, path)
    raw = _read(course_file)
    place = str(course_file)
    _expect(isinstance(raw, dict), place, "must be a mapping")
    _expect("exercises" not in raw, f"{place}: exercises",
            f"are folders: one per exercise beside {COURSE_FILE_NAME}, each with its "
            f"{EXERCISE_FILE_NAME}, check module and texts")
    start_method = raw.get("start_method", "spawn")
    _expect(start_method in START_METHODS, f"{place}: start_method",
            f"must be one of {', '.join(START_METHODS)}, not {start_method!r}")
    default_limit = _positive(raw.get("time_limit_s", 20), f"{place}: time_limit_s")
    default_limits = _limits(raw.get("limits"), DEFAULT_LIMITS, f"{place}: limits")
    exercise_files = exercise_files_of(folder)
    _expect(exercise_files, str(folder),
            f"must hold the exercises: a folder for each, with its {EXERCISE_FILE_NAME}")
    course = Course(start_method=start_method,
                    exercises={exercise_file.parent.name: _exercise(
                        exercise_file.parent.name, _read(exercise_file), default_limit,
                        default_limits, f"{exercise_file}: {exercise_file.parent.name}",
                        exercise_file.parent / CHECK_MODULE)
                        for exercise_file in exercise_files},
                    folder=folder,
                    intake=_intake(raw.get("intake"), f"{place}: intake"),
                    remeasure=_remeasure(raw.get("remeasure"), f"{place}: remeasure"),
                    similarity=_similarity(raw.get("similarity"), f"{place}: similarity"))
    if check_modules:
        for exercise in course.exercises.values():
            _untimed_checks(exercise.check_module)
    return course


def exercise_files_of(folder: Path) -> list[Path]:
    """The ``exercise.yaml`` of each exercise folder of a course, in the order of their names."""
    return sorted(folder.glob(f"*/{EXERCISE_FILE_NAME}"))


def _read(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error


def _remeasure(raw: Any, place: str) -> Remeasure:
    if raw is None:
        return Remeasure()
    _expect(isinstance(raw, dict) and set(raw) <= {"attempts", "wait_s"}, place,
            "must be a mapping with attempts and wait_s")
    attempts = raw.get("attempts", Remeasure.attempts)
    _expect(isinstance(attempts, int) and not isinstance(attempts, bool) and attempts >= 0,
            f"{place}.attempts", f"must be a whole number ≥ 0, not {attempts!r}")
    return Remeasure(attempts, _positive(raw.get("wait_s", Remeasure.wait_s), f"{place}.wait_s"))


def _similarity(raw: object, place: str) -> SimilaritySettings:
    from grader.cohort import similarity  # it reads ConfigError from here
    return similarity.Settings.read(raw, place)


def _intake(raw: Any, place: str) -> IntakeLimits:
    """The intake limits: ``IntakeLimits``' defaults overridden by the mapping ``raw``."""
    if raw is None:
        return IntakeLimits()
    _expect(isinstance(raw, dict), place,
            f"must be a mapping of limits ({', '.join(INTAKE_LIMITS)})")
    unknown = sorted(set(raw) - set(INTAKE_LIMITS))
    _expect(not unknown, f"{place}.{unknown[0] if unknown else ''}",
            f"is not a known intake limit (known: {', '.join(INTAKE_LIMITS)})")
    for name, value in raw.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        if INTAKE_LIMITS[name] is int:
            _expect(number and isinstance(value, int), f"{place}.{name}",
                    f"must be a positive whole number, not {value!r}")
        else:
            _expect(number, f"{place}.{name}", f"must be a positive number of MB, not {value!r}")
    return IntakeLimits(**{name: INTAKE_LIMITS[name](value) for name, value in raw.items()})


def _limits(raw: Any, defaults: dict, place: str) -> dict:
    """``defaults`` overridden by the mapping ``raw`` (absent: the defaults), each value checked."""
    if raw is None:
        return dict(defaults)
    _expect(isinstance(raw, dict), place, f"must be a mapping of limits ({', '.join(DEFAULT_LIMITS)})")
    unknown = sorted(set(raw) - set(DEFAULT_LIMITS))
    _expect(not unknown, f"{place}.{unknown[0] if unknown else ''}",
            f"is not a known limit (known: {', '.join(DEFAULT_LIMITS)})")
    merged = dict(defaults)
    for name, value in raw.items():
        if name in INTEGER_LIMITS:
            _expect(isinstance(value, int) and not isinstance(value, bool) and value > 0,
                    f"{place}.{name}", f"must be a positive whole number, not {value!r}")
        else:
            _positive(value, f"{place}.{name}")
        merged[name] = value
    _expect(merged["processes"] >= MINIMUM_PROCESSES, f"{place}.processes",
            f"must be at least {MINIMUM_PROCESSES} (the harness and multiprocessing's helpers count)")
    return merged


def _exercise(exercise_id: str, raw: Any, default_limit: float, default_limits: dict,
              place: str, check_module: Path) -> Exercise:
    _expect(isinstance(raw, dict), place, "must be a mapping")
    functions = raw.get("functions", {})
    _expect(isinstance(functions, dict) and all(isinstance(params, list) for params in
                                                functions.values()),
            f"{place}.functions", "must map each function to its list of parameters")
    checks = raw.get("checks")
    _expect(isinstance(checks, dict) and checks, f"{place}.checks", "must list checks")
    bounds = raw.get("bounds", {})
    _expect(isinstance(bounds, dict), f"{place}.bounds", "must be a mapping")
    constants = raw.get("constants", {})
    _expect(isinstance(constants, dict), f"{place}.constants",
            "must map each constant of the module to the course's value")
    cpu_bound = raw.get("cpu_bound", [])
    _expect(isinstance(cpu_bound, list) and all(name in functions for name in cpu_bound),
            f"{place}.cpu_bound", "must list functions of the exercise")
    return Exercise(id=exercise_id, functions=functions, bounds=bounds,
                    checks={check_id: _check(check_id, spec, f"{place}.checks.{check_id}",
                                             _visibility(raw.get("visibility"), "visible",
                                                         f"{place}.visibility"))
                            for check_id, spec in checks.items()},
                    time_limit_s=_positive(raw.get("time_limit_s", default_limit),
                                           f"{place}.time_limit_s"),
                    limits=Limits(**_limits(raw.get("limits"), default_limits, f"{place}.limits")),
                    cpu_bound=tuple(cpu_bound), constants=constants,
                    marks=_marks(raw.get("marks", {}), functions, f"{place}.marks"),
                    timing=_flag(raw.get("timing", False), f"{place}.timing"),
                    check_module=check_module)


def _untimed_checks(check_module: Path | None) -> frozenset[str]:
    """The checks of the exercise that surely judge no timed run; none without a check module."""
    if check_module is None or not check_module.exists():
        return frozenset()
    try:
        return untimed_checks(check_module)
    except (SyntaxError, UnicodeDecodeError) as error:
        raise ConfigError(f"{check_module}: Python cannot read it ({error})") from error


def _marks(raw: Any, functions: dict, place: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """The timeline marks of an exercise: each of its functions -> its (lane, kind) pairs."""
    _expect(isinstance(raw, dict) and all(
        name in functions and isinstance(pairs, list) and all(isinstance(pair, list) for pair in pairs)
        for name, pairs in raw.items()),
            place, "must map functions of the exercise to lists of [lane, kind] pairs")
    marks = {name: tuple(tuple(pair) for pair in pairs) for name, pairs in raw.items()}
    _expect(all(len(pair) == 2 and pair[0] in MARK_LANES and pair[1] in MARK_KINDS
                for pairs in marks.values() for pair in pairs),
            place, f"must map functions of the exercise to [lane, kind] pairs (lanes: "
                   f"{', '.join(MARK_LANES)}; kinds: {', '.join(MARK_KINDS)})")
    return marks


def _check(check_id: str, raw: Any, place: str, visibility: str = "visible") -> CheckSpec:
    _expect(isinstance(raw, dict), place, "must be a mapping with category and points")
    category = raw.get("category")
    _expect(category in CATEGORIES, f"{place}.category",
            f"must be one of {', '.join(CATEGORIES)}, not {category!r}")
    points = raw.get("points")
    _expect(isinstance(points, (int, float)) and not isinstance(points, bool) and points >= 0,
            f"{place}.points", f"must be a number ≥ 0, not {points!r}")
    return CheckSpec(id=check_id, category=category, points=float(points),
                     visibility=_visibility(raw.get("visibility"), visibility,
                                            f"{place}.visibility"))


def _visibility(value: Any, default: str, place: str) -> str:
    from grader.report.visibility import VISIBILITIES
    _expect(value is None or value in VISIBILITIES, place,
            f"must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    return value or default


def _flag(value: Any, place: str) -> bool:
    _expect(isinstance(value, bool), place, f"must be true or false, not {value!r}")
    return value


def _positive(value: Any, place: str) -> float:
    _expect(isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0,
            place, f"must be a positive number of seconds, not {value!r}")
    return float(value)


# The readers above take the course file's values as YAML gives them (Any): _expect checks each
# before it is used, which a type checker cannot follow.
def _expect(condition: object, place: str, requirement: str) -> None:
    if not condition:
        raise ConfigError(f"{place} {requirement}")
