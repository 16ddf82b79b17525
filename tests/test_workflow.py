"""The GitHub Actions workflow (``.github/workflows/tests.yml``) cannot run here: it is validated
against SchemaStore's github-workflow schema (vendored by check-jsonschema, so offline), and its
matrix is kept in step with the Python versions of ``noxfile.py``."""
from __future__ import annotations

import ast
import subprocess
import sys

import yaml

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"


def _validate(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_the_workflow_follows_the_github_workflow_schema():
    validated = _validate(WORKFLOW)
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    """The validation above would catch a mistake: a job without ``runs-on`` is refused."""
    text = WORKFLOW.read_text(encoding="utf-8")
    assert text.count("    runs-on: ${{ matrix.os }}\n") == 1
    broken = tmp_path / "tests.yml"
    broken.write_text(text.replace("    runs-on: ${{ matrix.os }}\n", ""), encoding="utf-8")
    validated = _validate(broken)
    assert validated.returncode != 0 and "runs-on" in validated.stdout, validated.stdout


def test_the_smoke_matrix_covers_every_platform_and_the_noxfile_versions():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    matrix = workflow["jobs"]["smoke"]["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}
    noxfile = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    versions = next(ast.literal_eval(node.value) for node in noxfile.body
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PYTHONS")
    assert matrix["python"] == versions == ["3.10", "3.11", "3.12", "3.13", "3.14"]
    assert "nox -s smoke-${{ matrix.python }}" in [step.get("run") for step
                                                   in workflow["jobs"]["smoke"]["steps"]]
    assert workflow["jobs"]["suite"]["runs-on"] == "ubuntu-latest"
