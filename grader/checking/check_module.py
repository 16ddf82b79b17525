"""What the grading reads from an exercise's check module before any pytest starts: its source,
parsed, never imported (importing a check module costs a few tenths of a second, and the grading
decides its pytests before starting them)."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

TIMED = "timed"  # ``Scenario.timed``: a scenario whose runs take the cores alone


# Once per process and module: a cohort's grading asks for each student (``Exercise.untimed_checks``).
@functools.cache
def untimed_checks(module: Path) -> frozenset[str]:
    """The checks of ``module`` that surely judge no timed run: ``test_<check>`` functions that
    neither mention ``timed`` (``Scenario.timed``, however reached) nor ask for or call a function
    of the module that does, itself or through those it asks for or calls. Any other check is
    taken for one that needs the cores alone: a check this reading misses costs time, never a
    measurement made beside other work. Raises ``SyntaxError`` for a module Python cannot read."""
    tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
    functions = {node.name: node for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    known: dict[str, bool] = {}

    def may_make_timed_run(name: str) -> bool:
        if name not in known:
            known[name] = False  # a cycle adds nothing to what its members do
            node = functions[name]
            known[name] = _mentions_timed(node) or any(
                may_make_timed_run(used) for used in _used(node) if used in functions)
        return known[name]

    return frozenset(name.removeprefix("test_") for name, node in functions.items()
                     if name.startswith("test_") and not node.decorator_list
                     and not may_make_timed_run(name))


def _used(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The names a function asks for (its fixtures, when it is a check or a fixture) and those it
    reads in its body (the helpers it calls)."""
    arguments = function.args
    asked = {argument.arg for argument in [*arguments.posonlyargs, *arguments.args,
                                           *arguments.kwonlyargs]}
    return asked | {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}


def _mentions_timed(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(node, ast.Attribute) and node.attr == TIMED for node in ast.walk(function))
