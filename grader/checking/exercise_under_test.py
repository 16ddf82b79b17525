"""One exercise of a submission, as the checks see it: loaded once, run in harnesses, diagnosed.

The checks ask for runs (``ExerciseUnderTest.run``) and for the values the student's functions
returned (``returned``); whatever prevented a value (a crash, a hang, a missing function) becomes a
``StudentCodeError`` with a diagnosis, so that a check only states what it verifies.
"""
from __future__ import annotations

import errno
import functools
import json
import os
import re
from pathlib import Path
from typing import cast

from grader.checking import observe
from grader.checking.verdicts import CheckFailed, Detail, NotLoaded, NotThere, NotWritten, StudentCodeError
from grader.config import Exercise
from grader.run import harness, reservation, witness
from grader.run.harness import Run, Step
from grader.run.process_tree import SIGNAL_NAMES

TAIL_LINES = 15
SOURCE_READ = 1024 * 1024  # enough of a source file to tell whether it is Python text at all
CODING_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")
CRASH_SIGNALS = ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT")
AT_IMPORT = Detail("l_import_du_module").as_fact()  # what was running when no function was
# A run the grader's observations refute, by contradictions a stalled machine could make
# (``witness.STALL_DETAILS``), is made this many times before its checks fail. Each contradiction
# allows for a busy machine, yet a machine can stall a process longer still (seen once in CI, the
# suite grading on three workers at once: a step said to begin more than 0.5 s after the grader
# saw the previous one's result, in a correct run). A stall does not come back at the same moment
# of the next run; a forgery does, every time.
RUNS_WHEN_REFUTED = 2


class ExerciseUnderTest:
    def __init__(self, folder: Path, exercise: Exercise, start_method: str) -> None:
        self.folder = folder
        self.exercise = exercise
        self.start_method = start_method
        self.runs: list[Run] = []  # every call run, for the report's timelines
        # The student's functions a run stopped at its time limit while they ran their own code
        # (``observe.looping_functions``), with where: later runs stop as soon as one is called
        # again, so that a hang costs its limit once per exercise, not once per run.
        self.known_loops: dict[str, dict[str, object]] = {}  # function -> where it looped (a place)
        # Those learned from calls (never from the script): the grading's other pytests of this
        # exercise read them (``_share_loops``), as a later run of this one would.
        self.loops_of_calls: dict[str, dict[str, object]] = {}

    @property
    def file_name(self) -> str:
        return f"{self.exercise.id}.py"

    @functools.cached_property
    def import_run(self) -> Run:
        """Import the module alone, in a fresh interpreter (nothing else runs)."""
        self._require_file()
        run = harness.run_calls(self.folder, self.exercise.id, [], start_method=self.start_method,
                                time_limit_s=self.exercise.time_limit_s,
                                functions=list(self.exercise.functions), limits=self.exercise.limits)
        witness.attach_orphans(run)
        return run

    def require_loaded(self) -> Run:
        """The import run, once it is certain the module loads and has the contract's functions."""
        run = self.import_run
        step = run.module_step
        fatal = run.fatal()
        if fatal:
            raise NotLoaded("processus_a_l_import", **_where(fatal.get("line")))
        if step is None or step.status == "unfinished":
            raise unfinished(run, None, self.file_name)
        if step.status == "raised":  # its error is a dict: harness._step gives one even to a forged record
            raise _import_error(run, cast(dict, step.error))
        for name, parameters in self.exercise.functions.items():
            found = run.functions.get(name)
            if found is None:
                raise NotThere("fonction_absente", fonction=name)
            names = [parameter for parameter, _ in found]
            if _passes_everything(names):
                continue  # a decorator without functools.wraps: the call reaches the student's function
            extra_required = [parameter for parameter, required in found[len(parameters):] if required]
            if names[: len(parameters)] != parameters or extra_required:
                raise NotThere("signature", fonction=name, attendu=", ".join(parameters),
                                       trouve=", ".join(names))
        return run

    def run(self, calls: list[dict], **options) -> Run:
        """Run ``calls`` (see ``call``) in one harness, after making sure the module loads. A run
        whose records the grader's observations refute is made again (``RUNS_WHEN_REFUTED``)."""
        self.require_loaded()
        made = 0
        while True:
            run, made = self._run_once(calls, **options), made + 1
            refuted = witness.contradictions(run, self.exercise.cpu_bound)
            if not refuted or made == RUNS_WHEN_REFUTED or not witness.a_stall_may_explain(refuted):
                break
        # Only the run kept teaches the loops and goes in the timelines: a refuted run made again
        # is not evidence of anything.
        self._learn_loops(run, self.loops_of_calls)
        self._share_loops()
        self.runs.append(run)
        if refuted:  # nothing these runs recorded can be trusted: every check reading them fails
            raise CheckFailed("observations_contredites", executions=made, nombre=len(refuted),
                              contradictions=witness.shown(refuted))
        return run

    def _run_once(self, calls: list[dict], **options) -> Run:
        if options.get("alone"):  # the loops the other pytests met are all known once they ended
            reservation.until_the_gate_opens()
        self._share_loops()
        run = harness.run_calls(self.folder, self.exercise.id, calls, start_method=self.start_method,
                                time_limit_s=self.exercise.time_limit_s,
                                functions=list(self.exercise.functions), limits=self.exercise.limits,
                                known_loops=self.known_loops, **options)
        witness.attach_orphans(run)
        return run

    @functools.cached_property
    def script_run(self) -> Run:
        """Run ``python <file>`` as the student would, always under ``spawn``."""
        self._require_file()
        run = harness.run_script(self.folder, self.exercise.id, start_method="spawn",
                                 time_limit_s=self.exercise.time_limit_s, limits=self.exercise.limits)
        self._learn_loops(run)
        witness.attach_orphans(run)
        return run

    def _learn_loops(self, run: Run, *also: dict[str, dict[str, object]]) -> None:
        for function, place in observe.looping_functions(run, {self.file_name}).items():
            for known in (self.known_loops, *also):
                known.setdefault(function, place)

    def _share_loops(self) -> None:
        """The loops the calls of this exercise met in the grading's other pytests are known here
        too, and those met here are told to them: the timed part, whose timed runs come after every
        other pytest, then stops at once a call of a function that hung in an untimed run (a hang
        costs its limit once, not once in each pytest). Each pytest writes a file of its own
        (``loops-<exercise>.<pid>.json``), which no other rewrites. Nothing without the grading's
        folder."""
        mine = reservation.grading_file(f"loops-{self.exercise.id}.{os.getpid()}.json")
        if mine is None:
            return
        for path in sorted(mine.parent.glob(f"loops-{self.exercise.id}.*.json")):
            for function, place in json.loads(path.read_text(encoding="utf-8")).items():
                self.loops_of_calls.setdefault(function, place)
                self.known_loops.setdefault(function, place)
        if self.loops_of_calls:
            written = mine.with_suffix(".tmp")
            written.write_text(json.dumps(self.loops_of_calls), encoding="utf-8")
            written.replace(mine)  # whole or not at all, for a pytest reading it now

    def _require_file(self) -> None:
        """The file exists and is Python text; read here as bytes, never executed here."""
        path = self.folder / self.file_name
        if not path.is_file():
            raise NotThere("fichier_absent", fichier=self.file_name, dossier=str(self.folder))
        problem = source_problem(path)
        if problem:
            raise NotThere(problem.pop("key"), fichier=self.file_name, **problem)


