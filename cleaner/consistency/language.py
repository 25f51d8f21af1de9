"""Which language a source text is in, and the CLDR locale that describes it.

Detection uses py3langid (a maintained fork of langid.py: a small model shipped in the wheel, no
download at run time). Short texts are guessed poorly by any detector, so a guess is only
returned when the text has enough letters to carry one.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError

MIN_LETTERS = 8
"""Fewer letters than this (about two CJK words, or one short Latin word) say too little to guess from."""
MIN_CONFIDENCE = 0.5
"""Below this probability the guess is a coin toss between related languages: better unknown than wrong,
since checks that read a source in the wrong language would misread it."""


def detect(text: str) -> str | None:
    """The language of ``text`` as a BCP 47 primary tag (``de``, ``ja``), or None when it is too short."""
    if sum(char.isalpha() for char in text) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(text)
    return str(language) if confidence >= MIN_CONFIDENCE else None


@cache
def _identifier() -> Any:
    """py3langid's identifier with probabilities that sum to one, so a guess has a confidence; loaded on
    first use, only where a run detects a language."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def cldr_locale(tag: str | None) -> Locale | None:
    """The CLDR locale for a BCP 47 tag (``pt-BR`` -> pt_BR), or None when CLDR has no data for it."""
    if not tag:
        return None
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0].split("_")[0])
        except (UnknownLocaleError, ValueError):
            return None
