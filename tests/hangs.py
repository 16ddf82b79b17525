"""How a hanging submission is graded and judged (tests/data/hang/): a short course file and the
expected diagnosis, shared by the native (test_hangs.py) and the portable (test_portable.py) runs."""
from __future__ import annotations

import time
from pathlib import Path

import courses
from conftest import DATA, grade, make_submission

TIME_LIMIT_S = 4


def write_short_course(folder: Path) -> Path:
    """The course with the short time limit (the ``short_course`` fixture of conftest.py)."""
    settings = courses.shipped_settings()
    settings["time_limit_s"] = TIME_LIMIT_S
    return courses.write_course(folder, settings)


def places(check: dict) -> list[str]:
    """Where each process of a hang was: the places of the check's records (``observe.located``)."""
    return [record["lieu"] for record in check["facts"]["processus"]]


HANGS = [
    ("ex03_pool_map", "carres_paralleles_resultat", "carre (ex03_pool_map.py:"),
    ("ex01_process", "lancer_worker_code_sortie", "lancer_worker (ex01_process.py:"),
]


def assert_hang_diagnosed(tmp_path, short_course, exercise_id, hanging_check, stuck_in,
                          tracked_processes) -> dict:
    """Grade the hanging file of ``exercise_id``: an error naming the time limit and where the
    processes were (``stuck_in`` is in the diagnosis), within the time, nothing left."""
    folder = make_submission(tmp_path / "hang", {exercise_id: DATA / "hang" / f"{exercise_id}.py"})
    started = time.monotonic()
    graded = grade(folder, exercise_id, course=short_course)
    elapsed = time.monotonic() - started
    check = graded.checks(exercise_id)[hanging_check]
    assert check["status"] == "error", check
    assert f"{TIME_LIMIT_S} s" in check["message"]
    assert any(stuck_in in place for place in places(check)), check["facts"]
    assert stuck_in in check["message"]  # the records, worded
    runs = 4  # at most this many harness runs of the exercise can hang, one after another
    assert elapsed < runs * (TIME_LIMIT_S + 2) + 15
    assert tracked_processes() == set()
    return check
