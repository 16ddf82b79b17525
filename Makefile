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
