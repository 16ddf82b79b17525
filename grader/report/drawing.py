"""The pictures of the student's page, as plain geometry that the SVG templates only write out.

A run's timeline (``observe.timeline``, as stored in the report): one lane per process — the caller
first, then each child in order of start — one bar per task from its start to its end, the calls on
top, and the marks its checks add: the time bound they judged against, when a sentinel was sent or
received, where each process was stuck. And the bar chart of a speed-up check's three timings. Only the
report's data is read; every text is a key the template translates, so this module speaks no
language.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from grader.checking.verdicts import DETAIL
from grader.report.model import CheckReport

WIDTH = 800  # viewBox units; the page scales the picture to its column
PLOT_LEFT, PLOT_RIGHT = 170, WIDTH - 24
AXIS_Y = 14
CALLS_Y, CALLS_HEIGHT = 22, 14
LANES_TOP = CALLS_Y + CALLS_HEIGHT + 10
BAR_HEIGHT, ROW_GAP, LANE_PADDING = 10, 2, 6
RULE_LABEL_SPACE = 16  # under the lanes, for the label of a bound
MAX_TASKS = 400  # bars in one picture; the grader's own inputs stay far below
MAX_ROWS = 4  # overlapping tasks of one process (threads) stack up to this many rows
FUNCTION_COLOURS = 6  # css classes f0 … f5 in page.css
# Bounds of a timing check, drawn as a line after the start of the call it judged.
BOUND_FACTS = {"borne": "bound"}
# The records of where each process was (grader.checking.observe.located): detail key -> whether the
# record is the student's main process (drawn on the first lane).
PLACE_DETAILS = {"lieu": False, "lieu_principal": True, "lieu_enfant": False}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    function: str = ""
    t0: float = 0.0
    t1: float = 0.0


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    kind: str  # sentinel_sent, sentinel_received, none_sent, none_received, stuck
    detail: str = ""


@dataclass(frozen=True)
class Rule:
    x: float
    kind: str  # bound
    value: float
    anchor: str  # text-anchor of its label: it stays inside the picture


@dataclass
class Lane:
    pid: int | None
    role: str  # main, worker, child, or the function the student started the process for
    y: float = 0.0
    height: float = 0.0
    life: tuple[float, float] | None = None
    boot: tuple[float, float] | None = None
    bars: list[Bar] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass
class Timeline:
    width: int
    height: float
    lanes: list[Lane]
    ticks: list[tuple[float, str]]
    calls: list[Bar]
    rules: list[Rule]
    functions: list[tuple[str, str]]  # (function, css class) for the legend
    stuck: list[tuple[Lane, str]]  # where each process was stuck, for the list under the picture
    marks: list[str]  # the kinds of marks drawn, for the legend
    break_x: float | None = None  # where the axis is broken (a hang), if it is

    @property
    def plot_left(self) -> int:
        return PLOT_LEFT

    @property
    def plot_right(self) -> int:
        return PLOT_RIGHT

    @property
    def break_width(self) -> int:
        return _Scale.BREAK_GAP


class _Scale:
    """Seconds of the run to x in the picture. A hang is seconds of nothing after a burst of
    activity: the axis is then broken after the activity (``broken_at``), which keeps most of the
    width, and the wait until the time limit is squeezed into the rest."""

    BREAK_SHARE = 0.8  # of the plot's width, for the activity before the break
    BREAK_GAP = 14  # units between the two parts of a broken axis

    def __init__(self, end: float, active_until: float | None = None) -> None:
        self.end = end if end > 0 else 1.0
        width = PLOT_RIGHT - PLOT_LEFT
        self.broken_at = active_until if active_until and active_until < self.end / 2 else None
        self.break_x = PLOT_LEFT + width * self.BREAK_SHARE if self.broken_at else None

    def x(self, moment: float) -> float:
        moment = min(max(moment, 0.0), self.end)
        if self.broken_at is None or self.break_x is None:  # break_x is set when broken_at is truthy
            return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * moment / self.end, 1)
        if moment <= self.broken_at:
            return round(PLOT_LEFT + (self.break_x - PLOT_LEFT) * moment / self.broken_at, 1)
        rest = PLOT_RIGHT - self.break_x - self.BREAK_GAP
        share = (moment - self.broken_at) / (self.end - self.broken_at)
        return round(self.break_x + self.BREAK_GAP + rest * share, 1)


def timeline(run: dict, checks: Sequence[CheckReport],
             colours: dict[str, str] | None = None) -> Timeline | None:
    """The picture of ``run``, with the marks from the facts of the ``checks`` that judged it;
    ``None`` when there is nothing to see (no task, no child, no hang). ``colours`` (from
    ``function_colours``) keeps a function's colour the same in every picture of an exercise."""
    children = _shown_children(run)
    stuck = _stuck_places(checks)
    if not _tasks(run) and not children and run.get("status") != "timeout":
        return None
    steps = _steps(run)
    bound = _bound(checks, steps)
    end = _end(run, steps, children, bound)
    hang = run.get("status") == "timeout"
    scale = _Scale(end, _active_until(run, steps, children, bound) if hang else None)
    lanes = _lanes(run, children, stuck, steps, end)
    functions = _functions(run, colours or function_colours([run]))
    y: float = LANES_TOP
    for lane in lanes:
        y = _place_lane(lane, run, y, scale, functions)
    _add_sentinel_marks(lanes, run, scale)
    _add_stuck_marks(lanes, stuck, end, scale)
    rules = [Rule(scale.x(bound[0]), bound[1], bound[2], _anchor(scale.x(bound[0])))] if bound else []
    drawn = sorted({mark.kind for lane in lanes for mark in lane.marks})
    height = y + 4 + (RULE_LABEL_SPACE if rules else 0)
    return Timeline(WIDTH, height, lanes, _ticks(scale), _call_bars(steps, scale), rules,
                    [(name, css) for name, css in functions.items()],
                    [(lane, stuck[lane.pid][1]) for lane in lanes if lane.pid in stuck], drawn,
                    scale.break_x)


