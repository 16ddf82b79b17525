"""The ``__main__`` guard, for every exercise: importing starts nothing, running as a script works."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import cast

import pytest

from grader.checking.exercise_under_test import ExerciseUnderTest, last_output, unfinished
from grader.checking.fixtures import course_of
from grader.checking.verdicts import CheckFailed, NotWritten
from grader.run.harness import Step

SHOWN_LINES = 5


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    course = course_of(metafunc.config)
    exercises = [exercise.id for exercise in course.exercises.values()
                 if metafunc.function.__name__.removeprefix("test_") in exercise.checks]
    metafunc.parametrize("exercise_id", exercises, scope="module")


def test_import_sans_effet(student: ExerciseUnderTest) -> None:
    """Importing the module in a fresh interpreter starts no process and prints nothing."""
    run = student.import_run
    fatal = run.fatal()
    if fatal:
        line = (fatal.get("line") or {}).get("line", "?")
        raise CheckFailed("garde_import_processus", ligne=line, fichier=student.file_name)
    student.require_loaded()
    step = cast(Step, run.module_step)  # there: require_loaded checked it
    children = run.events_of("start")
    if children or step.alive_after:
        raise CheckFailed("import_lance_processus", nombre=max(len(children), len(step.alive_after)))
    printed = (step.stdout + step.stderr).strip()
    if printed:
        raise CheckFailed("import_affiche", sortie="\n".join(printed.splitlines()[:SHOWN_LINES]))
    if "NotImplementedError" in last_output(student.script_run):
        # An empty module imports cleanly too: the guard counts once the demonstration runs.
        raise NotWritten("garde_pas_encore_verifiable", fichier=student.file_name)


def test_script_sous_spawn(student: ExerciseUnderTest) -> None:
    """``python exNN.py`` runs its demonstration to the end under the spawn start method and exits
    with code 0: its ``if __name__ == "__main__":`` block is written so and calls something."""
    run = student.script_run
    fatal = run.fatal()
    if fatal:
        line = (fatal.get("line") or {}).get("line", "?")
        raise CheckFailed("garde_script", ligne=line, fichier=student.file_name)
    if run.status != "finished":
        raise unfinished(run, None, student.file_name)
    if run.returncode != 0:
        output = last_output(run)
        if "NotImplementedError" in output:
            raise NotWritten("script_a_faire", code=run.returncode, fichier=student.file_name,
                             details=output)
        raise CheckFailed("script_echoue", code=run.returncode, fichier=student.file_name,
                          details=output)
    if not calls_in_main_block(student.folder / student.file_name):
        raise CheckFailed("script_sans_demonstration", fichier=student.file_name)


def calls_in_main_block(path: Path) -> bool:
    """Whether the file has a top-level ``if __name__ == "__main__":`` whose block calls something
    (read as text by the grader, never run here): a misspelt test (``"main"``) or a block with only
    ``pass`` exits 0 without demonstrating anything."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return True  # the other checks say why the file does not load
    return any(isinstance(node, ast.If) and _is_main_test(node.test)
               and any(isinstance(inner, ast.Call) for part in node.body for inner in ast.walk(part))
               for node in tree.body)


def _is_main_test(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides)
            and any(isinstance(side, ast.Constant) and side.value == "__main__" for side in sides))
