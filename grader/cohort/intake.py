"""Intake: a folder of submissions becomes the list of submissions to grade, read safely.

``discover(SUBMISSIONS, work, exercise_files)`` looks at each entry at the top of SUBMISSIONS on its
own, so one folder may mix the three layouts:

1. **A folder per student** (``alice/``): the exercise files at its top or, when none is there, one
   folder down (``alice/tp/ex01_process.py``: students zip a folder; several such folders are
   merged unless one exercise is in two of them). Id: the folder's name, made safe (below).
2. **A zip per student** (``alice.zip``): the same, inside the archive. Id: the zip's stem.
3. **A Moodle export** (« Télécharger tous les travaux remis », extracted): a folder per participant
   and plugin, ``Prénom Nom_12345_assignsubmission_file`` (Moodle 4; ``…_file_`` before), holding
   the uploaded files or a zip. With « dans des dossiers » unticked, Moodle prefixes each file
   instead (``Prénom Nom_12345_assignsubmission_file_ex01_process.py``): those are gathered by
   participant. Id: ``prenom-nom_12345`` — readable in a folder listing and in the gradebook,
   unique and stable thanks to the participant number (two students may share a name, a name may
   change), and the number is how the teacher finds the student in Moodle. Name: ``Prénom Nom``.
   The other plugins (``…_onlinetext``, feedback) hold no exercise file: they are skipped, except
   for a participant who has nothing else, who gets a row saying no exercise file came. The
   downloaded zip itself, not extracted, is a row asking for it to be extracted.

Ids are safe as folder names on Linux, macOS and Windows: ASCII letters, digits, ``.``, ``_``,
``-`` (accents dropped, ``Élodie`` → ``Elodie``, so the NFC/NFD difference of macOS disks cannot
split one id in two), no Windows device name (``CON`` → ``_CON``), names cut at 64 characters, and
unique regardless of case (a case-insensitive disk cannot hold both ``Alice`` and ``alice``). A
name that leaves nothing (``王伟``) gets ``etudiant-`` and a short hash of itself. ``name`` is the
folder or zip name as the teacher sees it (NFC), or Moodle's ``Prénom Nom``.

What is read, what is written:
- Ignored everywhere: hidden entries, ``__MACOSX``, ``__pycache__``, ``.DS_Store``, ``Thumbs.db``,
  ``desktop.ini``; at the top, plain files that are no submission (``notes.txt``, a gradebook) and
  the entry holding ``work`` when it is there (an ``--out`` inside SUBMISSIONS). A ``.py`` alone at
  the top, or an archive that is not a zip, is surely a student's: it becomes a row with a problem
  rather than vanishing.
- Only the exercise files are read (matched by exact name after NFC normalisation) and copied, from
  a folder as from a zip, to ``work/<id>/``, which ``discover`` owns (it writes and removes only
  the exercise files there). So what is graded is what ``content_hash`` hashed, whatever the
  layout; nothing else of the student's is extracted; and nothing the student controls is
  followed: a symbolic link, a FIFO or a device inside a submission is skipped (the top of
  SUBMISSIONS is the teacher's: links there are followed).
- A folder with no exercise file but a single zip at its top (a Moodle upload, typically) is read
  through that zip; zips inside zips are not opened.
- Zip member names: UTF-8 when flagged so; otherwise the bytes are tried as UTF-8 (what most zip
  tools write without saying) before cp437 (the format's default); ``\\`` is a separator; all NFC.

Bad input is a ``Submission`` with ``problem`` set, a key of ``intake.problems`` in the catalogues
(``grader/locales``), its ``facts`` filling the text — never an exception, never a file written
outside ``work``. Members with an absolute path, a drive letter, ``..`` or a link are never
extracted (note ``membres_ignores``). Extraction counts the bytes actually decompressed while
streaming, never the sizes an archive header claims, and stops at ``IntakeLimits``. The number of
entries is read from the archive's end record before ``zipfile`` parses its directory, so a
million-entry archive costs nothing either. Duplicates (``alice/`` and ``alice.zip``, a Moodle
participant twice) are all kept, with ids ``alice``, ``alice-2``… in a fixed order (by id, then
source name), each noted ``doublon`` with the others' sources: nothing is lost.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Catalogue keys under intake.problems and intake.notes (tests compare them with the catalogues).
PROBLEMS = ("archive_illisible", "archive_chiffree", "archive_trop_grosse",
            "archive_trop_de_membres", "export_moodle_a_extraire", "fichiers_trop_gros",
            "dossier_illisible", "aucun_exercice", "exercice_en_double", "fichier_isole",
            "format_non_lu")
NOTES = ("doublon", "un_niveau_plus_bas", "archive_interne", "membres_ignores")

MB = 1024 * 1024
CHUNK = 64 * 1024
MAX_ID_LENGTH = 64
RESERVED_IDS = frozenset({"autograder"})  # a cohort's gradescope/ holds its bundle beside students
SHOWN = 8  # names listed in a fact before "… (+N)"
SHOWN_NAME_LENGTH = 60
IGNORED_NAMES = frozenset({"__MACOSX", "__pycache__", ".DS_Store", "Thumbs.db", "desktop.ini"})
OTHER_ARCHIVES = (".rar", ".7z", ".tar", ".tgz", ".gz", ".bz2", ".xz")
MOODLE_FILE_PLUGIN = "assignsubmission_file"
# Moodle names a participant's entries "<full name>_<number>_<plugin>" (a folder; "_" at the end
# before Moodle 4) or "<full name>_<number>_<plugin>_<file>" (flat); it turns "_" in names into
# spaces, so the first "_<digits>_assign" ends the name. Team submissions may have no number.
MOODLE_NAME = re.compile(r"(?P<name>.+?)(?:_(?P<number>\d+))?"
                         r"_(?P<plugin>assign(?:submission|feedback)_[a-z0-9]+)(?:_(?P<rest>.*))?",
                         re.DOTALL)
WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                             *(f"LPT{i}" for i in range(1, 10))})
# Letters that NFKD does not split into a base letter and an accent.
TRANSLITERATION = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o",
                                 "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th"})
DRIVE = re.compile(r"[A-Za-z]:")
UTF8_NAMES_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
# The end records of a zip, as zipfile reads them before parsing the central directory.
END_RECORD = struct.Struct("<4s4H2LH")
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
LONGEST_COMMENT = 0xFFFF
# A central directory entry is 46 bytes plus its name and extra fields: an honest one is ~150.
DIRECTORY_BYTES_PER_MEMBER = 1024


@dataclass(frozen=True)
class IntakeLimits:
    """What one submission may extract (``intake:`` in ``course.yaml``)."""

    max_member_mb: float = 5  # one extracted file
    max_total_mb: float = 20  # one submission, all extracted bytes
    max_members: int = 200  # entries in one zip


@dataclass(frozen=True)
class Submission:
    id: str  # unique in the cohort, safe as a folder name on Linux/macOS/Windows, shown in the gradebook
    name: str  # display name (Moodle: "Prénom Nom"; otherwise the folder or zip name, NFC)
    source: Path  # the folder or .zip as found in SUBMISSIONS (flat Moodle files: the first one)
    folder: Path | None  # work/<id>, holding the exercise files; None when unusable
    problem: str | None  # key under intake.problems when unusable, else None
    facts: dict  # facts filling the problem's text and the notes' texts
    notes: tuple[str, ...] = ()  # keys under intake.notes: gradable but worth a look


def discover(root: Path, work: Path, exercise_files: Sequence[str],
             limits: IntakeLimits = IntakeLimits()) -> list[Submission]:
    """Every submission found in ``root`` (sorted by id), extracted under ``work`` when zipped.

    Raises ``OSError`` only when ``root`` itself cannot be listed, and ``ValueError`` when ``work``
    is ``root`` or holds it, or ``exercise_files`` is empty: mistakes of the caller, never of a
    student.
    """
    root, work = Path(root), Path(work)
    if not exercise_files:
        raise ValueError("no exercise file to look for")
    _check_places(root, work)
    work.mkdir(parents=True, exist_ok=True)
    wanted = [unicodedata.normalize("NFC", name) for name in exercise_files]
    candidates = _candidates(root, work)
    ids = _unique_ids(candidates)
    twins = _twins(candidates)
    submissions = [_take_in(candidate, ids[index], twins[index], work / ids[index], wanted, limits)
                   for index, candidate in enumerate(candidates)]
    return sorted(submissions, key=lambda submission: (submission.id.casefold(), submission.id))


def content_hash(submission: Submission, exercise_files: Sequence[str]) -> str:
    """sha256 over the exercise files that will be graded (names + bytes, sorted), the same whatever
    the layout (zip or folder); for an unusable submission, a hash of its problem and source bytes."""
    digest = hashlib.sha256()
    if submission.folder is not None and submission.problem is None:
        digest.update(b"exercises\0")
        for name in sorted({unicodedata.normalize("NFC", name) for name in exercise_files}):
            if (submission.folder / name).is_file():
                _hash_file(digest, name, submission.folder / name)
        return digest.hexdigest()
    # The problem is part of it: the same bytes judged under other limits must be taken in again.
    digest.update(f"unusable\0{submission.problem}\0".encode())
    source = submission.source
    if source.is_dir():
        for path in sorted(_walk(source)):
            _hash_file(digest, path.relative_to(source).as_posix(), path)
    elif source.is_file():
        _hash_file(digest, "", source)
    return digest.hexdigest()


# -- what is at the top of SUBMISSIONS -----------------------------------------------------------


@dataclass
class _Candidate:
    """One submission before it is read: where it is, and who it belongs to."""

    label: str  # the source as the teacher sees it, relative to SUBMISSIONS (shown in facts)
    base_id: str
    name: str
    identity: str  # equal for two entries of the same student (Moodle number, or the id)
    source: Path
    kind: str  # "folder", "zip", "files" (flat Moodle files) or "loose" (a file alone at the top)
    files: dict[str, Path] = field(default_factory=dict)  # kind "files": name -> path


@dataclass
class _Participant:
    """A Moodle participant's entries, gathered before they become candidates."""

    name: str
    base_id: str
    file_folders: list[Path] = field(default_factory=list)
    flat_files: dict[str, Path] = field(default_factory=dict)
    others: list[tuple[Path, str]] = field(default_factory=list)  # other plugins: path, file name


