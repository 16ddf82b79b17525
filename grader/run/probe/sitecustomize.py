"""Loaded by every Python process of a graded submission (it is on their PYTHONPATH).

It does nothing unless the grader's harness set ``MPGRADE_PROBE``; then it installs the probe
before any student code runs, in the harness and in every child process, whatever the start method.
"""
import os

if os.environ.get("MPGRADE_PROBE"):
    import mpgrade_probe

    mpgrade_probe.install(os.environ["MPGRADE_PROBE"])
