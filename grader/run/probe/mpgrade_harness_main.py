"""The harness's command: ``python mpgrade_harness_main.py REQUEST.json`` (``grader.run.harness``).

Nothing more than this: a child that the student's code starts with ``spawn`` or ``forkserver``
runs the main script again (as ``__mp_main__``) before its task, and the harness itself
(``mpgrade_harness``: imported, so its bytecode is cached) is never imported there; compiling and
running it again cost every child some 20 ms. The grader's own work in children is in
``mpgrade_tasks``.
"""
if __name__ == "__main__":
    import sys

    import mpgrade_harness

    mpgrade_harness.run(sys.argv[1])
