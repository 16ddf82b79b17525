"""A cohort of 12 submissions in the three layouts, built from the solutions, the stubs, known-bad
and hostile variants and broken archives (used by tests/test_cohort.py and bench/bench_cohort.py).

Only the exercises of ``EXERCISES`` matter: one that needs the cores alone (ex03) and one that does
not (ex01), so that a cohort grades both ways.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

TESTS = Path(__file__).parent
ROOT = TESTS.parent
SOLUTIONS = ROOT / "solutions"
STUBS = ROOT / "exercises"
BAD = TESTS / "bad"
HOSTILE = TESTS / "hostile"
EXERCISES = ("ex01_process", "ex03_pool_map")

# Where each student's exercise files come from: a solution unless a variant is named.
VARIANTS = {
    "ex01_process": {"david": BAD / "ex01_process" / "plusieurs_sequentiel.py",
                     "alice-zip": BAD / "ex01_process" / "sans_join.py",
                     "moreau": HOSTILE / "sortie_import.py"},
    "ex03_pool_map": {"chloe": BAD / "ex03_pool_map" / "sequentiel.py",
                      "elise": HOSTILE / "ecrase_rapports.py",
                      "gaston": BAD / "ex03_pool_map" / "threadpool.py"},
}


def build(root: Path, exercises: tuple[str, ...] = EXERCISES) -> Path:
    """Write the cohort under ``root``/submissions and return that folder; with ``exercises``
    (all nine for ``bench/bench_cohort.py --all-exercises``), each gradable student has those
    files, a solution wherever ``VARIANTS`` names no variant."""
    submissions = root / "submissions"
    staging = root / "staging"
    # One folder per student, files at the top or one level down.
    def _files(folder: Path, student: str) -> Path:
        return _student_files(folder, student, exercises)

    _files(submissions / "alice", "alice")
    shutil.copytree(STUBS, submissions / "bruno")
    _files(submissions / "chloe" / "projet", "chloe")
    _files(submissions / "david", "david")
    _files(submissions / "elise", "elise")
    # One zip per student; alice.zip is a second alice.
    _zip(_files(staging / "fanny", "fanny"), submissions / "fanny.zip")
    _zip(_files(staging / "gaston" / "rendu", "gaston").parent, submissions / "gaston.zip")
    _zip(_files(staging / "alice-zip", "alice-zip"), submissions / "alice.zip")
    (submissions / "hugo.zip").write_bytes(b"PK\x03\x04 this is not a zip archive")
    # A Moodle export: files, a zip inside, nothing gradable.
    _files(submissions / "Émile Zola_1001_assignsubmission_file_", "zola")
    moodle_zip = submissions / "Inès Moreau_1002_assignsubmission_file_" / "rendu.zip"
    moodle_zip.parent.mkdir(parents=True)
    _zip(_files(staging / "moreau", "moreau"), moodle_zip)
    nothing = submissions / "Jules Petit_1003_assignsubmission_file_"
    nothing.mkdir()
    (nothing / "notes.txt").write_text("J'ai oublié les fichiers.\n", encoding="utf-8")
    shutil.rmtree(staging)
    return submissions


def _student_files(folder: Path, student: str, exercises: tuple[str, ...]) -> Path:
    """The graded exercises of ``student`` in ``folder``."""
    folder.mkdir(parents=True)
    for exercise in exercises:
        source = VARIANTS.get(exercise, {}).get(student, SOLUTIONS / f"{exercise}.py")
        shutil.copyfile(source, folder / f"{exercise}.py")
    return folder


def _zip(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(folder))
