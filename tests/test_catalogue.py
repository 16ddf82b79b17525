"""Every message key the checks raise and every check has its text in the catalogue."""
from __future__ import annotations

import string

import pytest

import courses
from conftest import ROOT
from grader import catalogue, config
from grader.checking.verdicts import Detail
from message_keys import DETAIL_KEY, keys_in_code, kinds_in_code


def test_every_raised_message_key_has_a_message_and_a_hint():
    texts = catalogue.load("fr")
    keys = keys_in_code()
    assert len(keys) > 30
    missing = {key for key in keys if key not in texts.texts["messages"]}
    assert not missing
    assert all(texts.texts["messages"][key].get("hint") for key in keys)


def test_every_message_key_is_raised_with_one_kind_the_one_its_message_means():
    """The kind (grader/checking/verdicts.py) is what the terminal, the page and the dashboard read
    instead of lists of keys: a key means one kind wherever it is raised."""
    kinds = kinds_in_code()
    assert {key: found for key, found in kinds.items() if len(found) != 1} == {}
    assert kinds["a_faire"] == kinds["script_a_faire"] == kinds["garde_pas_encore_verifiable"] == {
        "not_written"}
    assert kinds["fichier_absent"] == kinds["erreur_syntaxe"] == kinds["signature"] == {"not_there"}
    assert kinds["processus_a_l_import"] == kinds["exception_import"] == {"not_loaded"}
    assert kinds["machine_trop_chargee"] == kinds["acceleration_impossible"] == {"machine_bound"}
    assert kinds["pas_simultane"] == {"mistake"}


def test_a_message_key_defined_in_two_places_is_an_error_naming_both(tmp_path):
    """An exercise's texts cannot quietly replace the engine's (or another exercise's) message."""
    course = courses.write_course(tmp_path, courses.shipped_settings())
    texts = course / "ex03_pool_map" / "fr.yaml"  # it has no messages of its own
    texts.write_text(texts.read_text(encoding="utf-8")
                     + "messages:\n  resultat_incorrect:\n    message: autre\n", encoding="utf-8")
    with pytest.raises(ValueError, match="resultat_incorrect.*locales/fr.yaml.*ex03_pool_map/fr.yaml"):
        catalogue.load("fr", course)
    assert catalogue.load("en", course).message("resultat_incorrect", {})[0] != "autre"


def test_every_detail_key_has_its_words_and_a_list_of_details_is_worded_in_each_language():
    details = set()
    for path in (ROOT / "grader").rglob("*.py"):
        details |= set(DETAIL_KEY.findall(path.read_text(encoding="utf-8")))
    assert len(details) >= 10
    for language in ("fr", "en"):
        assert details <= set(catalogue.load(language).texts["details"]), language
    refuted = [Detail("instants_hors_execution", pid=7).as_fact(),
               Detail("calcul_sans_processeur", pid=8, annonce_s="1.90", compte_s="0.01").as_fact()]
    facts = {"executions": 2, "nombre": 2, "contradictions": refuted}
    french, _ = catalogue.load("fr").message("observations_contredites", facts)
    english, _ = catalogue.load("en").message("observations_contredites", facts)
    assert "pid 7 : des instants hors de l'exécution ; pid 8 : 1.90 s de calcul annoncées" in french
    assert "exécutions faites : 2" in french and "runs made: 2" in english
    assert "pid 7: moments outside the run; pid 8: 1.90 s of computation claimed" in english


def test_a_detail_that_is_not_the_graders_is_shown_as_it_is_never_read_as_a_template():
    texts = catalogue.load("fr")
    message, _ = texts.message("resultat_incorrect", {"fonction": "f", "entree": 1,
                                                       "obtenu": {"detail": "{0}{x.y}"}})
    assert "{'detail': '{0}{x.y}'}" in message


def test_every_check_has_a_french_title():
    texts = catalogue.load("fr")
    for exercise in config.load().exercises.values():
        for check_id in exercise.checks:
            assert texts.check_title(exercise.id, check_id) != check_id, (exercise.id, check_id)


def test_facts_fill_the_message_and_a_missing_fact_shows_as_a_question_mark():
    texts = catalogue.load("fr")
    message, hint = texts.message("pool_taille", {"demandes": 4})
    assert "au lieu de 4" in message and "?" in message
    assert "Pool(4)" in hint


def _keys(texts: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in texts.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        keys.add(path)
        if isinstance(value, dict):
            keys |= _keys(value, path)
    return keys


def _leaves(texts: dict, prefix: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in texts.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        found.update(_leaves(value, path) if isinstance(value, dict) else {path: value})
    return found


def test_the_english_catalogue_has_exactly_the_keys_of_the_french_one():
    french, english = catalogue.load("fr").texts, catalogue.load("en").texts
    assert _keys(english) - _keys(french) == set(), "keys only in en.yaml"
    assert _keys(french) - _keys(english) == set(), "keys of fr.yaml missing from en.yaml"


def test_each_english_text_takes_the_same_facts_as_its_french_one():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english = _leaves(catalogue.load("en").texts)
    for key, text in _leaves(catalogue.load("fr").texts).items():
        assert fields(str(text)) == fields(str(english.get(key, ""))), key
