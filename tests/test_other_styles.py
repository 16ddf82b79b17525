"""Correct code in another style than the reference is observed as it is.

Students pass the task to a pool or a process through an alias, a default argument or a
``functools.partial`` taken at import, or decorate it: each reference must run the recording
function (and still pickle under spawn), or a correct answer is graded as if nothing ran. They
subclass ``Pool``, ``terminate()`` processes already joined, decorate a contract function without
``functools.wraps``: none of it is a mistake.
"""
from __future__ import annotations

import textwrap

import pytest

from conftest import SOLUTIONS
from grader import config
from grader.checking.exercise_under_test import ExerciseUnderTest, call
from grader.checking.expectations import expect_children_joined, expect_process_pool_method
from grader.checking.verdicts import CheckFailed, StudentCodeError
from grader.run import harness

HEADER = """\
import functools
import multiprocessing
import time


def marque(fonction):
    @functools.wraps(fonction)
    def enveloppe(*args, **kwargs):
        return fonction(*args, **kwargs)
    return enveloppe


{task}def carre(x):
    time.sleep(0.01)
    return x * x


"""

REFERENCES = {
    "alias": ("", "calcul = carre\n\ndef carres(nombres, processes=2):\n"
                  "    with multiprocessing.Pool(processes) as pool:\n"
                  "        return pool.map(calcul, nombres)\n"),
    "defaut": ("", "def carres(nombres, processes=2, fonction=carre):\n"
                   "    with multiprocessing.Pool(processes) as pool:\n"
                   "        return pool.map(fonction, nombres)\n"),
    "partial": ("", "TACHE = functools.partial(carre)\n\ndef carres(nombres, processes=2):\n"
                    "    with multiprocessing.Pool(processes) as pool:\n"
                    "        return pool.map(TACHE, nombres)\n"),
    "decore_partial": ("@marque\n", "TACHE = functools.partial(carre)\n\n"
                                    "def carres(nombres, processes=2):\n"
                                    "    with multiprocessing.Pool(processes) as pool:\n"
                                    "        return pool.map(TACHE, nombres)\n"),
    "alias_direct": ("", "calcul = carre\n\ndef carres(nombres, processes=2):\n"
                         "    return [calcul(x) for x in nombres]\n"),
}


@pytest.mark.parametrize("reference", sorted(REFERENCES))
def test_every_reference_to_the_task_is_recorded(tmp_path, reference):
    decorator, body = REFERENCES[reference]
    (tmp_path / "module_eleve.py").write_text(HEADER.format(task=decorator) + body, encoding="utf-8")
    numbers = [3, 1, 4, 1, 5]
    run = harness.run_calls(tmp_path, "module_eleve", [call("carres", numbers, 2)],
                            time_limit_s=20, start_method="spawn", watch=["carre"],
                            functions=["carre", "carres"])
    step = run.call(0)
    assert step is not None and step.status == "ok", (step and step.error, run.stderr)
    assert step.value == [x * x for x in numbers]
    calls = [event for event in run.events_of("call") if event["fn"] == "carre"]
    assert sorted(event["args"][0] for event in calls) == sorted(numbers)
    assert [name for name, _ in run.functions["carre"]] == ["x"]  # the signature is the student's


def test_a_worker_made_to_exit_is_recognised_by_keyword_too(tmp_path):
    (tmp_path / "module_eleve.py").write_text(textwrap.dedent("""\
        import multiprocessing

        def worker(nom, duree=0.1):
            pass

        def lancer(nom):
            p = multiprocessing.Process(target=worker, kwargs={"duree": 0.1, "nom": nom})
            p.start()
            p.join()
            return p.exitcode
        """), encoding="utf-8")
    run = harness.run_calls(tmp_path, "module_eleve", [call("lancer", "echec1")], time_limit_s=20,
                            start_method="spawn", watch=["worker"],
                            inject={"worker": {"when_first_arg": "echec1", "exit_code": 7}})
    assert run.call(0).value == 7


