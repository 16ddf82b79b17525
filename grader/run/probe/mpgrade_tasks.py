"""The grader's own work in a run's child processes: the CPU loop of ex09's calibration, the
unlocked increments of ex08's control, the barrier before a student's function. A child imports
this module by name to run one of them, so it holds nothing else: a child of the calibration's pool
must start as cheaply as a child of the student's (it imported the whole harness before, some
25 ms more each, and the machine seemed slower to show a speed-up than it is). Standard library
only (it runs under the student's interpreter).
"""
import importlib


def cpu_loop(n):
    """The same kind of pure-Python work as the course's ``travail_cpu``, owned by the grader."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def after_barrier(barrier, module_name, function, args):
    """The student's ``function(*args)``, once every process of ``@together`` is at ``barrier``."""
    barrier.wait()
    getattr(importlib.import_module(module_name), function)(*args)


def unlocked_increments(barrier, counter, times):
    """The grader's control: ``+= 1`` with no lock, the race the student's lock must prevent."""
    barrier.wait()
    for _ in range(times):
        counter.value += 1
