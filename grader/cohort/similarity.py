"""Similar submissions: pairs of students whose exercise files are suspiciously alike.

For each exercise, every pair of students who handed the file in is compared with ``copydetect``
(winnowing fingerprints, as MOSS does, over the code as Pygments tokenizes it with every name turned
into one letter — renaming variables changes nothing, nor do comments, blank lines and string
contents). The exercise's stub (``exercises/``) is boilerplate: its fingerprints are removed from
both files first, so the given code (signatures, docstrings, the ``__main__`` block) never counts.

A pair is shown when, in one of its two files at least, ``threshold`` of what the student wrote
beyond the stub is also in the other's, and the shared passages are at least ``min_shared_tokens``
long in all: short exercises, whose correct answers are all alike (``return pool.map(carre,
nombres)``), are not accused. Settings: ``similarity:`` in ``course.yaml``. The dashboard shows each
pair with both files side by side, the shared passages marked. A pair is a lead for the teacher to
read, never a verdict: nothing here changes a grade.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.config import ConfigError

STUBS = Path(__file__).resolve().parent.parent.parent / "exercises"
# Each value's type (int or float) is the type its setting is read as.
DEFAULTS: dict[str, Any] = {"threshold": 0.6, "min_shared_tokens": 80, "noise_tokens": 25,
                            "guarantee_tokens": 30}


@dataclass(frozen=True)
class Settings:
    threshold: float = DEFAULTS["threshold"]  # share of a file's own code found in the other
    min_shared_tokens: int = DEFAULTS["min_shared_tokens"]  # below: not a pair, whatever the share
    noise_tokens: int = DEFAULTS["noise_tokens"]  # copydetect's k: shorter matches are noise
    guarantee_tokens: int = DEFAULTS["guarantee_tokens"]  # matches this long are always found

    @classmethod
    def read(cls, raw: object, place: str = "course.yaml: similarity") -> Settings:
        """From the ``similarity:`` mapping of the course file (absent: the defaults)."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict) or set(raw) - set(DEFAULTS):
            raise ConfigError(f"{place} must be a mapping of {', '.join(DEFAULTS)}")
        for name, value in raw.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{place}.{name} must be a positive number, not {value!r}")
        settings = cls(**{name: type(DEFAULTS[name])(value) for name, value in raw.items()})
        if settings.threshold > 1 or settings.guarantee_tokens < settings.noise_tokens:
            raise ConfigError(f"{place}: threshold must be at most 1 and guarantee_tokens at "
                              "least noise_tokens")
        return settings


@dataclass(frozen=True)
class Segment:
    text: str
    shared: bool


@dataclass(frozen=True)
class Side:
    student: str
    share: float  # of this file's own code (beyond the stub) found in the other file
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Pair:
    exercise: str
    left: Side
    right: Side
    shared_tokens: int

    @property
    def share(self) -> float:
        return max(self.left.share, self.right.share)


def find(files: dict[str, dict[str, Path]], exercises: Iterable[str],
         settings: Settings | None = None, stubs: Path = STUBS) -> list[Pair]:
    """The similar pairs among ``files`` (student -> exercise id -> path), most alike first."""
    settings = settings or Settings()
    if len(files) < 2:
        return []
    from copydetect import CodeFingerprint, compare_files  # imports matplotlib: only when asked

    k = settings.noise_tokens
    window = settings.guarantee_tokens - settings.noise_tokens + 1
    pairs = []
    for exercise in exercises:
        stub = stubs / f"{exercise}.py"
        boilerplate = (list(CodeFingerprint(str(stub), k, 1, language="python").hashes)
                       if stub.is_file() else [])
        prints = {}
        for student in sorted(files):
            path = files[student].get(exercise)
            if path is None or not path.is_file():
                continue
            try:
                prints[student] = CodeFingerprint(str(path), k, window, boilerplate,
                                                  language="python", encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # not readable as UTF-8: the grading already said so
        students = sorted(prints)
        for index, first in enumerate(students):
            for second in students[index + 1:]:
                shared, (share1, share2), (slices1, slices2) = compare_files(prints[first],
                                                                             prints[second])
                if shared < settings.min_shared_tokens or max(share1, share2) < settings.threshold:
                    continue
                pairs.append(Pair(exercise, _side(first, share1, prints[first].raw_code, slices1),
                                  _side(second, share2, prints[second].raw_code, slices2),
                                  int(shared)))
    pairs.sort(key=lambda pair: (-pair.share, pair.exercise, pair.left.student))
    return pairs


def cohort_files(work: Path, students: Iterable[str], exercises: Iterable[str]) -> dict[
        str, dict[str, Path]]:
    """The exercise files the cohort's intake extracted (``OUT/.work/intake/<id>/``)."""
    exercises = list(exercises)
    return {student: {exercise: work / student / f"{exercise}.py" for exercise in exercises
                      if (work / student / f"{exercise}.py").is_file()}
            for student in students if (work / student).is_dir()}


def _side(student: str, share: float, code: str, slices) -> Side:
    """The file cut into passages, the shared ones marked (copydetect's slices, merged)."""
    segments, position = [], 0
    spans = sorted(zip((int(start) for start in slices[0]), (int(end) for end in slices[1])))
    for start, end in spans:
        start, end = max(start, position), min(end, len(code))
        if start >= end:
            continue
        if start > position:
            segments.append(Segment(code[position:start], False))
        segments.append(Segment(code[start:end], True))
        position = end
    if position < len(code):
        segments.append(Segment(code[position:], False))
    return Side(student, round(float(share), 3), tuple(segments))
