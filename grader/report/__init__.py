"""The report of one submission and its renderings. Entry points: ``model.build`` makes the JSON
report (docs/report.md) from the checks' results; ``terminal.print_report`` prints it (``console``
keeps the text printable), ``page.write`` renders it as HTML from ``templates/`` with ``drawing``;
``visibility`` decides how much of each check a student's copy shows."""
