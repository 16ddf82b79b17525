"""One exercise of a submission, as the checks see it: loaded once, run in harnesses, diagnosed.

The checks ask for runs (``ExerciseUnderTest.run``) and for the values the student's functions
returned (``returned``); whatever prevented a value (a crash, a hang, a missing function) becomes a
``StudentCodeError`` with a diagnosis, so that a check only states what it verifies.
"""
from __future__ import annotations

import functools
from pathlib import Path

from grader import harness, observe
from grader.config import Exercise
from grader.harness import Run, Step
from grader.verdicts import CheckFailed, StudentCodeError

TAIL_LINES = 15


class ExerciseUnderTest:
    def __init__(self, folder: Path, exercise: Exercise, start_method: str) -> None:
        self.folder = folder
        self.exercise = exercise
        self.start_method = start_method
        self.runs: list[Run] = []  # every call run, for the report's timelines

    @property
    def file_name(self) -> str:
        return f"{self.exercise.id}.py"

    @functools.cached_property
    def import_run(self) -> Run:
        """Import the module alone, in a fresh interpreter (nothing else runs)."""
        self._require_file()
        return harness.run_calls(self.folder, self.exercise.id, [], start_method=self.start_method,
                                 time_limit_s=self.exercise.time_limit_s,
                                 functions=list(self.exercise.functions))

    def require_loaded(self) -> Run:
        """The import run, once it is certain the module loads and has the contract's functions."""
        run = self.import_run
        step = run.module_step
        fatal = run.fatal()
        if fatal:
            raise StudentCodeError("processus_a_l_import", **_where(fatal.get("line")))
        if step is None or step.status == "unfinished":
            raise unfinished(run, None, self.file_name)
        if step.status == "raised":
            error = step.error
            key = "erreur_syntaxe" if error["type"] in ("SyntaxError", "IndentationError",
                                                          "TabError") else "exception_import"
            raise StudentCodeError(key, type=error["type"], erreur=error["message"],
                                   details=error["traceback"], **_where(error.get("where")))
        for name, parameters in self.exercise.functions.items():
            found = run.functions.get(name)
            if found is None:
                raise StudentCodeError("fonction_absente", fonction=name)
            names = [parameter for parameter, _ in found]
            extra_required = [parameter for parameter, required in found[len(parameters):] if required]
            if names[: len(parameters)] != parameters or extra_required:
                raise StudentCodeError("signature", fonction=name, attendu=", ".join(parameters),
                                       trouve=", ".join(names))
        return run

    def run(self, calls: list[dict], **options) -> Run:
        """Run ``calls`` (see ``call``) in one harness, after making sure the module loads."""
        self.require_loaded()
        run = harness.run_calls(self.folder, self.exercise.id, calls, start_method=self.start_method,
                                time_limit_s=self.exercise.time_limit_s,
                                functions=list(self.exercise.functions), **options)
        self.runs.append(run)
        return run

    @functools.cached_property
    def script_run(self) -> Run:
        """Run ``python <file>`` as the student would, always under ``spawn``."""
        self._require_file()
        return harness.run_script(self.folder, self.exercise.id, start_method="spawn",
                                  time_limit_s=self.exercise.time_limit_s)

    def _require_file(self) -> None:
        if not (self.folder / self.file_name).is_file():
            raise StudentCodeError("fichier_absent", fichier=self.file_name, dossier=str(self.folder))


def call(function: str, *args: object, **kwargs: object) -> dict:
    """One call for the harness to make."""
    return {"function": function, "args": list(args), "kwargs": kwargs}


def returned(run: Run, index: int, function: str, file_name: str) -> object:
    """What call ``index`` returned; a ``Verdict`` that explains why, when it returned nothing."""
    step = run.call(index)
    if step is None or step.status == "unfinished":
        raise unfinished(run, function, file_name)
    if step.status == "raised":
        error = step.error
        if error["type"] == "NotImplementedError":
            raise CheckFailed("a_faire", fonction=function)
        raise StudentCodeError("exception", fonction=function, type=error["type"],
                               erreur=error["message"], details=error["traceback"],
                               **_where(error.get("where")))
    return step.value


def unfinished(run: Run, function: str | None, file_name: str) -> StudentCodeError:
    """Why a run stopped before a step finished: a hang, a crash, a process started at import."""
    fatal = run.fatal()
    if fatal:
        return StudentCodeError("processus_a_l_import", **_where(fatal.get("line")))
    output = last_output(run)
    function = run.running_function() or function
    if run.status == "timeout":
        places = observe.stuck_places(run, {file_name})
        return StudentCodeError("delai_depasse", fonction=function or file_name,
                                limite=round(run.time_limit_s),
                                processus="; ".join(places) or "?", details=output)
    return StudentCodeError("arret_brutal", fonction=function or file_name, code=run.returncode,
                            details=output)


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