def _passes_everything(names: list[str]) -> bool:
    """``(*args, **kwargs)``: a wrapper that hands any call on, as a decorator without ``wraps``."""
    return len(names) == 2 and names[0].startswith("*") and not names[0].startswith("**") \
        and names[1].startswith("**")


def source_problem(path: Path) -> dict | None:
    """Why ``path`` cannot be a Python module, told better than the interpreter would: empty, binary
    (a zip, a notebook saved wrongly, a Word file), or text in another encoding than UTF-8 without
    the ``# coding`` line that would declare it. None when it is plain Python text."""
    with open(path, "rb") as source:
        data = source.read(SOURCE_READ)
    if not data.strip():
        return {"key": "fichier_vide"}
    if b"\0" in data:
        return {"key": "pas_du_python"}
    first_lines = data.split(b"\n", 2)[:2]
    if any(CODING_COOKIE.match(line) for line in first_lines):
        return None  # the interpreter reads the declared encoding; its own error will say the rest
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and len(data) == SOURCE_READ:
            return None  # a character cut by the read's end, not a wrong encoding
        line = data.count(b"\n", 0, error.start) + 1
        return {"key": "encodage", "ligne": line, "octet": f"0x{data[error.start]:02x}"}
    return None


def call(function: str, *args: object, **kwargs: object) -> dict:
    """One call for the harness to make."""
    return {"function": function, "args": list(args), "kwargs": kwargs}


def returned(run: Run, index: int, function: str, file_name: str) -> object:
    """What call ``index`` returned; a ``Verdict`` that explains why, when it returned nothing."""
    step = run.call(index)
    if step is None or step.status == "unfinished":
        raise unfinished(run, function, file_name)
    if step.status == "raised":
        error = cast(dict, step.error)  # a dict: harness._step gives one even to a forged record
        if error["type"] == "NotImplementedError":
            raise NotWritten("a_faire", fonction=function)
        facts = dict(fonction=function, type=error["type"], erreur=error["message"],
                     details=error["traceback"], **_where(error.get("where")))
        limit = _limit_reached(run, error)
        if limit:
            raise StudentCodeError(limit[0], limite=limit[1], **facts)
        if error["type"] == "SystemExit":
            raise StudentCodeError("sortie_dans_fonction", code=error["message"], **facts)
        raise StudentCodeError("exception", **facts)
    if step.type == "tuple" and isinstance(step.value, list):
        return tuple(step.value)  # the harness sends JSON, which has no tuple: its type says it was
    return step.value