def _check_places(root: Path, work: Path) -> None:
    """``work`` may be anywhere but SUBMISSIONS itself or above it (``work/<id>`` could then be
    SUBMISSIONS or a student's folder, whose files would be replaced)."""
    root_place, work_place = root.resolve(), work.resolve()
    if work_place == root_place or work_place in root_place.parents:
        raise ValueError(f"the work folder {work} must not be {root} nor hold it")


def _candidates(root: Path, work: Path) -> list[_Candidate]:
    """Each entry at the top of ``root`` as a candidate; Moodle's gathered by participant."""
    candidates: list[_Candidate] = []
    participants: dict[str, _Participant] = {}
    work_place = work.resolve()
    for entry in sorted(root.iterdir()):
        text = _nfc(entry.name)
        if _ignored(text):
            continue
        try:
            is_dir = entry.is_dir()
            place = entry.resolve()
            if place == work_place or place in work_place.parents:  # the grader's own output
                continue
        except (OSError, RuntimeError):  # a link to nowhere, or looping: nothing to read
            continue
        moodle = MOODLE_NAME.fullmatch(text)
        if moodle and (is_dir or moodle["rest"]):
            _gather(participants, moodle, entry, is_dir)
        elif is_dir:
            candidates.append(_plain(entry, text, "folder"))
        elif text.lower().endswith(".zip"):
            candidates.append(_plain(entry, text[:-4], "zip"))
        elif text.lower().endswith((".py", *OTHER_ARCHIVES)):
            candidates.append(_plain(entry, Path(text).stem, "loose"))
    for key, participant in participants.items():
        candidates += _moodle_candidates(participant, f"moodle:{key}")
    return candidates


