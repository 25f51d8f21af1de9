"""Word facts the detectors ask about, answered by lemminflect rather than hand lists of verbs.

These are the predicates that declarative rules name in their ``where:`` conditions (the part of a
rule that a regular expression cannot say, as LanguageTool's grammar.xml leans on part-of-speech tags).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from lemminflect import getAllInflections, getAllLemmas

WEEKDAYS: tuple[str, ...] = tuple(calendar.day_name)  # Monday .. Sunday, in datetime.weekday() order
MONTHS: tuple[str, ...] = tuple(calendar.month_name)[1:]


@cache
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    return getAllLemmas(word.lower())


@cache
def _inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    return getAllInflections(lemma)


def is_base_verb(word: str) -> bool:
    """The bare infinitive of a verb ("accept", "make"): what follows a modal or "not"."""
    lower = word.lower()
    return any(lower in _inflections(lemma).get("VB", ()) for lemma in _lemmas(lower).get("VERB", ()))


def is_noun_only(word: str) -> bool:
    """A word known only as a noun ("pipeline"), which seldom opens an English sentence bare."""
    lemmas = _lemmas(word)
    return set(lemmas) == {"NOUN"} and word.lower() not in _PRONOUNS


def is_known_word(word: str) -> bool:
    """A word lemminflect knows in lower case, so lower-casing it cannot spoil a proper name."""
    return bool(_lemmas(word)) or word.lower() in _FUNCTION_WORDS


def past_tense_lemma(word: str) -> str | None:
    """The lemma of an unambiguous simple-past verb form ("told" -> "tell"), else None.

    Forms that are also present or base forms ("put", "read") are ambiguous and give None.
    """
    lower = word.lower()
    for lemma in _lemmas(lower).get("VERB", ()):
        forms = _inflections(lemma)
        if lower in forms.get("VBD", ()) and lower not in forms.get("VB", ()) + forms.get("VBP", ()):
            return lemma
    return None


def has_finite_verb(phrase: str) -> bool:
    """Whether a stretch of words holds a finite verb (an auxiliary, a modal or a simple-past form).

    Used to tell a split-off fragment ("pipeline, in addition to strengthening the defence") from a
    sentence that merely lost its capital ("patients after resection should be offered …").
    """
    return any(
        word in _FINITE_AUXILIARIES or past_tense_lemma(word) is not None
        for word in re.findall(r"[a-z’']+", phrase.lower())
    )


def is_abbreviation(word: str) -> bool:
    """A word that is conventionally written with a full stop ("etc", "Mr", "approx")."""
    return word.lower() in _abbreviations()


@cache
def _abbreviations() -> frozenset[str]:
    text = resources.files("cleaner.data").joinpath("abbreviations.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower().rstrip(".")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


_PRONOUNS = frozenset("i you he she it we they me him her us them this that these those".split())
_FUNCTION_WORDS = _PRONOUNS | frozenset(
    "the a an and or but of to in on at by for with from as if than that which who whom whose".split()
)
_FINITE_AUXILIARIES = frozenset(
    "is are was were am has have had does do did will would can could shall should may might must "
    "isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't can't "
    "couldn't shouldn't".split()
)

PREDICATES: dict[str, Callable[[str], bool]] = {
    "verb-base": is_base_verb,
    "noun-only": is_noun_only,
    "known-word": is_known_word,
    "abbreviation": is_abbreviation,
    "past-tense": lambda word: past_tense_lemma(word) is not None,
    "finite-clause": has_finite_verb,
}
"""Named tests on a match group that rules use in ``where:``; prefix a name with ``!`` to negate it."""