def _import_error(run: Run, error: dict) -> StudentCodeError:
    """What an exception raised while the module was imported means for the student."""
    facts = dict(type=error["type"], erreur=error["message"], details=error["traceback"],
                 **_where(error.get("where")))
    if error["type"] in SYNTAX_ERRORS:
        return NotThere("erreur_syntaxe", **facts)
    limit = _limit_reached(run, error)
    if limit:
        return StudentCodeError(limit[0], fonction=AT_IMPORT, limite=limit[1], **facts)
    if error["type"] == "SystemExit":
        return StudentCodeError("sortie_a_l_import", code=error["message"], **facts)
    return NotLoaded("exception_import", **facts)


def _limit_reached(run: Run, error: dict) -> tuple[str, object] | None:
    """The run limit (``limits:`` of the course or the exercise) an exception comes from, and its
    value, if it does."""
    if error["type"] == "MemoryError":
        return "memoire_depassee", run.limits.memory_mb
    if error.get("errno") == errno.EFBIG:
        return "limite_fichier", run.limits.file_mb
    return None


def unfinished(run: Run, function: str | None, file_name: str) -> StudentCodeError:
    """Why a run stopped before a step finished: a process started at import, a limit reached,
    a crash, a hang, an exit."""
    fatal = run.fatal()
    if fatal:
        return NotLoaded("processus_a_l_import", **_where(fatal.get("line")))
    output = last_output(run)
    at_import = run.module_step is not None and run.module_step.status == "unfinished"
    # The function under way, worded as a detail when it was the import itself.
    running: object = run.running_function() or function or (AT_IMPORT if at_import else file_name)
    if "result.json" in run.oversized:
        return StudentCodeError("resultat_trop_gros", fonction=running, details=output,
                                limite=harness.RESULT_LIMIT // (1024 * 1024))
    if run.status == "limit":
        processes = run.breach == "processes"
        return StudentCodeError("trop_de_processus" if processes else "memoire_totale",
                                fonction=running, details=output,
                                limite=run.limits.processes if processes else run.limits.memory_total_mb)
    crash = observe.crash_places(run, {file_name})
    signal_name = SIGNAL_NAMES.get(run.returncode) if run.returncode is not None else None
    if crash or signal_name in CRASH_SIGNALS:
        return StudentCodeError("erreur_fatale", fonction=running, details=output,
                                erreur=crash[0][0] if crash else signal_name,
                                processus=[place.as_fact() for _, places in crash for place in places]
                                or "?")
    if run.status == "known_loop":
        loop = next((event["fn"] for event in run.events_of("known_loop")
                     if event["fn"] in run.known_loops), None)
        if loop is not None:  # else a record the grader did not ask for: the student's own
            return StudentCodeError("boucle_deja_vue", fonction=running, boucle=loop,
                                    limite=round(run.time_limit_s), processus=[run.known_loops[loop]],
                                    details=output)
    if run.status in ("timeout", "known_loop"):
        # Without stack dumps (Windows), the probe's records say which calls never ended.
        places = observe.stuck_places(run, {file_name}) or observe.unfinished_calls(run)
        return StudentCodeError("delai_depasse", fonction=running, limite=round(run.time_limit_s),
                                processus=[place.as_fact() for place in places] or "?", details=output,
                                attente_coeur_s=round(run.cpu_wait_s, 1))
    if signal_name == "SIGXCPU" or (signal_name == "SIGKILL" and _cpu_exhausted(run)):
        return StudentCodeError("limite_cpu", fonction=running, limite=run.limits.cpu_s,
                                details=output)
    if signal_name == "SIGXFSZ":
        return StudentCodeError("limite_fichier", fonction=running, limite=run.limits.file_mb,
                                details=output)
    key = "arret_a_l_import" if at_import else "arret_brutal"
    return StudentCodeError(key, fonction=running, code=run.returncode, details=output)


def _cpu_exhausted(run: Run) -> bool:
    """The harness was killed at the hard CPU limit (SIGXCPU ignored): it had used about all of it."""
    seen = (run.witness.processes.get(run.harness_pid)
            if run.witness and run.harness_pid is not None else None)
    return seen is not None and seen.cpu_s >= run.limits.cpu_s - 1


def last_output(run: Run) -> str:
    """The last lines the run printed (its last step's output, then the harness's own)."""
    steps: list[Step] = run.steps[-1:]
    text = "\n".join(part for step in steps for part in (step.stdout, step.stderr) if part)
    text = "\n".join(part for part in (text, run.stdout, run.stderr) if part)
    return "\n".join(text.strip().splitlines()[-TAIL_LINES:])


def _where(place: dict | None) -> dict:
    if not place:
        return {"ligne": "?"}
    return {"ligne": place.get("line", "?"), "fichier": place.get("file", "?")}