def _plain(entry: Path, stem: str, kind: str) -> _Candidate:
    base_id = _safe_id(stem)
    return _Candidate(label=_shown(entry.name), base_id=base_id, name=_shown(stem),
                      identity=f"id:{base_id.casefold()}", source=entry, kind=kind)


def _gather(participants: dict[str, _Participant], moodle: re.Match, entry: Path,
            is_dir: bool) -> None:
    """File ``entry`` under its Moodle participant (by number; by name when Moodle gave none)."""
    name = _shown(moodle["name"]).strip()
    slug = _slug(name).lower()
    number = moodle["number"]
    base_id = f"{slug}_{number}" if slug and number else number or _safe_id(name).lower()
    participant = participants.setdefault(number or base_id, _Participant(name, base_id))
    if moodle["plugin"] != MOODLE_FILE_PLUGIN:
        participant.others.append((entry, moodle["rest"] or ""))
    elif moodle["rest"] and not is_dir:
        participant.flat_files[moodle["rest"]] = entry
    else:
        participant.file_folders.append(entry)


def _moodle_candidates(participant: _Participant, identity: str) -> list[_Candidate]:
    """A candidate per file folder, one for the flat files; the other plugins only when there is
    nothing else, so that the participant still has a row."""
    def candidate(source: Path, kind: str, files: dict[str, Path] | None = None) -> _Candidate:
        label = _shown(source.name)
        if files:  # flat files: the prefix they share, "Prénom Nom_12345_assignsubmission_file_*"
            label = label.removesuffix(_shown(next(iter(files)))) + "*"
        return _Candidate(label=label, base_id=participant.base_id, name=participant.name,
                          identity=identity, source=source, kind=kind, files=files or {})

    found = [candidate(folder, "folder") for folder in participant.file_folders]
    if participant.flat_files:
        files = dict(sorted(participant.flat_files.items()))
        found.append(candidate(next(iter(files.values())), "files", files))
    if not found and participant.others:
        path, rest = participant.others[0]
        found.append(candidate(path, "folder") if path.is_dir()
                     else candidate(path, "files", {rest: path}))
    return found


