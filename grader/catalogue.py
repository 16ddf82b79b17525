"""The texts the student reads, one catalogue per language, gathered from three places:

- ``grader/locales/<lang>.yaml``, the engine's: the ``words`` of the terminal, the ``page`` labels of
  the HTML report, the cohort's, and the messages the engine itself raises;
- ``<course>/<lang>.yaml``, the course's shared texts: the titles of the common checks, the
  messages several exercises raise and the cohort page's phrase for each (``concepts``);
- ``<course>/<exercise>/<lang>.yaml``, each exercise's: its title, its check titles, the messages
  only its checks raise, and the cohort page's phrases for the reasons its checks fail for
  (``concepts``: its own keys, or a shared key said more precisely for this exercise).

Each message key has a ``message`` (what was observed) and a ``hint`` (what to try), with
``{placeholders}`` filled from the check's facts (a fact that is a list of details,
``grader.checking.verdicts.Detail``, is worded item by item from the catalogue's ``details``). A key
is defined in one place only: loading says which two files define it twice.
"""
from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from grader.checking.verdicts import DETAIL
from grader.config import COURSE_FOLDER, SAFE_LOADER, exercise_files_of

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True)
class Catalogue:
    language: str
    texts: dict

    def exercise_title(self, exercise_id: str) -> str:
        return self.texts["exercises"].get(exercise_id, {}).get("title") or exercise_id

    def check_title(self, exercise_id: str, check_id: str) -> str:
        checks = self.texts["exercises"].get(exercise_id, {}).get("checks", {})
        return checks.get(check_id) or self.texts.get("common_checks", {}).get(check_id, check_id)

    def message(self, key: str, facts: dict) -> tuple[str, str]:
        """The observed message and the hint for ``key``, with the facts filled in."""
        entry = self.texts["messages"].get(key)
        if entry is None:
            return self.texts["messages"]["inconnu"]["message"].format(key=key), ""
        facts = {name: self.worded(value) for name, value in facts.items()}
        return _fill(entry.get("message", ""), facts), _fill(entry.get("hint", ""), facts)

    def worded(self, fact: object) -> object:
        """A detail (``grader.checking.verdicts.Detail.as_fact``) worded from ``details.<key>``, a list of
        them one after the other; any other fact as it is."""
        if _is_detail(fact):
            assert isinstance(fact, dict)
            words = self.texts.get("details", {}).get(fact[DETAIL])
            if words is None:  # not one of ours (a value the student's code returned): as it is
                return fact
            return _fill(words, {name: value for name, value in fact.items() if name != DETAIL})
        if isinstance(fact, list) and fact and all(_is_detail(item) for item in fact):
            return self.texts["words"]["details_separator"].join(
                str(self.worded(item)) for item in fact)
        return fact

    def word(self, key: str) -> str:
        return self.texts["words"].get(key, key)

    def page(self, key: str, **facts: object) -> str:
        """A label of the HTML page (``status.failed`` for ``page.status.failed``)."""
        return self.section("page")(key, **facts)

    def section(self, name: str) -> Callable[..., str]:
        """The labels of one section (``cohort``) as a function of a key inside it and facts."""
        def label(key: str, **facts: object) -> str:
            return self.text(f"{name}.{key}", **facts).removeprefix(f"{name}.")
        return label

    def text(self, key: str, **facts: object) -> str:
        """Any text by its dotted key (``gradebook.columns.total``), facts filled in; the key itself
        when missing, so a gap in a catalogue shows instead of breaking a page or a file."""
        entry: object = self.texts
        for part in key.split("."):
            entry = entry.get(part) if isinstance(entry, dict) else None
        return _fill(entry, facts) if isinstance(entry, str) else key


def load(language: str = DEFAULT_LANGUAGE, course_folder: Path = COURSE_FOLDER) -> Catalogue:
    """The catalogue of ``language``: the engine's texts, the course's, each exercise's."""
    path = LOCALES / f"{language}.yaml"
    if not path.exists():
        raise ValueError(f"no catalogue for language {language!r} ({path})")
    texts = _read(path)
    texts["exercises"] = {}
    cohort = texts.setdefault("cohort", {})
    concepts, by_exercise = cohort.setdefault("concepts", {}), cohort.setdefault("concepts_by_exercise", {})
    defined_in = dict.fromkeys(texts.setdefault("messages", {}), path)
    course_texts = course_folder / f"{language}.yaml"
    if course_texts.exists():
        shared = _read(course_texts)
        texts["common_checks"] = shared.get("common_checks", {})
        _add_messages(texts["messages"], defined_in, shared, course_texts)
        concepts.update(shared.get("concepts") or {})
    for exercise_file in exercise_files_of(course_folder):
        own_texts = exercise_file.parent / f"{language}.yaml"
        if own_texts.exists():
            own = _read(own_texts)
            texts["exercises"][exercise_file.parent.name] = {"title": own.get("title"),
                                                             "checks": own.get("checks", {})}
            _add_messages(texts["messages"], defined_in, own, own_texts)
            by_exercise[exercise_file.parent.name] = own.get("concepts") or {}
    return Catalogue(language, texts)


def _read(path: Path) -> dict:
    texts = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    if not isinstance(texts, dict):
        raise ValueError(f"{path}: a catalogue is a mapping of texts")
    return texts


def _add_messages(messages: dict, defined_in: dict[str, Path], texts: dict, path: Path) -> None:
    for key, entry in (texts.get("messages") or {}).items():
        if key in defined_in:
            raise ValueError(f"message {key!r} defined twice: in {defined_in[key]} and {path}")
        messages[key], defined_in[key] = entry, path


class _Facts(dict):
    """Missing facts show as ``?`` rather than breaking the student's report."""

    def __missing__(self, key: str) -> str:
        return "?"


def _is_detail(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get(DETAIL), str)


def _fill(template: str, facts: dict) -> str:
    return string.Formatter().vformat(template, (), _Facts(facts)).strip()
