"""Writes the reports of this folder: whole submissions (all nine exercises) in the report's JSON
contract, without grading anything — the dashboard and the Gradescope export are under test, not the
checks. Each is the solution's report with the verdicts of typical mistakes put in (the statuses,
message keys and facts that the checks raise for them, as in tests/bad/expectations.yaml); the
deadlock and the unmeasurable speed-up are copied from the real run in tests/data/page/. Messages
are rendered from the catalogue, exactly as ``grader/report/model.py`` does.

    .venv/bin/python tests/data/cohort_reports/make_reports.py
"""
from __future__ import annotations

import json
from pathlib import Path

from grader import catalogue, config

HERE = Path(__file__).parent
REAL = json.loads((HERE.parent / "page" / "interblocage.json").read_text(encoding="utf-8"))
DEADLOCK = REAL["exercises"][0]["checks"][0]  # ex06 pipeline_grand_n: a join before draining
NO_SPEEDUP = REAL["exercises"][1]["checks"][0]  # ex09 acceleration: the machine shows none

BUSY = ("pending", "machine_trop_chargee", {"borne": 2.41, "demarrage": 0.35, "sequentiel": 2.6})
DEADLOCKED = ("failed", "interblocage", DEADLOCK["facts"])
LOST_UPDATES = ("failed", "increments_perdus", {"processus": 2, "n": 30000, "obtenu": 41873,
                                                 "attendu": 60000, "perdus": 18127})


def _todo(function: str) -> tuple:
    return ("failed", "a_faire", {"fonction": function}, "not_written")


# Verdicts other than "passed", by exercise and check: (status, message key, facts), and the verdict's
# kind when it is not the status's usual one (``machine_bound`` when pending, else ``mistake``).
MISTAKES = {
    "complet": {
        "ex03_pool_map": {"duree_dans_la_borne": BUSY},
        "ex09_cpu_bound": {"acceleration": ("pending", "acceleration_impossible", NO_SPEEDUP["facts"])},
    },
    "join_avant_vider": {
        "ex06_queue": {"pipeline_grand_n": DEADLOCKED,
                       "pipeline_multi_grand_n": ("failed", "interblocage",
                                                  {**DEADLOCK["facts"], "fonction": "pipeline_multi"})},
        "ex08_shared_memory": {"incrementer_sans_perte": LOST_UPDATES},
    },
    "sequentiel": {
        "ex01_process": {"lancer_plusieurs_simultanes": (
            "failed", "lancement_sequentiel", {"ensemble": 1, "noms": 4})},
        "ex03_pool_map": {
            "taches_dans_des_enfants": ("failed", "taches_dans_l_appelant",
                                        {"taches": 24, "pid": 4242, "fonction": "carre",
                                         "appel": "pool.map(carre, nombres)"}),
            "processus_demandes": ("failed", "processus_demandes",
                                   {"lances": 0, "demandes": 4, "utilises": 0, "fonction": "carre"}),
            "taches_simultanees": ("failed", "pas_simultane",
                                   {"en_vol": 1, "workers": 1, "taches": 24, "minimum": 2,
                                    "appel": "pool.map(carre, nombres)"}),
            "duree_dans_la_borne": BUSY,
            "pool_map_utilise": ("failed", "pool_absent", {"methode": "map"}),
            "pool_ferme": ("failed", "aucun_pool", {})},
        "ex06_queue": {"pipeline_grand_n": DEADLOCKED},
    },
    "sans_join": {
        "ex01_process": {
            "lancer_worker_code_sortie": ("failed", "resultat_incorrect",
                                          {"fonction": "lancer_worker", "entree": "'A', 0.3",
                                           "attendu": "0", "obtenu": "None"}),
            "lancer_plusieurs_codes_sortie": ("failed", "resultat_incorrect",
                                              {"fonction": "lancer_plusieurs",
                                               "entree": "['A', 'B', 'C'], 0.3",
                                               "attendu": "[0, 3, 0]",
                                               "obtenu": "[None, None, None]"}),
            "processus_joints": ("failed", "non_joint",
                                 {"fonction": "lancer_plusieurs", "nombre": 3, "lances": 3})},
        "ex06_queue": {"pipeline_grand_n": DEADLOCKED},
        "ex08_shared_memory": {"incrementer_sans_perte": LOST_UPDATES},
    },
    "brouillon": {  # ex01 to ex03 done, the rest still the stubs
        **{exercise: {"*": _todo(function)} for exercise, function in (
            ("ex04_pool_starmap", "puissances"), ("ex05_pool_async", "executer_async"),
            ("ex06_queue", "pipeline"), ("ex07_pipe", "ping_pong"),
            ("ex08_shared_memory", "compteur_partage"), ("ex09_cpu_bound", "avec_processus"))},
        "ex02_main_guard": {"import_sans_effet": ("failed", "import_affiche",
                                                  {"sortie": "[0, 2, 4, 6, 8]"})},
    },
}
GUARD_OF_A_STUB = {"import_sans_effet": None,  # the stubs import cleanly
                   "script_sous_spawn": ("failed", "script_a_faire",
                                         {"fichier": "{exercise}.py", "code": 1}, "not_written")}


def report(name: str, course: config.Course, texts: catalogue.Catalogue) -> dict:
    mistakes = MISTAKES[name]
    sections = []
    for exercise in course.exercises.values():
        wanted = mistakes.get(exercise.id, {})
        checks = [_check(exercise.id, spec, _verdict(exercise.id, spec.id, wanted), texts)
                  for spec in exercise.checks.values()]
        sections.append({"id": exercise.id, "title": texts.exercise_title(exercise.id),
                         "score": round(sum(check["score"] for check in checks), 2),
                         "max_score": round(sum(check["max_score"] for check in checks), 2),
                         "checks": checks, "runs": []})
    return {"schema": 3, "submission": name,
            "score": round(sum(section["score"] for section in sections), 2),
            "max_score": round(sum(section["max_score"] for section in sections), 2),
            "seed": REAL["seed"], "start_method": "spawn", "language": texts.language,
            "graded_at": REAL["graded_at"], "machine": REAL["machine"], "internal_errors": 0,
            "pending": [{"exercise": section["id"], "check": check["id"]} for section in sections
                        for check in section["checks"] if check["status"] == "pending"],
            "exercises": sections}


def _verdict(exercise_id: str, check_id: str, wanted: dict) -> tuple | None:
    if check_id in wanted:
        return wanted[check_id]
    if "*" not in wanted:
        return None
    if check_id in GUARD_OF_A_STUB:
        guard = GUARD_OF_A_STUB[check_id]
        return guard and (guard[0], guard[1], {**guard[2], "fichier": f"{exercise_id}.py"}, guard[3])
    return wanted["*"]


def _check(exercise_id: str, spec, verdict: tuple | None, texts: catalogue.Catalogue) -> dict:
    status, key, facts, *kind = verdict or ("passed", None, {})
    message, hint = texts.message(key, facts) if key else ("", "")
    entry = {"id": spec.id, "title": texts.check_title(exercise_id, spec.id),
             "category": spec.category, "status": status,
             "score": spec.points if status == "passed" else 0.0,
             "max_score": spec.points,
             "message": message, "hint": hint, "duration_s": 0.2}
    if key:
        entry["message_key"] = key
        entry["facts"] = facts
    if status != "passed":
        entry["kind"] = kind[0] if kind else "machine_bound" if status == "pending" else "mistake"
    return entry


def main() -> None:
    course, texts = config.load(), catalogue.load("fr")
    for name in MISTAKES:
        path = HERE / f"{name}.json"
        path.write_text(json.dumps(report(name, course, texts), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