def _unique_ids(candidates: list[_Candidate]) -> list[str]:
    """Each candidate's id: its base id for the first (sorted by base id, then source) of those
    sharing it, regardless of case; ``-2``, ``-3``… for the next, skipping any id already taken
    or reserved."""
    order = sorted(range(len(candidates)),
                   key=lambda index: (candidates[index].base_id.casefold(), candidates[index].label))
    ids: dict[int, str] = {}
    taken: set[str] = set(RESERVED_IDS)
    for index in order:
        if candidates[index].base_id.casefold() not in taken:
            ids[index] = candidates[index].base_id
            taken.add(ids[index].casefold())
    for index in order:
        if index not in ids:
            suffix = 2
            while f"{candidates[index].base_id}-{suffix}".casefold() in taken:
                suffix += 1
            ids[index] = f"{candidates[index].base_id}-{suffix}"
            taken.add(ids[index].casefold())
    return [ids[index] for index in range(len(candidates))]


def _twins(candidates: list[_Candidate]) -> list[list[str]]:
    """For each candidate, the sources of the other candidates of the same student."""
    same: dict[str, list[int]] = {}
    for index, candidate in enumerate(candidates):
        same.setdefault(candidate.identity, []).append(index)
    return [sorted(candidates[other].label for other in same[candidate.identity] if other != index)
            for index, candidate in enumerate(candidates)]


# -- reading one submission ----------------------------------------------------------------------


class _Unusable(Exception):
    """The submission cannot be graded: ``problem`` (a catalogue key) and its facts."""

    def __init__(self, problem: str, **facts: object) -> None:
        super().__init__(problem)
        self.problem = problem
        self.facts = facts