# -- what the run holds ---------------------------------------------------------------------------


def _steps(run: dict) -> list[dict]:
    """The run's calls with both ends known: a call that never returned (a hang) lasts from the
    end of the previous one to the end of the run."""
    steps, previous_end = [], 0.0
    for step in run.get("steps", []):
        t0 = step["t0"] if step.get("t0") is not None else previous_end
        t1 = step.get("t1")
        steps.append({**step, "t0": t0, "t1": t1})
        previous_end = t1 if t1 is not None else t0
    return steps


def _tasks(run: dict) -> list[dict]:
    """The tasks with both ends known (the probe records a call when it returns), the first
    ``MAX_TASKS`` of them: a runaway loop in the student's code must not make the page huge."""
    complete = [task for task in run.get("tasks", [])
                if task.get("t0") is not None and task.get("t1") is not None]
    return sorted(complete, key=lambda task: task["t0"])[:MAX_TASKS]


def _is_calibration(step: dict) -> bool:
    return str(step.get("function") or "").startswith("@calibrate")


def _shown_children(run: dict) -> list[dict]:
    """The children worth a lane. The grader's own calibration pool (started before the first call,
    or by a ``@calibrate`` step) is hidden: it is the machine's yardstick, not the student's work."""
    busy = {task["pid"] for task in _tasks(run)}
    calibrating = [(step["t0"], step["t1"]) for step in _steps(run) if _is_calibration(step)
                   and step["t1"] is not None]
    shown = []
    for process in run.get("processes", []):
        started = process.get("started")
        grader_own = started is not None and (
            started < 0 or any(t0 <= started <= t1 for t0, t1 in calibrating))
        if process["pid"] in busy or not grader_own:
            shown.append(process)
    return sorted(shown, key=lambda process: (process.get("started") is None,
                                              process.get("started") or 0))


