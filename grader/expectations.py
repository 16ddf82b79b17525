"""Assertions shared by the check modules of several exercises (a pool's use and its closing).

Each raises ``CheckFailed`` with a message key and the facts observed; the exercise's own module
states the check.
"""
from __future__ import annotations

from grader import observe
from grader.harness import Run, Step
from grader.verdicts import CheckFailed

ENDING_OPERATIONS = ("close", "terminate", "__exit__")
HOUSEKEEPING_OPERATIONS = ("create", "close", "join", "terminate", "__exit__")


def expect_pool_closed(run: Run, step: Step) -> None:
    """Processes were used, and when the call returned every pool was closed (``with``,
    ``close`` or ``terminate``) and no process was left."""
    operations = observe.pool_operations(run, step)
    created = [op for op in operations if op["op"] == "create"]
    if not created and not observe.started(run, step):
        raise CheckFailed("aucun_pool")
    ended = [op for op in operations if op["op"] in ENDING_OPERATIONS]
    if step.alive_after or (created and not ended):
        raise CheckFailed("pool_non_ferme", vivants=len(step.alive_after))


def expect_process_pool_method(run: Run, step: Step, method: str, processes: int | None = None) -> None:
    """The student created a process ``Pool`` (of ``processes`` workers) and called ``method``."""
    operations = observe.pool_operations(run, step)
    created = [op for op in operations if op["op"] == "create"]
    if any(op["cls"] != "Pool" for op in created):
        raise CheckFailed("pool_de_threads", classe=created[0]["cls"])
    if any(event["caller"].startswith("concurrent.")
           for event in observe.started(run, step, by_student=False)):
        raise CheckFailed("executor_au_lieu_de_pool")
    if not created:
        raise CheckFailed("pool_absent", methode=method)
    if processes is not None and created[0]["processes"] != processes:
        raise CheckFailed("pool_taille", demandes=processes, obtenus=created[0]["processes"])
    used = [op["op"] for op in operations if op["op"] not in HOUSEKEEPING_OPERATIONS]
    if method not in used:
        raise CheckFailed("methode_non_utilisee", methode=method,
                          utilise=", ".join(sorted(set(used))) or "aucune")