@dataclass
class _Findings:
    """What reading a submission noticed besides its files."""

    notes: dict[str, dict] = field(default_factory=dict)  # note key -> its facts
    refused: list[str] = field(default_factory=list)  # members never extracted (paths, links)
    unread: list[str] = field(default_factory=list)  # folders two levels down: shown, not read


@dataclass
class _Budget:
    """The bytes one submission may still write, counted as they are written."""

    limits: IntakeLimits
    problem: str  # what crossing a limit is called for this source
    label: str
    total: int = 0

    def exceeded(self, member: str, limit_mb: float) -> None:
        """Stop: writing ``member`` went past ``limit_mb``."""
        raise _Unusable(self.problem, fichier=self.label, membre=_shown(member),
                        limite_mo=f"{limit_mb:g}")


def _take_in(candidate: _Candidate, submission_id: str, twins: list[str], destination: Path,
             exercise_files: list[str], limits: IntakeLimits) -> Submission:
    """Read one candidate into ``destination``: a gradable submission, or one with its problem."""
    findings = _Findings()
    if twins:
        findings.notes["doublon"] = {"autres": ", ".join(twins)}
    problem, facts = None, {}
    try:
        if candidate.kind == "loose":
            raise _Unusable("fichier_isole" if candidate.source.suffix.lower() == ".py"
                            else "format_non_lu", fichier=candidate.label)
        _prepare(destination, exercise_files)
        if candidate.kind == "zip":
            _read_zip(candidate.source, candidate.label, destination, exercise_files, limits,
                      findings)
        else:
            files = candidate.files
            if candidate.kind == "folder":
                files = _list_folder(candidate.source, candidate.label, findings)
            _read_files(files, candidate.label, destination, exercise_files, limits, findings)
    except _Unusable as unusable:
        _clear(destination, exercise_files)
        problem, facts = unusable.problem, dict(unusable.facts)
    if findings.refused:
        findings.notes["membres_ignores"] = {"ignores": _shorten(findings.refused)}
    for note_facts in findings.notes.values():
        facts.update(note_facts)
    return Submission(id=submission_id, name=candidate.name, source=candidate.source,
                      folder=None if problem else destination, problem=problem, facts=facts,
                      notes=tuple(findings.notes))


def _prepare(destination: Path, exercise_files: list[str]) -> None:
    """``destination`` exists and holds no exercise file from an earlier run."""
    destination.mkdir(parents=True, exist_ok=True)
    _clear(destination, exercise_files, keep_folder=True)


def _clear(destination: Path, exercise_files: list[str], keep_folder: bool = False) -> None:
    """Remove the exercise files from ``destination`` (a partial extraction), then the folder when
    nothing else is in it. Only what ``discover`` writes is removed."""
    for name in exercise_files:
        (destination / name).unlink(missing_ok=True)
    if not keep_folder:
        try:
            destination.rmdir()
        except OSError:  # absent, or holding something that is not ours
            pass


def _list_folder(folder: Path, label: str, findings: _Findings) -> dict[str, Path]:
    """The regular files at the top of ``folder`` and one folder down (relative POSIX name in NFC ->
    path). Links, FIFOs and devices are refused: opening a FIFO would wait forever, a link could
    show another user's file in a report."""
    files: dict[str, Path] = {}
    with _reading("dossier_illisible", label, (OSError,)):
        for entry in _entries(folder):
            mode = entry.lstat().st_mode
            if stat.S_ISDIR(mode):
                for inner in _entries(entry):
                    inner_mode = inner.lstat().st_mode
                    inner_name = f"{_nfc(entry.name)}/{_nfc(inner.name)}"
                    if stat.S_ISREG(inner_mode):
                        files[inner_name] = inner
                    elif stat.S_ISDIR(inner_mode):
                        findings.unread.append(f"{inner_name}/")
                    else:
                        findings.refused.append(inner_name)
            elif stat.S_ISREG(mode):
                files[_nfc(entry.name)] = entry
            else:
                findings.refused.append(_nfc(entry.name))
    return files