def _stuck_places(checks: Sequence[CheckReport]) -> dict[int, tuple[bool, str, str | None]]:
    """pid -> (is the main process, where it was, what it was started for), read from the
    ``processus`` fact of a check that diagnosed a hang: a list of place records."""
    places = {}
    for check in checks:
        records = (check.get("facts") or {}).get("processus")
        for record in records if isinstance(records, list) else []:
            if not isinstance(record, dict) or record.get(DETAIL) not in PLACE_DETAILS:
                continue
            pid, place, target = record.get("pid"), record.get("lieu"), record.get("cible")
            if isinstance(pid, int) and isinstance(place, str):
                places[pid] = (PLACE_DETAILS[record[DETAIL]], place,
                               target if isinstance(target, str) else None)
    return places


def _bound(checks: Sequence[CheckReport], steps: list[dict]) -> tuple[float, str, float] | None:
    """(moment, kind, value) of a timing bound: it counts from the start of the student's call."""
    call = next((step for step in steps if step.get("function")
                 and not str(step["function"]).startswith("@")), None)
    if call is None:
        return None
    for check in checks:
        for fact, kind in BOUND_FACTS.items():
            value = (check.get("facts") or {}).get(fact)
            if isinstance(value, (int, float)):
                return call["t0"] + value, kind, value
    return None


def _end(run: dict, steps: list[dict], children: list[dict], bound: tuple | None) -> float:
    moments = [step["t1"] for step in steps if step["t1"] is not None]
    moments += [task["t1"] for task in _tasks(run)]
    moments += [process[key] for process in children for key in ("started", "ended")
                if process.get(key) is not None]
    if bound:
        moments.append(bound[0])
    if run.get("status") == "timeout":  # the hang lasted until the time limit stopped it
        moments.append(run.get("elapsed_s") or 0.0)
    return max(moments, default=1.0)


def _active_until(run: dict, steps: list[dict], children: list[dict], bound: tuple | None) -> float:
    """The last moment something was seen to happen (before a hang), with a little margin."""
    moments = [step["t1"] for step in steps if step["t1"] is not None]
    moments += [task["t1"] for task in _tasks(run)]
    moments += [process[key] for process in children for key in ("started", "booted", "ended")
                if process.get(key) is not None]
    if bound:
        moments.append(bound[0])
    return max(moments, default=0.0) * 1.15 + 0.05


def function_colours(runs: list[dict]) -> dict[str, str]:
    """A colour class for each task function of ``runs``, in order of first appearance."""
    names: dict[str, str] = {}
    for run in runs:
        for task in sorted(_tasks(run), key=lambda task: task["t0"]):
            names.setdefault(task["function"], f"f{len(names) % FUNCTION_COLOURS}")
    return names


def _functions(run: dict, colours: dict[str, str]) -> dict[str, str]:
    """The run's task functions with their colour class, in the exercise's order."""
    present = {task["function"] for task in _tasks(run)}
    return {name: css for name, css in colours.items() if name in present}


# -- lanes ----------------------------------------------------------------------------------------


def _lanes(run: dict, children: list[dict], stuck: dict, steps: list[dict], end: float) -> list[Lane]:
    caller = run.get("harness_pid")
    lanes = [Lane(caller, "main", life=(0.0, end))]
    for process in children:
        lanes.append(Lane(process["pid"], _role(process, run, stuck),
                          life=_life(process, run, steps, end), boot=_boot(process)))
    known = {lane.pid for lane in lanes}
    # A process seen only in the stacks (a grandchild, say) still gets its lane, without a life line.
    lanes += [Lane(pid, target or "child") for pid, (_, _, target) in sorted(stuck.items())
              if pid not in known]
    return lanes


