"""The intake: a folder of submissions becomes gradable submissions, whatever it holds, safely.

Pure Python, nothing graded. The hostile archives are built here by helpers named for what they do.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import string
import struct
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import cast

import pytest

from conftest import DATA
from grader import catalogue, config
from grader.cohort import intake
from grader.cohort.intake import IntakeLimits, Submission, content_hash, discover

COHORT = DATA / "cohort"
EXERCISES = [f"{exercise_id}.py" for exercise_id in config.load().exercises]
EX01, EX02, EX03 = EXERCISES[:3]
MB = 1024 * 1024
SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                   *(f"LPT{i}" for i in range(1, 10))}


# -- helpers -------------------------------------------------------------------------------------


def by_id(submissions: list[Submission]) -> dict[str, Submission]:
    return {submission.id: submission for submission in submissions}


def files_in(submission: Submission) -> list[str]:
    assert submission.folder is not None
    return sorted(path.name for path in submission.folder.iterdir())


def write_files(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def write_zip(path: Path, members: dict[str, str | bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


class RawNameInfo(zipfile.ZipInfo):
    """A member whose name is written as the given bytes, the UTF-8 flag unset (zipfile would set
    it for any non-ASCII name): what many zip tools, and old Windows ones in cp437, write."""

    def __init__(self, raw_name: bytes) -> None:
        super().__init__(raw_name.decode("cp437"))
        self.raw_name = raw_name

    def _encodeFilenameFlags(self):  # noqa: N802 — zipfile's own (private) name
        return self.raw_name, self.flag_bits & ~0x800


def zip_with_raw_names(path: Path, members: dict[bytes, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for raw_name, content in members.items():
            archive.writestr(RawNameInfo(raw_name), content)
    return path


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a hash of its bytes: what a test compares before and after."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


def take_in(tmp_path: Path, entries: dict[str, dict[str, str | bytes]] | None = None,
            limits: IntakeLimits = IntakeLimits()) -> dict[str, Submission]:
    """Discover a root made of zips (names ending in .zip) and folders built from ``entries``."""
    root = tmp_path / "rendus"
    root.mkdir(parents=True, exist_ok=True)
    for name, members in (entries or {}).items():
        if name.endswith(".zip"):
            write_zip(root / name, members)
        else:
            write_files(root / name, cast(dict[str, str], members))  # a folder's files: text
    return by_id(discover(root, tmp_path / "work", EXERCISES, limits))


# -- layouts -------------------------------------------------------------------------------------


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    """cohort/melange (folders, Moodle, what is ignored) plus the zips: carol.zip (files at the
    top), dan.zip (one folder down), a Moodle folder holding rendu.zip, and a __pycache__."""
    root = tmp_path / "rendus"
    shutil.copytree(COHORT / "melange", root)
    write_zip(root / "carol.zip", {EX01: "# carol 1\n", EX02: "# carol 2\n"})
    write_zip(root / "dan.zip", {f"dan/{EX03}": "# dan 3\n", "dan/notes.md": "notes\n",
                                 f"__MACOSX/dan/._{EX03}": "macOS\n"})
    write_zip(root / "Zoé Roux_1045_assignsubmission_file" / "rendu.zip",
              {f"TP/{EX01}": "# zoé 1\n"})
    write_files(root / "__pycache__", {"x.cpython-311.pyc": "compiled\n"})
    return root


def test_the_three_layouts_mixed_in_one_folder(cohort, tmp_path):
    found = discover(cohort, tmp_path / "work", EXERCISES)
    submissions = by_id(found)
    assert [submission.id for submission in found] == sorted(submissions, key=str.casefold)
    assert set(submissions) == {"alice", "bob", "carol", "dan", "elodie-dupont_1042",
                                "marc-martin_1043", "paul-durand_1044", "vide", "zoe-roux_1045"}
    gradable = {key: submission for key, submission in submissions.items() if not submission.problem}
    assert all(submission.folder == tmp_path / "work" / key for key, submission in gradable.items())
    assert files_in(submissions["alice"]) == [EX01, EX03]  # the README is not copied
    assert files_in(submissions["carol"]) == [EX01, EX02]
    assert (submissions["carol"].folder / EX02).read_text() == "# carol 2\n"
    assert submissions["alice"].notes == submissions["carol"].notes == ()
    assert submissions["alice"].source == cohort / "alice"
    assert submissions["carol"].source == cohort / "carol.zip"


def test_files_one_folder_down_in_a_folder_or_a_zip(cohort, tmp_path):
    submissions = by_id(discover(cohort, tmp_path / "work", EXERCISES))
    assert files_in(submissions["bob"]) == [EX01]
    assert submissions["bob"].notes == ("un_niveau_plus_bas",)
    assert submissions["bob"].facts["dossier"] == "tp-multiprocessing/"
    assert files_in(submissions["dan"]) == [EX03]
    assert submissions["dan"].facts["dossier"] == "dan/"


def test_a_moodle_export_gives_readable_ids_and_the_participants_names(cohort, tmp_path):
    submissions = by_id(discover(cohort, tmp_path / "work", EXERCISES))
    elodie = submissions["elodie-dupont_1042"]
    assert elodie.name == "Élodie Dupont" and files_in(elodie) == [EX01]
    marc = submissions["marc-martin_1043"]  # Moodle 3 ("…_file_"): his online text is skipped
    assert marc.name == "Marc Martin" and files_in(marc) == [EX02]
    assert marc.source.name == "Marc Martin_1043_assignsubmission_file_"
    zoe = submissions["zoe-roux_1045"]  # an uploaded zip, the files one folder down inside it
    assert files_in(zoe) == [EX01] and zoe.notes == ("archive_interne", "un_niveau_plus_bas")
    assert zoe.facts["archive"] == "rendu.zip" and zoe.facts["dossier"] == "TP/"
    paul = submissions["paul-durand_1044"]  # an online text only: a row saying so
    assert paul.problem == "aucun_exercice" and paul.folder is None
    assert paul.facts["trouves"] == "onlinetext.html"


def test_flat_moodle_files_are_gathered_by_participant(tmp_path):
    root = write_files(tmp_path / "rendus", {
        f"Léa Petit_1050_assignsubmission_file_{EX01}": "# léa 1\n",
        f"Léa Petit_1050_assignsubmission_file_{EX02}": "# léa 2\n",
        "Léa Petit_1050_assignsubmission_onlinetext_onlinetext.html": "<p>texte</p>\n",
        "Participant_1051_assignsubmission_onlinetext_onlinetext.html": "<p>anonyme</p>\n"})
    submissions = by_id(discover(root, tmp_path / "work", EXERCISES))
    assert set(submissions) == {"lea-petit_1050", "participant_1051"}
    assert files_in(submissions["lea-petit_1050"]) == [EX01, EX02]
    assert submissions["lea-petit_1050"].name == "Léa Petit"
    assert submissions["participant_1051"].problem == "aucun_exercice"


def test_what_is_no_submission_is_ignored_and_a_stray_file_is_a_row(tmp_path):
    root = write_files(tmp_path / "rendus", {
        f".cache/{EX01}": "x", f"__MACOSX/{EX01}": "x", f"__pycache__/{EX01}": "x",
        f"alice/{EX01}": "x", "notes.txt": "notes\n", "notes.csv": "a;b\n", ".DS_Store": "x",
        EX02: "# posé là\n", "rendu.rar": "Rar!"})
    submissions = by_id(discover(root, tmp_path / "work", EXERCISES))
    assert set(submissions) == {"alice", "ex02_main_guard", "rendu"}
    assert submissions["ex02_main_guard"].problem == "fichier_isole"
    assert submissions["ex02_main_guard"].facts == {"fichier": EX02}
    assert submissions["rendu"].problem == "format_non_lu"


def test_the_work_folder_inside_the_submissions_is_skipped_and_overlaps_refused(tmp_path):
    root = write_files(tmp_path / "rendus", {f"alice/{EX01}": "x"})
    assert set(by_id(discover(root, root / "travail", EXERCISES))) == {"alice"}
    assert set(by_id(discover(root, root / "travail", EXERCISES))) == {"alice"}  # again
    other = write_files(tmp_path / "autres", {f"bob/{EX01}": "x"})  # --out inside SUBMISSIONS:
    assert set(by_id(discover(other, other / "sortie" / ".work", EXERCISES))) == {"bob"}
    for work in (root, tmp_path):
        with pytest.raises(ValueError, match="work folder"):
            discover(root, work, EXERCISES)


# -- corrupt archives ----------------------------------------------------------------------------


def truncated_zip(path: Path) -> Path:
    """A real zip cut in the middle of its data (an interrupted upload)."""
    write_zip(path, {EX01: os.urandom(4000)})
    path.write_bytes(path.read_bytes()[:2000])
    return path


def test_a_corrupt_truncated_or_empty_zip_is_unreadable_not_an_exception(tmp_path):
    root = tmp_path / "rendus"
    root.mkdir()
    shutil.copy(COHORT / "corrompue.zip", root / "corrompue.zip")
    truncated_zip(root / "tronquee.zip")
    (root / "vide.zip").write_bytes(b"")
    submissions = by_id(discover(root, tmp_path / "work", EXERCISES))
    assert set(submissions) == {"corrompue", "tronquee", "vide"}
    for key, submission in submissions.items():
        assert submission.problem == "archive_illisible", key
        assert submission.folder is None and submission.facts["fichier"] == f"{key}.zip"
        assert submission.facts["erreur"]
    assert not list((tmp_path / "work").rglob("*.py"))


def test_a_member_whose_data_is_corrupt_is_unreadable(tmp_path):
    path = write_zip(tmp_path / "rendus" / "abimee.zip", {EX01: "x = 1\n" * 2000})
    data = bytearray(path.read_bytes())
    data[60:90] = bytes(30)  # inside the compressed data: the CRC cannot match
    path.write_bytes(bytes(data))
    submission = discover(tmp_path / "rendus", tmp_path / "work", EXERCISES)[0]
    assert submission.problem == "archive_illisible"
    assert not (tmp_path / "work" / "abimee" / EX01).exists()


def password_flag_zip(path: Path) -> Path:
    """An exercise file flagged as encrypted (zipfile cannot write encryption: the flag is set in
    both headers afterwards); reading it, zipfile asks for a password."""
    write_zip(path, {EX01: "x = 1\n"})
    data = bytearray(path.read_bytes())
    data[6] |= 0x1  # the local header's flags
    data[data.find(b"PK\x01\x02") + 8] |= 0x1  # the central directory's
    path.write_bytes(bytes(data))
    return path


def test_a_password_protected_member_is_said_so(tmp_path):
    path = password_flag_zip(tmp_path / "rendus" / "secret.zip")
    submission = discover(path.parent, tmp_path / "work", EXERCISES)[0]
    assert submission.problem == "archive_chiffree" and submission.folder is None


def test_the_moodle_download_itself_is_asked_to_be_extracted(tmp_path):
    submissions = take_in(tmp_path, {"cours-TP-42.zip": {
        f"Élodie Dupont_1042_assignsubmission_file/{EX01}": "x",
        f"Marc Martin_1043_assignsubmission_file/{EX01}": "y"}})
    assert submissions["cours-TP-42"].problem == "export_moodle_a_extraire"


# -- paths leading out, links, special files -----------------------------------------------------


def traversal_zip(path: Path, absolute_target: str) -> Path:
    """Members that would be written outside the extraction folder by a naive extractor, one of them
    named like an exercise file, beside one honest exercise file."""
    return write_zip(path, {"../evil.py": "owned = True\n", "../../evil.py": "owned = True\n",
                            "..\\evil.py": "owned = True\n", "sub/../../evil.py": "owned = True\n",
                            absolute_target: "owned = True\n", "/tmp/evil.py": "owned = True\n",
                            "C:\\evil.py": "owned = True\n", "C:/Windows/evil.py": "owned = True\n",
                            f"../{EX01}": "owned = True\n", EX02: "# honnête\n"})


def test_members_leading_out_of_the_folder_are_never_extracted(tmp_path):
    absolute_target = f"/tmp/mpgrade-evil-{uuid.uuid4().hex}.py"
    tmp_evil_before = Path("/tmp/evil.py").exists()
    root = tmp_path / "rendus"
    traversal_zip(root / "chemins.zip", absolute_target)
    submission = discover(root, tmp_path / "work", EXERCISES)[0]
    assert submission.problem is None and files_in(submission) == [EX02]  # not ../ex01…
    assert submission.notes == ("membres_ignores",)
    assert "../evil.py" in submission.facts["ignores"] and "C:/evil.py" in submission.facts["ignores"]
    assert not Path(absolute_target).exists()
    assert Path("/tmp/evil.py").exists() == tmp_evil_before
    assert not [path for path in tmp_path.rglob("*evil*")]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["rendus", "work"]


def test_a_zip_of_dangerous_members_only_has_no_exercise_and_says_why(tmp_path):
    root = tmp_path / "rendus"
    write_zip(root / "piege.zip", {f"../{EX01}": "x", f"/tmp/{EX02}": "y"})
    submission = discover(root, tmp_path / "work", EXERCISES)[0]
    assert submission.problem == "aucun_exercice" and submission.notes == ("membres_ignores",)
    assert f"../{EX01}" in submission.facts["ignores"]


def test_a_link_stored_in_a_zip_is_not_extracted(tmp_path):
    path = tmp_path / "rendus" / "lien.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as archive:
        link = zipfile.ZipInfo(EX01)
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr(EX02, "# honnête\n")
    submission = discover(path.parent, tmp_path / "work", EXERCISES)[0]
    assert files_in(submission) == [EX02] and submission.facts["ignores"] == EX01


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and links are POSIX")
def test_links_and_fifos_in_a_folder_are_never_opened(tmp_path):
    secret = write_files(tmp_path / "ailleurs", {"secret.txt": "mot de passe\n"}) / "secret.txt"
    folder = write_files(tmp_path / "rendus" / "alice", {EX03: "# alice 3\n"})
    (folder / EX01).symlink_to(secret)
    os.mkfifo(folder / EX02)  # opening it would wait for a writer forever

    def hung(signum, frame):
        raise AssertionError("the intake opened the FIFO and waited for a writer")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        submission = discover(tmp_path / "rendus", tmp_path / "work", EXERCISES)[0]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert files_in(submission) == [EX03]
    assert submission.notes == ("membres_ignores",)
    assert submission.facts["ignores"] == f"{EX01}, {EX02}"


# -- sizes ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb_zip(tmp_path_factory) -> Path:
    """bombe.zip: 100 MB of zeros, ~100 KB compressed, named like an exercise file."""
    path = tmp_path_factory.mktemp("bombe") / "bombe.zip"
    zeros = bytes(MB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open(EX01, "w", force_zip64=True) as member:
        for _ in range(100):
            member.write(zeros)
    return path


@pytest.fixture
def written_sizes(monkeypatch) -> list[int]:
    """The size of each exercise file the intake removes after a failure: what it had written."""
    sizes = []
    clear = intake._clear

    def measuring(destination, exercise_files, keep_folder=False):
        sizes.extend(path.stat().st_size for path in destination.glob("*") if path.is_file())
        clear(destination, exercise_files, keep_folder)

    monkeypatch.setattr(intake, "_clear", measuring)
    return sizes


def test_a_zip_bomb_is_stopped_at_the_member_limit(tmp_path, bomb_zip, written_sizes):
    root = tmp_path / "rendus"
    root.mkdir()
    shutil.copy(bomb_zip, root / "bombe.zip")
    submission = discover(root, tmp_path / "work", EXERCISES)[0]
    assert submission.problem == "archive_trop_grosse" and submission.folder is None
    assert submission.facts == {"fichier": "bombe.zip", "membre": EX01, "limite_mo": "5"}
    assert max(written_sizes) <= 5 * MB  # written while streaming, stopped before the limit
    assert not list((tmp_path / "work").rglob("*.py"))


def test_the_total_limit_counts_every_extracted_file(tmp_path, written_sizes):
    limits = IntakeLimits(max_member_mb=1, max_total_mb=2)
    submissions = take_in(tmp_path, {"gros.zip": {name: bytes(800_000) for name in EXERCISES[:3]},
                                     "juste.zip": {name: bytes(800_000) for name in EXERCISES[:2]}},
                          limits)
    assert submissions["gros"].problem == "archive_trop_grosse"
    assert submissions["gros"].facts["limite_mo"] == "2"
    assert submissions["gros"].facts["membre"] == EXERCISES[2]
    assert sum(written_sizes) <= 2 * MB
    assert submissions["juste"].problem is None  # 1.6 MB: under both limits


def lying_header_zip(path: Path, real_size: int, claimed_size: int) -> Path:
    """A member whose headers claim ``claimed_size`` bytes while its data inflates to more."""
    write_zip(path, {EX01: bytes(real_size)})
    data = bytearray(path.read_bytes())
    struct.pack_into("<L", data, 22, claimed_size)  # the local header's uncompressed size
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 24, claimed_size)  # the central directory's
    path.write_bytes(bytes(data))
    return path


def test_sizes_claimed_by_headers_are_not_trusted(tmp_path, written_sizes):
    lying_header_zip(tmp_path / "rendus" / "menteuse.zip", real_size=3 * MB, claimed_size=10)
    limits = IntakeLimits(max_member_mb=1)
    submission = discover(tmp_path / "rendus", tmp_path / "work", EXERCISES, limits)[0]
    assert submission.problem == "archive_illisible"  # the data does not match its header
    assert max(written_sizes, default=0) <= MB


def test_a_huge_exercise_file_in_a_folder_is_not_copied(tmp_path, written_sizes):
    limits = IntakeLimits(max_member_mb=1)
    submissions = take_in(tmp_path, {"alice": {EX01: "x" * (2 * MB)}}, limits)
    assert submissions["alice"].problem == "fichiers_trop_gros"
    assert submissions["alice"].facts["limite_mo"] == "1"
    assert max(written_sizes) <= MB


def test_too_many_entries_are_refused_before_the_directory_is_parsed(tmp_path, monkeypatch):
    root = tmp_path / "rendus"
    write_zip(root / "foule.zip", {EX01: "x", **{f"f{i}.txt": "" for i in range(250)}})
    assert discover(root, tmp_path / "w1", EXERCISES)[0].problem == "archive_trop_de_membres"

    def refuse(*args, **kwargs):
        raise AssertionError("zipfile parsed the directory")

    monkeypatch.setattr(intake.zipfile, "ZipFile", refuse)
    submission = discover(root, tmp_path / "w2", EXERCISES)[0]
    assert submission.problem == "archive_trop_de_membres" and submission.facts["limite"] == 200
    assert discover(root, tmp_path / "w3", EXERCISES, IntakeLimits(max_members=300))[0].problem \
        == "archive_illisible"  # allowed by the count: zipfile (here refusing) is reached


def zip64_end_records(path: Path, claimed_entries: int) -> Path:
    """Give the archive zip64 end records (the true count) and a classic end record that claims
    ``claimed_entries``: zipfile believes the zip64 one, so must the count read beforehand."""
    data = path.read_bytes()
    assert data[-22:-18] == b"PK\x05\x06"  # no comment: the end record is the last 22 bytes
    _, _, _, _, entries, size, offset, _ = struct.unpack("<4s4H2LH", data[-22:])
    record_at = len(data) - 22
    zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size,
                        offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, record_at, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, claimed_entries, claimed_entries, size,
                      offset, 0)
    path.write_bytes(data[:record_at] + zip64 + locator + end)
    return path


def test_a_zip64_end_record_is_not_hidden_by_a_classic_one(tmp_path, monkeypatch):
    root = tmp_path / "rendus"
    write_zip(root / "foule64.zip", {EX01: "x", **{f"f{i}.txt": "" for i in range(250)}})
    zip64_end_records(root / "foule64.zip", claimed_entries=3)
    with zipfile.ZipFile(root / "foule64.zip") as archive:  # a valid archive of 251 entries
        assert len(archive.infolist()) == 251
    assert files_in(discover(root, tmp_path / "w1", EXERCISES, IntakeLimits(max_members=300))[0]) \
        == [EX01]
    monkeypatch.setattr(intake.zipfile, "ZipFile", None)  # the count must come before zipfile
    assert discover(root, tmp_path / "w2", EXERCISES)[0].problem == "archive_trop_de_membres"


# -- what is inside ------------------------------------------------------------------------------


def test_no_exercise_file_lists_what_was_there_shortened(tmp_path):
    submissions = take_in(tmp_path, {"rien": {f"notes{i:02}.txt": "" for i in range(12)}})
    submission = submissions["rien"]
    assert submission.problem == "aucun_exercice" and submission.folder is None
    assert submission.facts["exemple"] == EX01 and submission.facts["fichier"] == "rien"
    assert submission.facts["trouves"].startswith("notes00.txt, notes01.txt")
    assert submission.facts["trouves"].endswith("… (+4)")
    assert take_in(tmp_path, {"vide.zip": {}})["vide"].facts["trouves"] == "—"


def test_an_exercise_in_two_folders_is_ambiguous_and_folders_without_clash_merge(tmp_path):
    submissions = take_in(tmp_path, {
        "double.zip": {f"v1/{EX01}": "1", f"v2/{EX01}": "2", f"v2/{EX02}": "2"},
        "parties.zip": {f"partie1/{EX01}": "1", f"partie2/{EX02}": "2"},
        "haut": {EX01: "top", f"ancien/{EX02}": "old"}})
    assert submissions["double"].problem == "exercice_en_double"
    assert submissions["double"].facts["exercice"] == EX01
    assert submissions["double"].facts["dossiers"] == "v1/, v2/"
    assert files_in(submissions["parties"]) == [EX01, EX02]
    assert submissions["parties"].facts["dossier"] == "partie1/, partie2/"
    assert files_in(submissions["haut"]) == [EX01]  # the top wins: the old copy is not mixed in


# -- names and encodings -------------------------------------------------------------------------


NFD_E = "E\u0301"  # É as macOS writes it: E and a combining accent


def test_nfd_names_are_normalised_to_nfc(tmp_path):
    nfd_exercise = unicodedata.normalize("NFD", "exercice_é.py")
    root = write_files(tmp_path / "rendus", {
        f"{NFD_E}lodie/{nfd_exercise}": "# dossier\n",
        f"{NFD_E}mile Dupont_1060_assignsubmission_file/{EX01}": "# moodle\n"})
    write_zip(root / "lea.zip", {nfd_exercise: "# zip\n"})
    submissions = by_id(discover(root, tmp_path / "work", ["exercice_é.py", EX01]))
    assert submissions["Elodie"].name == "Élodie"
    assert files_in(submissions["Elodie"]) == ["exercice_é.py"]  # an NFC name, found from NFD
    assert files_in(submissions["lea"]) == ["exercice_é.py"]
    assert submissions["emile-dupont_1060"].name == "Émile Dupont"
    nfd_list = by_id(discover(root, tmp_path / "work2", [nfd_exercise, EX01]))
    assert files_in(nfd_list["lea"]) == ["exercice_é.py"]


@pytest.mark.parametrize("encoding", ["utf-8 flagged", "utf-8 unflagged", "cp437"])
def test_zip_member_names_in_any_encoding_read_right(tmp_path, encoding):
    name = f"Élodie/{EX01}"
    path = tmp_path / "rendus" / "noms.zip"
    path.parent.mkdir()
    if encoding == "utf-8 flagged":
        write_zip(path, {name: "x"})
    else:
        zip_with_raw_names(path, {name.encode(encoding.split()[0]): "x"})
    submission = discover(path.parent, tmp_path / "work", EXERCISES)[0]
    assert files_in(submission) == [EX01]
    assert submission.facts["dossier"] == "Élodie/"


def test_a_folder_named_in_latin_1_reads_as_its_letters(tmp_path):
    root = tmp_path / "rendus"
    folder = root / os.fsdecode(b"\xc9lodie")  # "Élodie" from an old zip, extracted on Linux
    write_files(folder, {EX01: "x"})
    submission = discover(root, tmp_path / "work", EXERCISES)[0]
    assert (submission.id, submission.name) == ("Elodie", "Élodie")


def test_ids_are_safe_folder_names_everywhere(tmp_path):
    names = ["CON", "aux.d", "a b:c?d*e", "王伟", "x" * 100, " -bords. ", "Émile Zola", "Œdipe"]
    submissions = take_in(tmp_path, {name: {EX01: "x"} for name in names})
    ids = sorted(submissions)
    assert len(ids) == len(names) and len({key.casefold() for key in ids}) == len(ids)
    for key in ids:
        assert SAFE_ID.fullmatch(key) and len(key) <= 64, key
        assert key.split(".")[0].upper() not in WINDOWS_DEVICES, key
        assert not key.endswith((".", " ")), key
    assert {"_CON", "_aux.d", "a-b-c-d-e", "bords", "Emile-Zola", "OEdipe", "x" * 64} <= set(ids)
    chinese = next(key for key in ids if submissions[key].name == "王伟")
    assert chinese.startswith("etudiant-")


# -- duplicates ----------------------------------------------------------------------------------


def test_a_folder_and_a_zip_of_one_student_are_both_kept(tmp_path):
    entries = {"alice": {EX01: "# dossier\n"}, "alice.zip": {EX01: "# zip\n"},
               "alice-2": {EX02: "une autre Alice\n"}}
    submissions = take_in(tmp_path, entries)
    assert set(submissions) == {"alice", "alice-2", "alice-3"}
    assert submissions["alice"].source.name == "alice"  # the folder first, then the zip
    assert submissions["alice-3"].source.name == "alice.zip"
    assert (submissions["alice-3"].folder / EX01).read_text() == "# zip\n"
    assert submissions["alice"].facts["autres"] == "alice.zip"
    assert submissions["alice-3"].facts["autres"] == "alice"
    assert submissions["alice"].notes == submissions["alice-3"].notes == ("doublon",)
    assert submissions["alice-2"].notes == ()  # another student, who owns that id
    again = take_in(tmp_path / "encore", entries)  # the same order, run after run
    assert {key: s.source.name for key, s in again.items()} == \
        {key: s.source.name for key, s in submissions.items()}


def test_names_differing_only_by_case_get_ids_differing_by_more(tmp_path):
    submissions = take_in(tmp_path, {"Alice": {EX01: "A"}, "alice": {EX01: "a"}})
    assert set(submissions) == {"Alice", "alice-2"}
    assert all(submission.notes == ("doublon",) for submission in submissions.values())


def test_a_student_named_like_a_folder_of_the_output_gets_another_id(tmp_path):
    submissions = take_in(tmp_path, {"Autograder": {EX01: "un élève"}})
    assert set(submissions) == {"Autograder-2"}
    assert submissions["Autograder-2"].notes == ()  # not a duplicate of anyone


def test_a_moodle_participant_twice_is_kept_twice(tmp_path):
    submissions = take_in(tmp_path, {
        "Élodie Dupont_1042_assignsubmission_file": {EX01: "v2"},
        "Elodie Dupont_1042_assignsubmission_file_": {EX01: "v1"}})
    assert set(submissions) == {"elodie-dupont_1042", "elodie-dupont_1042-2"}
    first, second = submissions["elodie-dupont_1042"], submissions["elodie-dupont_1042-2"]
    assert first.facts["autres"] == second.source.name
    assert second.facts["autres"] == first.source.name


# -- where it writes -----------------------------------------------------------------------------


def test_nothing_is_written_outside_work_and_the_submissions_are_untouched(cohort, tmp_path,
                                                                           bomb_zip):
    traversal_zip(cohort / "chemins.zip", f"/tmp/mpgrade-evil-{uuid.uuid4().hex}.py")
    shutil.copy(bomb_zip, cohort / "bombe.zip")
    truncated_zip(cohort / "tronquee.zip")
    before = tree(tmp_path)
    discover(cohort, tmp_path / "work", EXERCISES)
    after = tree(tmp_path)
    assert {path: digest for path, digest in after.items() if not path.startswith("work/")} \
        == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["rendus", "work"]


def test_a_second_run_leaves_no_stale_file(tmp_path):
    root = tmp_path / "rendus"
    write_zip(root / "alice.zip", {EX01: "1", EX02: "2"})
    write_zip(root / "bob.zip", {EX01: "1"})
    discover(root, tmp_path / "work", EXERCISES)
    write_zip(root / "alice.zip", {EX01: "1 bis"})
    (root / "bob.zip").write_bytes(b"abime")
    submissions = by_id(discover(root, tmp_path / "work", EXERCISES))
    assert files_in(submissions["alice"]) == [EX01]
    assert (submissions["alice"].folder / EX01).read_text() == "1 bis"
    assert submissions["bob"].problem == "archive_illisible"
    assert not (tmp_path / "work" / "bob").exists()


# -- content hash --------------------------------------------------------------------------------


def test_the_content_hash_is_the_same_for_a_folder_and_a_zip_of_the_same_files(tmp_path):
    files = {EX01: "def f():\n    return 1\n", EX03: "DUREE = 0.1\n"}
    submissions = take_in(tmp_path, {
        "dossier": {**files, "README.md": "pas corrigé"},
        "archive.zip": {f"tp/{name}": text for name, text in files.items()},
        "modifie.zip": {**files, EX03: "DUREE = 0.2\n"}})

    def digest(key):
        return content_hash(submissions[key], EXERCISES)

    assert re.fullmatch(r"[0-9a-f]{64}", digest("dossier"))
    assert digest("dossier") == digest("archive")
    assert digest("modifie") != digest("dossier")  # one byte changed


def test_the_content_hash_of_an_unusable_submission_follows_its_bytes(tmp_path):
    root = tmp_path / "rendus"
    root.mkdir()
    for name, content in {"a.zip": b"pas un zip", "b.zip": b"pas un zip", "c.zip": b"pas un zip!"
                          }.items():
        (root / name).write_bytes(content)
    submissions = by_id(discover(root, tmp_path / "work", EXERCISES))
    digests = {key: content_hash(submission, EXERCISES) for key, submission in submissions.items()}
    assert digests["a"] == digests["b"] != digests["c"]
    folder = take_in(tmp_path / "autre", {"vide": {"lisezmoi.txt": "rien"}})["vide"]
    before = content_hash(folder, EXERCISES)
    (folder.source / "lisezmoi.txt").write_text("rien!")
    assert content_hash(folder, EXERCISES) != before != digests["a"]


# -- texts ---------------------------------------------------------------------------------------


def test_every_problem_and_note_has_its_text_in_both_catalogues():
    for language in ("fr", "en"):
        section = catalogue.load(language).texts["intake"]
        assert set(section["problems"]) == set(intake.PROBLEMS), language
        assert set(section["notes"]) == set(intake.NOTES), language


def test_the_facts_fill_every_text_they_are_shown_with(cohort, tmp_path, bomb_zip):
    """A cohort with every kind of bad input at once: no exception, and each problem and note met
    has every fact its text asks for, in both languages."""
    shutil.copy(bomb_zip, cohort / "bombe.zip")
    truncated_zip(cohort / "tronquee.zip")
    traversal_zip(cohort / "chemins.zip", f"/tmp/mpgrade-evil-{uuid.uuid4().hex}.py")
    password_flag_zip(cohort / "secret.zip")
    write_zip(cohort / "double.zip", {f"v1/{EX01}": "1", f"v2/{EX01}": "2"})
    write_zip(cohort / "foule.zip", {f"f{i}.txt": "" for i in range(250)})
    write_zip(cohort / "export.zip", {f"Élodie Dupont_1042_assignsubmission_file/{EX01}": "x"})
    write_zip(cohort / "alice.zip", {EX01: "x"})
    write_files(cohort, {"seul.py": "x", "rendu.7z": "7z", f"gros/{EX01}": "x" * (MB + 1)})
    submissions = discover(cohort, tmp_path / "work", EXERCISES, IntakeLimits(max_member_mb=1))
    met = {submission.problem for submission in submissions} | {
        note for submission in submissions for note in submission.notes}
    assert met == {None, *intake.PROBLEMS, *intake.NOTES} - {"dossier_illisible"}
    for language in ("fr", "en"):
        section = catalogue.load(language).texts["intake"]
        for submission in submissions:
            keys = [("problems", submission.problem)] if submission.problem else []
            for kind, key in keys + [("notes", note) for note in submission.notes]:
                fields = {name for _, name, _, _ in string.Formatter().parse(section[kind][key])
                          if name}
                assert fields <= set(submission.facts), (language, submission.id, key)
        bomb = next(submission for submission in submissions if submission.id == "bombe")
        shown = catalogue.load(language).text(f"intake.problems.{bomb.problem}", **bomb.facts)
        assert shown == section["problems"]["archive_trop_grosse"].format(
            fichier="bombe.zip", membre=EX01, limite_mo="1")


def test_a_folder_that_cannot_be_read_is_a_row(tmp_path, monkeypatch):
    root = write_files(tmp_path / "rendus", {f"alice/{EX01}": "x", f"bob/{EX01}": "x"})
    entries = intake._entries

    def refusing(folder):
        if folder.name == "alice":
            raise PermissionError(13, "Permission denied", str(folder))
        return entries(folder)

    monkeypatch.setattr(intake, "_entries", refusing)  # root reads everything: no chmod test
    submissions = by_id(discover(root, tmp_path / "work", EXERCISES))
    assert submissions["alice"].problem == "dossier_illisible"
    assert "PermissionError" in submissions["alice"].facts["erreur"]
    assert submissions["bob"].problem is None
