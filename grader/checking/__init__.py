"""Judging one submission. Entry point: ``grading.run_checks`` runs pytest on the course folder
(``grader/course/``: each exercise's ``checks.py``) with ``pytest_plugin`` and ``fixtures``; the
checks drive an exercise through ``exercise_under_test`` and ``scenario``, judge the runs with
``expectations`` over ``observe`` (``calibration`` for timing) and answer with ``verdicts``."""