def _role(process: dict, run: dict, stuck: dict) -> str:
    """The function the process was started for (``producteur``…: by the student, or by the
    grader to try one function alone), or a worker of a pool (started by multiprocessing itself,
    busy or not), or a plain child."""
    functions = [task["function"] for task in _tasks(run) if task["pid"] == process["pid"]]
    if functions and (process.get("by") == "student" or _started_by_grader(process, run)):
        return functions[0]
    if functions or process.get("by") == "library":
        return "worker"
    target = stuck.get(process["pid"], (False, "", None))[2]
    return target or "child"


def _started_by_grader(process: dict, run: dict) -> bool:
    """Started during one of the grader's own steps (``@start``…), not during the student's call."""
    started = process.get("started")
    return started is not None and any(
        str(step.get("function") or "").startswith("@") and step["t1"] is not None
        and step["t0"] <= started <= step["t1"] for step in _steps(run))


def _life(process: dict, run: dict, steps: list[dict], end: float) -> tuple[float, float] | None:
    started = process.get("started")
    if started is None:
        return None
    ended = process.get("ended")
    if ended is None:
        # No exit record: killed at the time limit, or a pool worker terminated when its pool was
        # closed, which happens before the call that made the pool returns.
        ended = end if run.get("status") == "timeout" else _end_of_step_at(started, steps, end)
    return started, max(ended, started)


def _end_of_step_at(moment: float, steps: list[dict], end: float) -> float:
    for step in steps:
        if step["t1"] is not None and step["t0"] <= moment <= step["t1"]:
            return step["t1"]
    return end


def _boot(process: dict) -> tuple[float, float] | None:
    started, booted = process.get("started"), process.get("booted")
    return (started, booted) if started is not None and booted is not None and booted > started else None


def _place_lane(lane: Lane, run: dict, top: float, scale: _Scale, functions: dict[str, str]) -> float:
    """Lay out the lane's bars from ``top`` (overlapping tasks in rows); returns the next top."""
    tasks = sorted((task for task in _tasks(run) if task["pid"] == lane.pid),
                   key=lambda task: task["t0"])
    row_ends: list[float] = []
    placed = []
    for task in tasks:
        row = next((index for index, row_end in enumerate(row_ends) if row_end <= task["t0"]), None)
        if row is None:
            row = min(len(row_ends), MAX_ROWS - 1)
            if row == len(row_ends):
                row_ends.append(task["t1"])
        row_ends[row] = max(row_ends[row], task["t1"])
        placed.append((task, row))
    rows = max(1, len(row_ends))
    lane.y, lane.height = top, 2 * LANE_PADDING + rows * BAR_HEIGHT + (rows - 1) * ROW_GAP
    for task, row in placed:
        x0, x1 = scale.x(task["t0"]), scale.x(task["t1"])
        lane.bars.append(Bar(x0, top + LANE_PADDING + row * (BAR_HEIGHT + ROW_GAP), max(x1 - x0, 1.5),
                             BAR_HEIGHT, functions[task["function"]], task["function"],
                             task["t0"], task["t1"]))
    if lane.life:
        lane.life = (scale.x(lane.life[0]), scale.x(lane.life[1]))
    if lane.boot:
        lane.boot = (scale.x(lane.boot[0]), scale.x(lane.boot[1]))
    return top + lane.height


def _add_sentinel_marks(lanes: list[Lane], run: dict, scale: _Scale) -> None:
    """The marks the exercise asks for at the end of some tasks (the run's ``marks``: its
    ``exercise.yaml``): a producer returns right after putting its sentinel, a consumer right after
    reading it, so their ends are where those marks go, approximately; the page says so."""
    by_pid = {lane.pid: lane for lane in lanes}
    marks = run.get("marks") or {}
    for task in _tasks(run):
        for where, kind in marks.get(task["function"], ()):
            lane = lanes[0] if where == "caller" else by_pid.get(task["pid"])
            if lane is not None:
                lane.marks.append(Mark(scale.x(task["t1"]), lane.middle, kind))


