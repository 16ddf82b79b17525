"""The terminal summary: short on a fresh clone, grouped where checks share a reason, ending with
where to start and how to grade again only what did not pass; the console never breaks on French."""
from __future__ import annotations

import io

import pytest

from grader import catalogue, config
from grader.report import console, model, terminal

FR = catalogue.load("fr")


def _check(check_id: str, status: str, key: str, message: str, kind: str = "mistake",
           **facts) -> dict:
    check = {"id": check_id, "title": f"titre de {check_id}", "category": "result", "status": status,
             "score": 0.0, "max_score": 1.0, "message": message, "hint": f"piste {key}",
             "message_key": key, "facts": facts}
    return check if status == "passed" else dict(check, kind=kind)


def _report(*exercises: dict) -> dict:
    return {"submission": "exercises", "seed": 1, "start_method": "spawn", "score": 0.0,
            "max_score": 10.0, "exercises": list(exercises)}


def _exercise(exercise_id: str, checks: list[dict], unwritten=None) -> dict:
    section = {"id": exercise_id, "title": f"titre {exercise_id}", "score": 0.0, "max_score": 5.0,
               "checks": checks}
    if unwritten is not None:
        section["unwritten"] = unwritten
    return section


NOT_STARTED = _exercise("ex01_process", [
    _check("a", "failed", "a_faire", "info_processus n'est pas encore écrite", "not_written",
           fonction="info_processus"),
    _check("b", "failed", "a_faire", "lancer_worker n'est pas encore écrite", "not_written",
           fonction="lancer_worker"),
    _check("c", "failed", "garde_pas_encore_verifiable", "garde pas encore vérifiable", "not_written"),
    _check("d", "failed", "script_a_faire", "script à faire", "not_written"),
], unwritten=["info_processus", "worker_function", "lancer_worker", "lancer_plusieurs"])
STARTED = _exercise("ex03_pool_map", [
    _check("e", "passed", "", ""),
    _check("f", "error", "processus_a_l_import", "MÊME CAUSE", "not_loaded"),
    _check("g", "error", "processus_a_l_import", "MÊME CAUSE", "not_loaded"),
    _check("h", "failed", "pas_simultane", "AUTRE CAUSE"),
    _check("i", "pending", "machine_trop_chargee", "MACHINE", "machine_bound"),
])
PASSED = _exercise("ex04_pool_starmap", [_check("j", "passed", "", "")])


def test_an_exercise_not_started_is_one_line_from_the_catalogue():
    text = terminal.render(_report(NOT_STARTED), FR)
    lines = [line for line in text.splitlines() if "ex01_process" in line]
    assert lines[0].endswith("pas encore commencé : 4 fonctions à écrire")
    assert "n'est pas encore écrite" not in text and "titre de a" not in text
    assert "Par où commencer : ex01_process.py (titre ex01_process)." in text
    english = terminal.render(_report(NOT_STARTED), catalogue.load("en"))
    assert "not started yet: 4 functions to write" in english


def test_without_the_list_from_the_file_the_checks_name_the_functions_to_write():
    section = dict(NOT_STARTED)
    del section["unwritten"]
    assert terminal.not_started(section) == ["info_processus", "lancer_worker"]
    text = terminal.render(_report(section), FR)
    assert "pas encore commencé : 2 fonctions à écrire" in text


def test_an_exercise_with_another_failure_or_a_pass_is_detailed():
    one_other = _exercise("ex01_process", NOT_STARTED["checks"] + [
        _check("x", "failed", "resultat_incorrect", "faux")], unwritten=["a"])
    assert terminal.not_started(one_other) is None
    assert terminal.not_started(STARTED) is None and terminal.not_started(PASSED) is None


def test_checks_failed_for_the_same_reason_share_one_message():
    text = terminal.render(_report(STARTED), FR)
    assert text.count("MÊME CAUSE") == 1 and text.count("AUTRE CAUSE") == 1
    assert text.index("titre de f") < text.index("titre de g") < text.index("MÊME CAUSE")
    assert "? [result] titre de i" in text  # pending (schema 2): not measured
    assert "À reprendre en premier : ex03_pool_map.py" in text


def test_the_summary_ends_with_the_command_for_the_exercises_not_passed():
    text = terminal.render(_report(NOT_STARTED, PASSED, STARTED), FR,
                           rerun=lambda numbers: f"make check EX={','.join(numbers)}")
    assert text.rstrip().splitlines()[-1] == (
        "Pour relancer seulement les exercices non réussis : make check EX=1,3")
    assert "ex04_pool_starmap" not in text.split("Total")[1]  # a passed exercise: no detail
    everything_passed = terminal.render(_report(PASSED), FR, rerun=lambda numbers: "X")
    assert "relancer" not in everything_passed and "commencer" not in everything_passed


@pytest.mark.parametrize("typed", ["3", "03", "ex03", "EX03", "ex03_pool_map"])
def test_an_exercise_is_named_by_its_number_or_its_id(typed):
    assert config.load().resolve(typed) == "ex03_pool_map"


@pytest.mark.parametrize("typed", ["99", "ex3_pool", "pool", ""])
def test_an_unknown_exercise_name_resolves_to_nothing(typed):
    assert config.load().resolve(typed) is None


def test_the_functions_still_to_write_are_read_from_the_file(tmp_path):
    path = tmp_path / "ex.py"
    path.write_text('def a():\n    """doc"""\n    # TODO\n    raise NotImplementedError("À faire")\n\n'
                    'def b():\n    raise NotImplementedError\n\n'
                    'def c():\n    return 1\n\n'
                    'def d():\n    x = 1\n    raise NotImplementedError\n', encoding="utf-8")
    assert model.unwritten_functions(path, {"a": [], "b": [], "c": [], "d": []}) == ["a", "b"]
    assert model.unwritten_functions(tmp_path / "absent.py", {"a": []}) == []


class _Console(io.TextIOWrapper):
    """A console of a given code page, that says it is a terminal or not."""

    def __init__(self, encoding: str, terminal: bool) -> None:
        super().__init__(io.BytesIO(), encoding=encoding)
        self._terminal = terminal

    def isatty(self) -> bool:
        return self._terminal


@pytest.mark.parametrize("terminal_", [True, False])
def test_a_console_that_cannot_encode_the_french_text_prints_what_it_can(monkeypatch, terminal_):
    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    stream = _Console("cp1252", terminal_)
    with pytest.raises(UnicodeEncodeError):
        stream.write("✔ réussi")
    console.prepare(stream)
    stream.write("✔ réussi → «ok»")
    stream.flush()
    written = stream.buffer.getvalue()
    if terminal_:  # a terminal keeps its code page: the accents show, the rest becomes ?
        assert written == "? réussi ? «ok»".encode("cp1252")
    else:  # a file or a pipe: UTF-8
        assert written == "✔ réussi → «ok»".encode()


def test_a_console_that_encodes_everything_is_left_alone(monkeypatch):
    monkeypatch.delenv("PYTHONIOENCODING", raising=False)
    stream = _Console("utf-8", True)
    console.prepare(stream)
    assert stream.errors == "strict"


def test_colours_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert console.colour(_Console("utf-8", True))
    assert not console.colour(_Console("utf-8", False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not console.colour(_Console("utf-8", True))
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not console.colour(_Console("utf-8", True))


def test_when_every_exercise_graded_failed_the_command_is_the_same_without_a_list():
    text = terminal.render(_report(NOT_STARTED, STARTED), FR,
                           rerun=lambda numbers: f"make check EX={','.join(numbers)}")
    assert text.rstrip().endswith("make check EX=")
