"""The files a cohort writes for its students, kept in its memory as it wrote them.

Without the sandbox, a student's code runs as the teacher's user: it can change the ``--out`` files
of the students graded before it (their ``report.json``, ``rapport.html``, ``entry.json``, Gradescope
``results.json``). The cohort notes the digest (sha256) and the bytes of each file when it writes it
(or, for a student graded by an earlier run, when it reuses it); once every student's grading is done
and no process of theirs is left, ``restore`` writes again every file that changed, or removes one
that should not be there, before the gradebook and the dashboard are written from the cohort's memory.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from grader.report import model


@dataclass(frozen=True)
class _Kept:
    digest: str
    size: int
    compressed: bytes  # a cohort's reports weigh megabytes: kept compressed


class WrittenFiles:
    """What each file the cohort wrote must hold (``None``: the file must not exist). Used from
    the threads that grade students at once."""

    def __init__(self) -> None:
        self._files: dict[Path, _Kept | None] = {}
        self._lock = threading.Lock()

    def write_text(self, text: str, path: Path) -> None:
        """Write ``text`` to ``path`` (whole or not at all) and keep it."""
        model.write_text(text, path)
        self._keep(path, text.encode("utf-8"))

    def write_json(self, data: object, path: Path) -> None:
        self.write_text(model.json_text(data), path)

    def absent(self, path: Path) -> None:
        """``path`` must not exist (a student with no report has no report file)."""
        with self._lock:
            self._files[path] = None

    def keep_as_it_is(self, path: Path) -> None:
        """Keep ``path`` as it is now: a file an earlier run wrote, reused by this one (read before
        this run started any student's code below it, as far as this cohort can tell)."""
        try:
            content = path.read_bytes()
        except OSError:
            self.absent(path)
            return
        self._keep(path, content)

    def restore(self) -> list[Path]:
        """Write again each file whose content changed since it was kept, remove each that should
        not exist; return those paths. To call once no process of any student is left."""
        with self._lock:
            files = dict(self._files)
        changed = [path for path, kept in sorted(files.items()) if not _holds(path, kept)]
        for path in changed:
            _put_back(path, files[path])
        return changed

    def _keep(self, path: Path, content: bytes) -> None:
        kept = _Kept(hashlib.sha256(content).hexdigest(), len(content), zlib.compress(content))
        with self._lock:
            self._files[path] = kept


def _holds(path: Path, kept: _Kept | None) -> bool:
    """Whether ``path`` is what was kept: a regular file (not a link, nor a folder) of the same
    size and digest, or absent when it must be."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return kept is None
    if kept is None or not stat.S_ISREG(found.st_mode) or found.st_size != kept.size:
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as opened:
        for block in iter(lambda: opened.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == kept.digest


def _put_back(path: Path, kept: _Kept | None) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)  # a link is removed, never followed
    if kept is not None:
        model.write_text(zlib.decompress(kept.compressed).decode("utf-8"), path)