def _add_stuck_marks(lanes: list[Lane], stuck: dict, end: float, scale: _Scale) -> None:
    for lane in lanes:
        if lane.pid in stuck:
            lane.marks.append(Mark(scale.x(end), lane.middle, "stuck", stuck[lane.pid][1]))


def _call_bars(steps: list[dict], scale: _Scale) -> list[Bar]:
    """The calls the harness made, on top: the student's functions, and the grader's own (``@…``)."""
    bars = []
    for step in steps:
        if step.get("function") is None:  # the import of the module: instantaneous, nothing to see
            continue
        t1 = step["t1"] if step["t1"] is not None else scale.end
        css = "call-stuck" if step.get("status") == "unfinished" else (
            "call-grader" if str(step["function"]).startswith("@") else "call")
        x0, x1 = scale.x(step["t0"]), scale.x(t1)
        bars.append(Bar(x0, CALLS_Y, max(x1 - x0, 1.5), CALLS_HEIGHT, css, str(step["function"]),
                        step["t0"], t1))
    return bars


def _ticks(scale: _Scale) -> list[tuple[float, str]]:
    """Round moments along the axis; on a broken axis, before the break, then the end."""
    span = scale.broken_at or scale.end
    step = _nice_step(span / (5 if scale.broken_at else 6))
    decimals = len(f"{step:g}".partition(".")[2])
    ticks = [(scale.x(index * step), f"{index * step:.{decimals}f}")
             for index in range(int(span / step + 1e-9) + 1)]
    if scale.broken_at and scale.break_x is not None:  # no label on the break itself, the end's after it
        ticks = [tick for tick in ticks if tick[0] < scale.break_x - 20]
        ticks.append((scale.x(scale.end), f"{scale.end:.1f}"))
    return ticks


def _nice_step(rough: float) -> float:
    magnitude = 10 ** math.floor(math.log10(rough)) if rough > 0 else 1.0
    return next(factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= rough)


def _anchor(x: float) -> str:
    return "end" if x > PLOT_RIGHT - 90 else "start"


# -- a speed-up check's three timings (facts sequentiel_s, threads_s, processus_s) -------------------

CHART_ROWS = (("sequential", "sequentiel_s"), ("threads", "threads_s"), ("processes", "processus_s"))
CHART_LEFT, CHART_RIGHT, CHART_ROW = 110, WIDTH - 90, 24


@dataclass(frozen=True)
class ChartBar:
    kind: str
    y: float
    width: float
    value: float


@dataclass
class Chart:
    width: int
    height: float
    bars: list[ChartBar]
    limit: Rule | None  # where the processes had to finish to show the required speed-up
    facts: dict

    @property
    def left(self) -> int:
        return CHART_LEFT


def speedup_chart(facts: dict) -> Chart | None:
    """Sequential, threads and processes timings as bars, with the processes' time limit drawn
    from the required speed-up; ``None`` unless the check measured all three."""
    values: list[Any] = [facts.get(key) for _, key in CHART_ROWS]  # JSON: checked below
    if not all(isinstance(value, (int, float)) and value >= 0 for value in values):
        return None
    required = facts.get("requis")
    limit = (facts["threads_s"] / required if isinstance(required, (int, float)) and required > 0
             else None)
    top = max(values + [limit or 0.0]) or 1.0
    width = CHART_RIGHT - CHART_LEFT
    bars = [ChartBar(kind, 8 + index * CHART_ROW, round(width * value / top, 1), value)
            for index, ((kind, _), value) in enumerate(zip(CHART_ROWS, values))]
    rule = None
    if limit is not None:
        x = round(CHART_LEFT + width * limit / top, 1)
        # Its label is a sentence: it runs leftwards from a line in the right half.
        rule = Rule(x, "speedup_line", round(limit, 2), "end" if x > WIDTH / 2 else "start")
    return Chart(WIDTH, 8 + len(bars) * CHART_ROW + 18, bars, rule, facts)