def _read_files(files: dict[str, Path], label: str, destination: Path, exercise_files: list[str],
                limits: IntakeLimits, findings: _Findings) -> None:
    """Copy the exercise files among ``files`` to ``destination``; with none, read the one zip at
    the top instead (a Moodle upload)."""
    chosen = _choose(files, exercise_files, label, findings)
    if chosen:
        budget = _Budget(limits, "fichiers_trop_gros", label)
        for exercise, name in chosen.items():
            with _reading("dossier_illisible", label, (OSError,)):
                stream = files[name].open("rb")
            with stream:
                _copy(_guarded(stream.read, "dossier_illisible", label, (OSError,)),
                      destination / exercise, budget, name)
        return
    archives = [name for name in files if "/" not in name and name.lower().endswith(".zip")]
    if len(archives) == 1:
        findings.notes["archive_interne"] = {"archive": _shown(archives[0])}
        _read_zip(files[archives[0]], f"{label}/{_shown(archives[0])}", destination,
                  exercise_files, limits, findings)
        return
    raise _Unusable("aucun_exercice", fichier=label, exemple=exercise_files[0],
                    trouves=_shorten([*files, *findings.unread]))


def _read_zip(path: Path, label: str, destination: Path, exercise_files: list[str],
              limits: IntakeLimits, findings: _Findings) -> None:
    """Extract the exercise files of the zip at ``path`` to ``destination``, within ``limits``."""
    # A hostile or damaged archive makes zipfile fail in many ways (BadZipFile, EOFError,
    # zlib.error, NotImplementedError for a compression method, struct.error, ValueError…): each
    # means the same to the teacher, an archive that cannot be read.
    with _reading("archive_illisible", label):
        _check_directory(path, label, limits)
        archive = zipfile.ZipFile(path)
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise _Unusable("archive_trop_de_membres", fichier=label, limite=limits.max_members)
        members = _members(infos, findings)
        if any(MOODLE_NAME.fullmatch(name.split("/")[0]) for name in members if "/" in name):
            raise _Unusable("export_moodle_a_extraire", fichier=label)
        chosen = _choose(members, exercise_files, label, findings)
        if not chosen:
            raise _Unusable("aucun_exercice", fichier=label, exemple=exercise_files[0],
                            trouves=_shorten(members))
        budget = _Budget(limits, "archive_trop_grosse", label)
        for exercise, name in chosen.items():
            if members[name].flag_bits & ENCRYPTED_FLAG:
                raise _Unusable("archive_chiffree", fichier=label)
            with _reading("archive_illisible", label):
                stream = archive.open(members[name])
            with stream:
                _copy(_guarded(stream.read, "archive_illisible", label, (Exception,)),
                      destination / exercise, budget, name)


def _check_directory(path: Path, label: str, limits: IntakeLimits) -> None:
    """Refuse an archive whose central directory is too big before ``zipfile`` parses it (it
    builds an object per entry: millions of entries would exhaust the memory)."""
    declared = _declared_directory(path)
    if declared is None:
        return  # not a zip at all: zipfile will say so
    entries, directory_bytes = declared
    too_big = directory_bytes > limits.max_members * DIRECTORY_BYTES_PER_MEMBER
    if entries > limits.max_members or too_big:
        raise _Unusable("archive_trop_de_membres", fichier=label, limite=limits.max_members)


