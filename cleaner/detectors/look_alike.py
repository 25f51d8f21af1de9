"""Look-alike letters: a lone Cyrillic (or other non-Latin) letter inside a Latin token, "(р=0.001)",
"120 °С", "Рutin".

An MT system that copies a symbol or a unit from a Cyrillic source keeps the source's letter, which
looks exactly like the Latin one: a reader sees nothing, but search, spelling, sorting and every tool
downstream see a different word. Which Latin letter a character is confusable with comes from Unicode's
confusables data (the ``confusable_homoglyphs`` package), not from a hand-made table. Replacing it with
that Latin letter changes no rendered text, so the repair is ``safe``.

Greek letters are left alone: in English text they are symbols (μg, ρ = 0.58, β-blockers). A letter with
no Latin look-alike ("ж" in a Latin word) is not this rule's: ``untranslated.foreign-script`` names it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule

if TYPE_CHECKING:
    import regex


@cache
def _lone() -> regex.Pattern[str]:
    """One letter of a script other than Latin (and Greek), with no such letter on either side."""
    import regex

    return regex.compile(
        r"(?<![^\P{L}\p{Latin}\p{Common}\p{Inherited}])"
        r"[^\P{L}\p{Latin}\p{Common}\p{Inherited}\p{Greek}]"
        r"(?![^\P{L}\p{Latin}\p{Common}\p{Inherited}]|\p{M})"
    )


@cache
def _latin() -> regex.Pattern[str]:
    import regex

    return regex.compile(r"\p{Latin}")


def in_latin_token(text: str, start: int, end: int) -> bool:
    """Whether the letter at ``start:end`` touches Latin letters, digits or a unit or comparison sign:
    part of a Latin-script token ("°С", "р=0.001", "Рutin"), not a word of its own. A degree sign may be
    spaced off a capital ("+ 22 ° С"), as a detokeniser leaves a unit, unless the words after it are in
    the same script (a Russian sentence: "+5 ° С сегодня")."""
    neighbours = text[start - 1 : start] + text[end : end + 1]
    if any(char.isdigit() or char in "°=<>" or _latin().match(char) for char in neighbours):
        return True
    if not text[max(0, start - 3) : start].rstrip(" \t").endswith("°") or not text[start:end].isupper():
        return False
    following = text[end : end + 3].lstrip(" \t")[:1]
    return not (following.isalpha() and not following.isascii())  # a unit, not a word of a Russian sentence


@cache
def latin_look_alike(letter: str) -> str | None:
    """The Latin letter ``letter`` is confusable with, per Unicode's confusables data, or None."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(letter, preferred_aliases=["latin"], greedy=True) or []
    for entry in found:
        for glyph in entry["homoglyphs"]:
            if len(glyph["c"]) == 1 and _latin().match(glyph["c"]):
                return glyph["c"]
    return None


class LookAlikeDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "look-alike")

    def warm_up(self) -> None:
        """Loads now what the first text that needs it would load (see ``Checker.warm_up``)."""
        _lone()

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        first = analysis.first_maybe_foreign
        if first is None:
            return
        for match in _lone().finditer(text, first):
            start, end = match.span()
            if not in_latin_token(text, start, end):
                continue
            latin = latin_look_alike(match.group())
            if latin is None:
                continue
            yield self.rule.finding(
                self.rule.message.format(found=match.group(), latin=latin),
                start,
                end,
                (Fix(start, end, latin, Applicability.SAFE),),
            )
