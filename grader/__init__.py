"""mpgrade: grades exercises on Python's multiprocessing, from what the processes really did."""

__version__ = "0.1.0"