def _declared_directory(path: Path) -> tuple[int, int] | None:
    """The entry count and byte size of the central directory, from the end records that zipfile
    reads first (the largest values of those it may use); None without an end record."""
    with path.open("rb") as stream:
        size = stream.seek(0, os.SEEK_END)
        start = max(0, size - END_RECORD.size - LONGEST_COMMENT)
        stream.seek(start)
        tail = stream.read()
        at = len(tail) - END_RECORD.size  # zipfile tries the record without a comment first
        if at < 0 or tail[at:at + 4] != b"PK\x05\x06":
            at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < END_RECORD.size:
            return None
        fields = END_RECORD.unpack_from(tail, at)
        entries, directory_bytes = fields[4], fields[5]
        locator_at = start + at - ZIP64_LOCATOR.size
        if locator_at < 0:
            return entries, directory_bytes
        stream.seek(locator_at)
        locator = stream.read(ZIP64_LOCATOR.size)
        if locator[:4] != b"PK\x06\x07":
            return entries, directory_bytes
        # Python reads the zip64 record just before the locator; the format says where the
        # locator points. Both are looked at.
        for record_at in (locator_at - ZIP64_END_RECORD.size, ZIP64_LOCATOR.unpack(locator)[2]):
            if record_at < 0:
                continue
            stream.seek(record_at)
            record = stream.read(ZIP64_END_RECORD.size)
            if len(record) == ZIP64_END_RECORD.size and record[:4] == b"PK\x06\x06":
                fields64 = ZIP64_END_RECORD.unpack(record)
                entries = max(entries, fields64[7])
                directory_bytes = max(directory_bytes, fields64[8])
        return entries, directory_bytes


def _members(infos: list[zipfile.ZipInfo], findings: _Findings) -> dict[str, zipfile.ZipInfo]:
    """The archive's files by clean relative name; the dangerous ones refused. Of two entries with
    the same name, the last wins, as with ``unzip`` and ``zipfile``."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = _member_name(info)
        parts = [part for part in name.split("/") if part not in ("", ".")]
        if name.startswith("/") or DRIVE.match(name) or ".." in parts or _is_link(info):
            findings.refused.append(name)
        elif not name.endswith("/") and parts and not any(_ignored(part) for part in parts):
            members["/".join(parts)] = info
    return members


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: many zip tools write UTF-8 without setting the
    flag, which zipfile then reads as cp437 (``├⌐`` for ``é``); Windows writes ``\\``."""
    name = info.filename
    if not info.flag_bits & UTF8_NAMES_FLAG:
        try:
            name = name.encode("cp437").decode("utf-8")
        except UnicodeError:  # truly cp437 (an old Windows zipper): zipfile read it right
            pass
    return _nfc(name.replace("\\", "/"))


def _is_link(info: zipfile.ZipInfo) -> bool:
    """A symbolic link stored by a Unix zipper (its mode in the high bits of external_attr)."""
    return stat.S_ISLNK(info.external_attr >> 16)


def _choose(names: Iterable[str], exercise_files: list[str], label: str,
            findings: _Findings) -> dict[str, str]:
    """Exercise file -> the name to read: at the top when any exercise file is there, otherwise one
    folder down (several folders are merged, unless one exercise is in two of them)."""
    names = list(names)
    wanted = set(exercise_files)
    top = {name: name for name in names if name in wanted}
    if top:
        return top
    below: dict[str, dict[str, str]] = {}
    for name in names:
        parts = name.split("/")
        if len(parts) == 2 and parts[1] in wanted:
            below.setdefault(parts[0], {})[parts[1]] = name
    chosen: dict[str, str] = {}
    for folder in sorted(below):
        for exercise, name in below[folder].items():
            if exercise in chosen:
                raise _Unusable("exercice_en_double", fichier=label, exercice=exercise,
                                dossiers=", ".join(f"{_shown(other)}/" for other in sorted(below)
                                                   if exercise in below[other]))
            chosen[exercise] = name
    if chosen:
        findings.notes["un_niveau_plus_bas"] = {
            "dossier": ", ".join(f"{_shown(folder)}/" for folder in sorted(below))}
    return chosen


