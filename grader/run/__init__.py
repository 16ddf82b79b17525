"""Running student code. Entry points: ``harness.run_calls``/``run_script`` start the student's code in
an interpreter that carries ``probe/`` (the only part of the grader it ever imports); ``process_tree``
starts, limits, watches and ends that tree, ``sandbox`` wraps it in bubblewrap, and ``witness``
checks the probe's records against what the kernel showed."""
