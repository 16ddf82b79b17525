# Two commands do all the set-up: `make check` (grade exercises/) and `make test` (the project's
# suite). Each creates .venv and installs the project when it is missing or older than pyproject.toml.
# Without make (Windows): python -m venv .venv, .venv\Scripts\pip install -e .[test], then
# .venv\Scripts\python -m grader check exercises

PYTHON_FOR_VENV ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: check test clean

check: $(INSTALLED)
	@# The sandbox of every run (grader/sandbox.py): Debian's bubblewrap, installed when we are root
	@# and have apt-get; otherwise the grading goes on without it, and the report says so.
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1; } || true
	$(PYTHON) -m grader check exercises --json rapport.json --html rapport.html

# The suite in two parts: most checks on three workers (they often wait on graded subprocesses), then
# alone the checks under CPU load (their two CPU hogs must be the only extra load) and those that
# compare timing verdicts across runs (the cohort).
test: $(INSTALLED)
	$(PYTHON) -m pytest -n 3 --dist loadfile -m "not load and not serial"
	$(PYTHON) -m pytest -m "load or serial"

$(INSTALLED): pyproject.toml
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(INSTALLED)

clean:
	rm -rf $(VENV) rapport.json rapport.html
