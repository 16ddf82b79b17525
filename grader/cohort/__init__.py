"""Many submissions. Entry point: ``batch`` (``python -m grader cohort`` and ``merge``) grades each
student in a subprocess of their own: ``intake`` reads the submissions, ``cores`` shares the machine
between gradings, ``progress``, ``gradebook``, ``dashboard`` and ``similarity`` write the results;
``gradescope`` and ``exports/`` take the grades to the platforms."""
