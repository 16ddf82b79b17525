"""Whether a report, worded in English, still holds French that the grader wrote itself.

The grader writes every sentence from the catalogues: a check's message and hint are its key and
facts worded in the report's language. So a report graded in French, worded again from its keys
and facts with the English catalogue, is what ``--lang en`` shows; any French left in it comes
from the engine (a fact that is a sentence) or from the English catalogue. The student's own data
(their output, their values, the course's expected lines, which are French by design) is not
text of the grader's and is left out.
"""
from __future__ import annotations

import re

from grader import catalogue
from grader.checking.verdicts import DETAIL

# Facts the grader itself writes as text (the others carry data: the student's output, values,
# exception messages, identifiers, the course's expected lines — never checked for language).
ENGINE_FACTS = {"contradictions", "fonction"}
FRENCH_WORDS = {"le", "la", "les", "des", "du", "une", "est", "sont", "pas", "ne", "au", "aux",
                "avec", "pour", "dans", "sur", "qui", "que", "et", "à", "été", "mais", "ses", "cette",
                "plus", "avant", "après", "lors", "jamais", "secondes", "processeur", "résultats"}
ACCENTED = re.compile(r"[àâçéèêëîïôûùœ]", re.IGNORECASE)
WORD = re.compile(r"[\w'’]+")
ELISION = re.compile(r"^(?:l|d|n|qu|s|c|j)['’]", re.IGNORECASE)
MASK = "x"  # in place of a data fact: what is left is the catalogue's words and the details'
QUOTED = re.compile(r"«[^»]*»")  # the course's own lines, quoted as they must be printed


def french(text: str) -> list[str]:
    """The words of ``text`` that are French (a word of the list, an elision, an accent)."""
    return [word for word in WORD.findall(QUOTED.sub("", text))
            if word.lower() in FRENCH_WORDS or ELISION.match(word) or ACCENTED.search(word)]


def _masked(facts: dict, details: set[str]) -> dict:
    """Facts with every value masked but the grader's details (``Detail.as_fact`` of a key of the
    catalogue's ``details``), which are kept to be worded."""
    def ours(item: object) -> bool:
        return isinstance(item, dict) and item.get(DETAIL) in details

    def keep(value: object) -> bool:
        return ours(value) or isinstance(value, list) and bool(value) and all(map(ours, value))
    return {name: value if keep(value) else MASK for name, value in facts.items()}


def french_in_english(report: dict) -> list[str]:
    """Each place of ``report`` that, worded in English, holds French the grader wrote: its
    message and hint (data masked), its titles, and the facts the grader writes as text."""
    english = catalogue.load("en")
    details = set(english.texts["details"])
    found = []
    for exercise in report.get("exercises", []):
        texts = [("title", english.exercise_title(exercise["id"]))]
        for check in exercise.get("checks", []):
            texts.append((check["id"], english.check_title(exercise["id"], check["id"])))
            facts = check.get("facts") or {}
            if check.get("message_key"):
                message, hint = english.message(check["message_key"], _masked(facts, details))
                texts += [(check["id"], message), (check["id"], hint)]
            texts += [(f"{check['id']}.{name}", value) for name, value in facts.items()
                      if isinstance(value, str) and name in ENGINE_FACTS]
        found += [f"{exercise['id']} {place}: {text!r} ({', '.join(french(text))})"
                  for place, text in texts if french(text)]
    return found
