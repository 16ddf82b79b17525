"""Assertions shared by the check modules of several exercises (a pool's use and its closing).

Each raises ``CheckFailed`` with a message key and the facts observed; the exercise's own module
states the check.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from grader.checking import observe
from grader.checking.calibration import pool_startup_s
from grader.checking.observe import MapPlan
from grader.checking.verdicts import CannotMeasure, CheckFailed
from grader.run.harness import Run, Step

ENDING_OPERATIONS = ("close", "terminate", "__exit__")
HOUSEKEEPING_OPERATIONS = ("create", "close", "join", "terminate", "__exit__")


def expect_course_constants(run: Run, constants: dict) -> None:
    """The module's constants that the checks rely on (``DUREE``) have the course's values: the
    timing bounds are computed from the course's, so a changed one is a mistake said plainly."""
    for name, expected in constants.items():
        found = run.constants.get(name)
        same_type = type(found) is type(expected) or (type(expected) is float and type(found) is int)
        if not same_type or found != expected:
            raise CheckFailed("constante_modifiee", constante=name, attendu=expected,
                              obtenu="absente" if found is None else repr(found))


def expect_task_sleeps(run: Run, step: Step, task: str, duree: float) -> None:
    """Each call of ``task`` during ``step`` lasted at least ``duree`` (it sleeps, as asked)."""
    durations = [found.duration for found in observe.tasks(run, task, step)]
    if not durations or min(durations) < 0.9 * duree:
        raise CheckFailed("tache_sans_pause", fonction=task, duree=duree,
                          mesure=round(min(durations), 3) if durations else "?")


def expect_children_joined(run: Run, step: Step, function: str) -> None:
    """Every child the student started during ``step`` was joined and ended with code 0; none was
    terminated or killed; none was left when the call returned."""
    started = {event["child"] for event in observe.started(run, step, by_student=True)}
    forced = [event for kind in ("terminate", "kill") for event in observe.ended_by_student(run, step, kind)
              if event.get("running", True)]  # on a process already ended, it stops nothing
    if forced:
        raise CheckFailed("termine_de_force", fonction=function, nombre=len(forced))
    joins = observe.ended_by_student(run, step, "join")
    missing = started - {event["child"] for event in joins if event["exitcode"] is not None}
    if missing:
        raise CheckFailed("non_joint", fonction=function, nombre=len(missing), lances=len(started))
    codes = [event["exitcode"] for event in joins if event["exitcode"] != 0]
    if codes:
        raise CheckFailed("code_non_nul", fonction=function, codes=codes)
    if step.alive_after:
        raise CheckFailed("processus_restants", fonction=function, nombre=len(step.alive_after))


def expect_pool_closed(run: Run, step: Step) -> None:
    """Processes were used, and when the call returned every pool was closed (``with``,
    ``close`` or ``terminate``) and no process was left."""
    operations = observe.pool_operations(run, step)
    created = [op for op in operations if op["op"] == "create"]
    if not created and not observe.started(run, step):
        raise CheckFailed("aucun_pool")
    ended = [op for op in operations if op["op"] in ENDING_OPERATIONS]
    if step.alive_after:
        raise CheckFailed("pool_non_ferme", vivants=len(step.alive_after))
    if created and not ended:
        raise CheckFailed("pool_jamais_ferme")


def expect_process_pool_method(run: Run, step: Step, method: str, processes: int | None = None) -> None:
    """The student created a process ``Pool`` (of ``processes`` workers) and called ``method``."""
    operations = observe.pool_operations(run, step)
    created = [op for op in operations if op["op"] == "create"]
    threads = [op for op in created if op.get("threads", op["cls"] != "Pool")]  # a Pool subclass is fine
    if threads:
        raise CheckFailed("pool_de_threads", classe=threads[0]["cls"])
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


def map_bound(plan: MapPlan, task_time: float, startup_s: float, bounds: dict) -> float:
    """The longest a ``Pool.map`` of ``plan`` may take: its waves of tasks one after another, the
    start-up of a pool measured by the grader just before (with an allowance), and a margin."""
    return plan.waves * task_time + bounds["demarrage_facteur"] * startup_s + bounds["marge_s"]


def async_bound(durations: list[float], processes: int, startup_s: float, bounds: dict) -> float:
    """The longest tasks of ``durations`` submitted at once to ``processes`` workers may take: any
    order of them ends within their sum / processes + the longest one (with a tolerance), plus the
    start-up of a pool measured by the grader just before (with an allowance), and a margin."""
    return ((sum(durations) / processes + max(durations)) * (1 + bounds["duree_tolerance"])
            + bounds["demarrage_facteur"] * startup_s + bounds["marge_s"])


