"""The rule half of the meaning guard: a repair must not add or drop a negation, a number, a date word
or a name. (The language model cannot be trusted with these: it happily prefers a fluent sentence that
says the opposite.)"""

from __future__ import annotations

import re
from collections import Counter

from cleaner.lexicon import MONTHS, WEEKDAYS, is_known_word

_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot)\b|n[’']t\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DATE_WORD = re.compile(r"\b(?:" + "|".join((*WEEKDAYS, *MONTHS)) + r")\b")
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")


def _names(text: str) -> Counter[str]:
    return Counter(word for word in _CAPITALISED.findall(text) if not is_known_word(word))


def meaning_change(before: str, after: str) -> str | None:
    """What a repair changes that it must not, in a few words; None when it keeps all of it."""
    if Counter(m.lower() for m in _NEGATION.findall(before)) != Counter(
        m.lower() for m in _NEGATION.findall(after)
    ):
        return "adds or drops a negation"
    if Counter(_NUMBER.findall(before)) != Counter(_NUMBER.findall(after)):
        return "changes a number"
    if Counter(_DATE_WORD.findall(before)) != Counter(_DATE_WORD.findall(after)):
        return "changes a date"
    if _names(before) != _names(after) and content_words(before) != content_words(after):
        return "changes a name"  # a capital alone ("know. It's") makes no name: the words are the same
    return None


def content_words(text: str) -> Counter[str]:
    return Counter(word.lower() for word in re.findall(r"[^\W\d_]+", text))


def keeps_content(before: str, after: str) -> bool:
    """Every word of ``before`` is still in ``after`` (a repair may add words, never delete them)."""
    return not (content_words(before) - content_words(after))
