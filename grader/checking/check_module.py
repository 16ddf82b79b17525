"""What the grading reads from an exercise's check module before any pytest starts: its source,
parsed, never imported (importing a check module costs a few tenths of a second, and the grading
decides its pytests before starting them)."""
from __future__ import annotations

import ast
from pathlib import Path

TIMED_SCENARIO = ("Scenario", "timed")  # the constructor of a scenario whose runs take the cores alone


def timed_checks(module: Path) -> frozenset[str]:
    """The checks of ``module`` that judge a timed run: ``test_<check>`` functions that make one
    (``Scenario.timed``) or ask for a fixture of the module that makes one, itself or through the
    fixtures it asks for. Only these need the cores alone; putting them in the pytest of the timed
    runs, and the exercise's other checks elsewhere, runs each scenario once."""
    tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    known: dict[str, bool] = {}

    def makes_timed_run(name: str) -> bool:
        if name not in known:
            known[name] = False  # a fixture that asks for itself in a cycle makes nothing
            node = functions.get(name)
            known[name] = node is not None and (
                _calls_timed_scenario(node)
                or any(makes_timed_run(argument.arg) for argument in _parameters(node)))
        return known[name]

    return frozenset(name.removeprefix("test_") for name in functions
                     if name.startswith("test_") and makes_timed_run(name))


def _parameters(function: ast.FunctionDef) -> list[ast.arg]:
    """What a function asks for: the fixtures, when it is a check or a fixture."""
    arguments = function.args
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]


def _calls_timed_scenario(function: ast.FunctionDef) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and isinstance(node.func.value, ast.Name)
               and (node.func.value.id, node.func.attr) == TIMED_SCENARIO
               for node in ast.walk(function))