@dataclass
class MappedCall:
    """A call that should spread ``count`` tasks of ``task`` over a pool of ``processes`` workers
    (``Pool.map`` or ``Pool.starmap``), and what the probe saw of it. ``method`` is how the student
    reads the fix, e.g. ``pool.map(carre, nombres)``."""

    run: Run
    step: Step
    task: str
    count: int
    processes: int
    method: str
    bounds: dict

    @property
    def tasks(self) -> list[observe.Task]:
        return observe.tasks(self.run, self.task, self.step)

    @property
    def _facts(self) -> dict:
        return {"fonction": self.task, "appel": self.method, "taches": self.count,
                "processes": self.processes}

    def expect_tasks_in_children(self) -> None:
        found = self.tasks
        caller = self.run.harness_pid
        in_caller = [task for task in found if task.pid == caller]
        if len(found) != self.count:
            raise CheckFailed("nombre_appels", attendu=self.count, obtenu=len(found), **self._facts)
        if in_caller:
            key = ("taches_dans_l_appelant" if len(in_caller) == self.count
                   else "taches_en_partie_dans_l_appelant")
            raise CheckFailed(key, dans_appelant=len(in_caller), pid=caller, **self._facts)

    def expect_requested_processes(self) -> None:
        children = {event["child"] for event in observe.started(self.run, self.step)}
        workers = observe.worker_pids(self.tasks, self.run.harness_pid)
        if len(children) != self.processes or not workers <= children:
            raise CheckFailed("processus_demandes", demandes=self.processes, lances=len(children),
                              utilises=len(workers), **self._facts)

    def expect_simultaneous(self, duree: float) -> None:
        found = self.tasks
        in_flight = observe.max_in_flight(found)
        workers = observe.worker_pids(found, self.run.harness_pid)
        needed = self.bounds["min_en_vol"]
        if found and observe.median_duration(found) < duree / 2:
            # Tasks that take no time cannot be seen overlapping: the student's task does not sleep
            # DUREE, which the submission controls, so this fails (the task's own check says why).
            raise CheckFailed("taches_trop_courtes", duree=duree,
                              mesure=round(observe.median_duration(found), 4), **self._facts)
        if in_flight >= needed and len(workers) < needed:
            raise CheckFailed("simultane_dans_un_processus", en_vol=in_flight, workers=len(workers),
                              **self._facts)
        if in_flight < needed or len(workers) < needed:
            raise CheckFailed("pas_simultane", en_vol=in_flight, workers=len(workers),
                              vagues=observe.busiest_worker_load(found), minimum=needed, **self._facts)

    def expect_duration(self, duree: float) -> dict:
        """Wall time within the waves ``Pool.map`` needs, plus the start-up measured just before.
        ``duree`` is the course's DUREE. Returns the figures it judged from, for the report to show
        beside a passed check too."""
        found = self.tasks
        if not found:
            raise CheckFailed("nombre_appels", attendu=self.count, obtenu=0, **self._facts)
        bounds = self.bounds
        task_time = max(duree, min(observe.median_duration(found), duree * (1 + bounds["duree_tolerance"])))
        plan = MapPlan(self.count, self.processes)
        startup = pool_startup_s(self.run)
        bound = map_bound(plan, task_time, startup, bounds)
        sequential_time = self.count * duree
        duration = cast(float, self.step.duration)  # the call returned: its step is timed
        facts = dict(duree=duree, vagues=plan.waves, paquets=plan.chunksize, borne=round(bound, 2),
                     demarrage=round(startup, 3), sequentiel=round(sequential_time, 2),
                     mesure=round(duration, 2), **self._facts)
        too_loose = bound >= bounds["part_sequentielle_max"] * sequential_time
        if too_loose and duration < bounds["part_sequentielle_max"] * sequential_time:
            return facts  # far below the sequential time however loose the bound: it ran in parallel
        if too_loose and duration <= bound:
            raise CannotMeasure("machine_trop_chargee", **facts)
        if duration > bound:
            span = observe.span(found)
            if span <= plan.waves * task_time + bounds["marge_s"]:
                # The tasks themselves ran in the waves expected: only starting or stopping the
                # processes outlasted the start-up measured before, so the machine got busier
                # meanwhile. A sequential answer never gets here: its tasks span their sum.
                raise CannotMeasure("demarrage_ralenti", etendue=round(span, 2), **facts)
            raise CheckFailed("trop_lent", etendue=round(span, 2), **facts)
        return facts
