# Two commands do all the set-up: `make check` (grade exercises/) and `make test` (the project's
# suite). Each creates .venv and installs the project when it is missing or older than pyproject.toml.
# `make lint` runs ruff and mypy (their settings: pyproject.toml).
# `make check EX=3` (or EX=ex03_pool_map, EX=1,3) grades only those exercises.
# Without make (Windows): py -m venv .venv, .venv\Scripts\python -m pip install -e ., then
# .venv\Scripts\python -m grader check --exercise 3

PYTHON_FOR_VENV ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The suite's own tools (pytest-xdist, check-jsonschema, nox, ruff, mypy) on top: a student's
# `make check` installs only what grading needs.
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: check test smoke lint clean

EX ?=

check: $(INSTALLED)
	@# The sandbox of every run (grader/run/sandbox.py): Debian's bubblewrap, installed when we are root
	@# and have apt-get; otherwise the grading goes on without it, and the report says so.
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1; } || true
	@$(PYTHON) -m grader check exercises $(if $(EX),--exercise $(EX)) --json rapport.json --html rapport.html

# The suite in two parts: most checks on three workers (they often wait on graded subprocesses), then
# alone the checks under CPU load (their two CPU hogs must be the only extra load) and those that
# compare timing verdicts across runs (the cohort).
test: $(TEST_INSTALLED)
	$(PYTHON) -m pytest -n 3 --dist loadfile -m "not load and not serial and not smoke"
	$(PYTHON) -m pytest -m "load or serial"

# The quick check of every Python version found (noxfile.py): what .ci/run runs before `make test`.
smoke: $(TEST_INSTALLED)
	$(VENV)/bin/nox -s smoke --no-error-on-missing-interpreters

# Lint and type-check: ruff on the whole tree, mypy on grader/, bench/ and tests/ (the student-like
# fixtures under tests/ are left out of both). mypy reads the suite's tools too: hence the test extra.
lint: $(TEST_INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Said in French (the students' language) since it is the first thing a fresh clone prints.
$(INSTALLED): pyproject.toml
	@echo "mpgrade : installation du correcteur dans $(VENV) (pytest, PyYAML, Jinja2, psutil, tqdm), une seule fois..."
	@start=$$(date +%s); \
	$(PYTHON_FOR_VENV) -m venv $(VENV) && \
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e . && \
	touch $(INSTALLED) && \
	echo "mpgrade : installé en $$(( $$(date +%s) - start )) s."

$(TEST_INSTALLED): $(INSTALLED)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[test,dev]"
	touch $(TEST_INSTALLED)

clean:
	rm -rf $(VENV) rapport.json rapport.html