def _copy(read: Callable[[int], bytes], target: Path, budget: _Budget, member: str) -> None:
    """Write what ``read`` gives to ``target``, counting the bytes actually written — never a size
    an archive header claims — and stopping before the first byte beyond a limit."""
    limits = budget.limits
    written = 0
    with target.open("wb") as output:
        while chunk := read(CHUNK):
            written += len(chunk)
            budget.total += len(chunk)
            if written > limits.max_member_mb * MB:
                budget.exceeded(member, limits.max_member_mb)
            if budget.total > limits.max_total_mb * MB:
                budget.exceeded(member, limits.max_total_mb)
            output.write(chunk)


@contextmanager
def _reading(problem: str, label: str,
             errors: tuple[type[BaseException], ...] = (Exception,)) -> Iterator[None]:
    """Turn a failure to read the student's source into ``problem``; writing to ``work`` is kept
    outside, so that a full disk stays the teacher's error rather than the student's."""
    try:
        yield
    except _Unusable:
        raise
    except errors as error:
        raise _Unusable(problem, fichier=label, erreur=_error_text(error)) from error


def _guarded(read: Callable[[int], bytes], problem: str, label: str,
             errors: tuple[type[BaseException], ...]) -> Callable[[int], bytes]:
    def guarded(size: int) -> bytes:
        with _reading(problem, label, errors):
            return read(size)
    return guarded


# -- names ---------------------------------------------------------------------------------------


def _nfc(name: str) -> str:
    """A name from the disk or an archive as text in NFC: bytes that are not UTF-8 (an old zip's
    Latin-1 ``é`` extracted on Linux) are read as Windows-1252."""
    try:
        text = os.fsencode(name).decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate that no byte stands for
        text = name.encode("utf-8", errors="replace").decode("utf-8")
    except UnicodeDecodeError:
        text = os.fsencode(name).decode("cp1252", errors="replace")
    return unicodedata.normalize("NFC", text)


def _shown(name: str) -> str:
    """A name fit to show: NFC, without control or invisible formatting characters."""
    return "".join(char for char in _nfc(name) if unicodedata.category(char) not in ("Cc", "Cf"))


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in IGNORED_NAMES


def _slug(text: str) -> str:
    """``text`` in ASCII letters, digits, ``.``, ``_`` and ``-`` (accents dropped, the rest ``-``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(TRANSLITERATION))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text).strip("._-")
    return slug[:MAX_ID_LENGTH].strip("._-")


def _safe_id(text: str) -> str:
    """An id from a name: its slug, never a Windows device name, never empty."""
    slug = _slug(text)
    if not slug:
        return f"etudiant-{hashlib.sha256(_shown(text).encode()).hexdigest()[:8]}"
    if slug.split(".")[0].upper() in WINDOWS_DEVICES:
        return f"_{slug}"
    return slug


def _shorten(names: Iterable[str]) -> str:
    """Names for a fact: sorted, the first few, and how many more; ``—`` for none."""
    shown = sorted(_shown(name)[:SHOWN_NAME_LENGTH] for name in names)
    if not shown:
        return "—"
    more = f", … (+{len(shown) - SHOWN})" if len(shown) > SHOWN else ""
    return ", ".join(shown[:SHOWN]) + more


def _error_text(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return _shown(text)[:160]


# -- hashing -------------------------------------------------------------------------------------


def _hash_file(digest: hashlib._Hash, name: str, path: Path) -> None:
    """Add ``name`` and the hash of the file's bytes (unambiguous: names hold no NUL)."""
    content = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                content.update(chunk)
    except OSError:  # unreadable: its name still counts
        content.update(b"\0unreadable")
    digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + content.digest())


def _walk(folder: Path) -> Iterator[Path]:
    """The regular files under ``folder``, links and ignored names skipped (with a stack, not
    recursion: a submission may nest folders thousands deep)."""
    pending = [folder]
    while pending:
        try:
            entries = _entries(pending.pop())
        except OSError:
            continue
        for entry in entries:
            try:
                mode = entry.lstat().st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                pending.append(entry)
            elif stat.S_ISREG(mode):
                yield entry


def _entries(folder: Path) -> list[Path]:
    return sorted(entry for entry in folder.iterdir() if not _ignored(_nfc(entry.name)))
