"""--lang en: what the grader writes in English holds no French (tests/language.py words every
report of the suite again in English; here the detector itself, and a real English grading)."""
from __future__ import annotations

import language
from conftest import STUBS, grade
from grader.checking.verdicts import Detail


def _report(facts: dict, key: str = "observations_contredites") -> dict:
    return {"exercises": [{"id": "ex03_pool_map", "checks": [
        {"id": "carre_resultat", "message_key": key, "facts": facts}]}]}


def test_a_sentence_the_engine_wrote_in_french_is_found_and_the_same_as_details_is_not():
    written = _report({"nombre": 1, "contradictions": "pid 5 : des instants hors de l'exécution"})
    assert language.french_in_english(written)
    worded = _report({"nombre": 1, "contradictions": [Detail("instants_hors_execution", pid=5).as_fact()]})
    assert language.french_in_english(worded) == []
    at_import = _report({"fonction": Detail("l_import_du_module").as_fact(), "limite": 20}, "delai_depasse")
    assert language.french_in_english(at_import) == []
    assert language.french_in_english(_report({"fonction": "l'import du module"}, "delai_depasse"))


def test_the_course_lines_and_the_students_data_are_not_the_graders_french():
    assert language.french("worker_function prints « Démarrage », waits") == []
    data = _report({"fonction": "carre", "attendu": "Tâche de 1s terminée", "obtenu": "rien"},
                   "resultat_incorrect")
    assert language.french_in_english(data) == []


def test_the_stubs_graded_in_english_read_in_english(tmp_path):
    graded = grade(STUBS, json_path=tmp_path / "r.json", language="en")
    assert graded.report["language"] == "en"
    for exercise in graded.report["exercises"]:
        for check in exercise["checks"]:
            text = " ".join((check["title"], check["message"], check["hint"]))
            assert language.french(text) == [], (check["id"], text)
    assert language.french(graded.stdout) == [], graded.stdout