POOLS = """\
import multiprocessing.pool


def double(x):
    return 2 * x


class MonPool(multiprocessing.pool.Pool):
    pass


class MesThreads(multiprocessing.pool.ThreadPool):
    pass


def avec(classe):
    with {"processus": MonPool, "threads": MesThreads}[classe](2) as pool:
        return pool.map(double, [1, 2, 3])
"""


@pytest.mark.parametrize("kind, verdict", [("processus", None), ("threads", "pool_de_threads")])
def test_a_subclass_of_pool_is_a_process_pool_and_of_threadpool_is_not(tmp_path, kind, verdict):
    (tmp_path / "module_eleve.py").write_text(POOLS, encoding="utf-8")
    run = harness.run_calls(tmp_path, "module_eleve", [call("avec", kind)], time_limit_s=20,
                            start_method="spawn")
    assert run.call(0).value == [2, 4, 6]
    try:
        expect_process_pool_method(run, run.call(0), "map")
        found = None
    except CheckFailed as failure:
        found = failure.key
    assert found == verdict


TERMINATES = """\
import multiprocessing
import time


def dort(duree):
    time.sleep(duree)


def lancer(joindre_avant):
    p = multiprocessing.Process(target=dort, args=(0.5 if not joindre_avant else 0.01,))
    try:
        p.start()
        if joindre_avant:
            p.join()
    finally:
        p.terminate()  # sans effet sur un processus déjà attendu
        p.join()
    return p.exitcode
"""


@pytest.mark.parametrize("joined_first, verdict", [(True, None), (False, "termine_de_force")])
def test_terminate_is_a_forced_stop_only_on_a_process_still_running(tmp_path, joined_first, verdict):
    (tmp_path / "module_eleve.py").write_text(TERMINATES, encoding="utf-8")
    run = harness.run_calls(tmp_path, "module_eleve", [call("lancer", joined_first)],
                            time_limit_s=20, start_method="spawn")
    assert run.call(0).value == (0 if joined_first else -15)
    try:
        expect_children_joined(run, run.call(0), "lancer")
        found = None
    except CheckFailed as failure:
        found = failure.key
    assert found == verdict


NO_WRAPS = """\
def chronometre(fonction):
    def enveloppe(*args, **kwargs):
        return fonction(*args, **kwargs)
    return enveloppe


"""


@pytest.mark.parametrize("wrapper, accepted", [("*args, **kwargs", True), ("*args", False)])
def test_a_contract_function_decorated_without_wraps_keeps_its_contract(tmp_path, wrapper, accepted):
    """A decorator without ``functools.wraps`` hides the parameters behind ``(*args, **kwargs)``:
    every call still reaches the student's function, so it is no signature mistake (a wrapper
    that drops the keyword arguments is one)."""
    decorator = NO_WRAPS.replace("*args, **kwargs", wrapper)
    source = (SOLUTIONS / "ex03_pool_map.py").read_text(encoding="utf-8")
    source = source.replace("def carres_sequentiels(", decorator + "@chronometre\ndef carres_sequentiels(", 1)
    (tmp_path / "ex03_pool_map.py").write_text(source, encoding="utf-8")
    student = ExerciseUnderTest(tmp_path, config.load().exercise("ex03_pool_map"), "spawn")
    try:
        student.require_loaded()
        found = None
    except StudentCodeError as error:
        found = error.key
    assert found == (None if accepted else "signature")


def test_a_producer_that_closes_its_queue_leaves_the_graders_end_readable(tmp_path):
    """``q.close()`` and ``q.join_thread()`` in a producer called in the harness close the student's
    own handle on the grader's queue, as they would in the child process it is meant for."""
    (tmp_path / "module_eleve.py").write_text(textwrap.dedent("""\
        def producteur(q, n):
            for i in range(n):
                q.put(f"item {i}")
            q.put(None)
            q.close()
            q.join_thread()
        """), encoding="utf-8")
    queue = {"$queue": "q"}
    run = harness.run_calls(tmp_path, "module_eleve",
                            [call("producteur", queue, 3), call("@take", queue, 4, 2),
                             call("@drain", queue, 0.3)], time_limit_s=20, start_method="spawn")
    assert [run.call(index).value for index in range(3)] == [
        None, ["item 0", "item 1", "item 2", None], []], run.call(1).error
