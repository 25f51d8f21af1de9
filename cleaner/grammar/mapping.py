"""LanguageTool matches -> findings: offsets from UTF-16 code units to code points, categories, and
which of its suggestions may be applied without a person's eye."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cleaner.data import read_yaml
from cleaner.findings import Applicability, Category, Finding, Fix, Severity, Source
from cleaner.lexicon import word_class

RULE_PREFIX = "languagetool."
MAX_REPLACEMENTS = 5
_SEVERITY = {
    Category.GRAMMAR: Severity.WARNING,
    Category.SPELLING: Severity.WARNING,
    Category.PUNCTUATION: Severity.WARNING,
    Category.TYPOGRAPHY: Severity.INFO,
    Category.STYLE: Severity.INFO,
}


@dataclass(frozen=True)
class Defaults:
    disabled: dict[str, str] = field(default_factory=dict)
    disabled_categories: frozenset[str] = frozenset()
    safe: dict[str, str] = field(default_factory=dict)
    """Rule id -> the word class (cleaner/data/word_classes.yaml) every word of a match must be in for
    the rule's first suggestion to be applied unasked."""
    categories: dict[str, str] = field(default_factory=dict)


@cache
def defaults() -> Defaults:
    data = read_yaml("languagetool.yaml")
    return Defaults(
        dict(data["disabled"]),
        frozenset(data["disabled_categories"]),
        dict(data["safe"]),
        dict(data["categories"]),
    )


@dataclass(frozen=True)
class DefaultTreatment:
    """One way cleaner departs from LanguageTool's own defaults, for ``cleaner rules --languagetool``."""

    id: str
    """The selector for a rule (``languagetool.EN_QUOTES``: what ``--select``/``--ignore`` take), or
    LanguageTool's id of a category."""
    kind: str
    """"rule" or "category"."""
    default: str
    """"disabled" (never reported unless enabled in the configuration) or "safe" (its first
    suggestion is applied by ``cleaner fix``)."""
    reason: str


def default_treatments() -> list[DefaultTreatment]:
    """The LanguageTool rules and categories cleaner turns off or trusts by default, each with why: read
    from cleaner/data/languagetool.yaml, so listing them needs no server."""
    data = defaults()
    rows = [
        DefaultTreatment(RULE_PREFIX + rule, "rule", "disabled", why) for rule, why in data.disabled.items()
    ]
    rows += [
        DefaultTreatment(category, "category", "disabled", "Advice on wording rather than damage.")
        for category in sorted(data.disabled_categories)
    ]
    rows += [
        DefaultTreatment(
            RULE_PREFIX + rule,
            "rule",
            "safe",
            f"Its first suggestion is right on words of the {words} class (audited).",
        )
        for rule, words in sorted(data.safe.items())
    ]
    return rows


def utf16_to_code_points(text: str) -> list[int]:
    """For each UTF-16 offset into ``text`` (0..len16), the code-point offset it falls on.

    A character outside the Basic Multilingual Plane (an emoji, say) is two UTF-16 units; an offset
    between its halves maps to the character itself.
    """
    table: list[int] = []
    for index, char in enumerate(text):
        table.append(index)
        if ord(char) > 0xFFFF:
            table.append(index)
    table.append(len(text))
    return table


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units, the unit of LanguageTool's offsets and limits."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True)
class RawMatch:
    """What cleaner keeps of a LanguageTool match (and caches): offsets already in code points."""

    start: int
    end: int
    rule_id: str
    category_id: str
    issue_type: str
    message: str
    replacements: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "rule_id": self.rule_id,
            "category_id": self.category_id,
            "issue_type": self.issue_type,
            "message": self.message,
            "replacements": list(self.replacements),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawMatch:
        return cls(
            data["start"],
            data["end"],
            data["rule_id"],
            data["category_id"],
            data["issue_type"],
            data["message"],
            tuple(data["replacements"]),
        )


def raw_match(
    paragraph: str,
    utf16_offset: int,
    utf16_length: int,
    rule_id: str,
    category_id: str,
    issue_type: str,
    message: str,
    replacements: list[str],
) -> RawMatch:
    table = utf16_to_code_points(paragraph)
    last = len(table) - 1
    start = table[min(utf16_offset, last)]
    end = table[min(utf16_offset + utf16_length, last)]
    return RawMatch(
        start, end, rule_id, category_id, issue_type, message, tuple(replacements[:MAX_REPLACEMENTS])
    )


_NAME_BEFORE_APOSTROPHE = re.compile(r"(?<![\w'’])[A-Z][^\W\d_]*['’]$")


def is_name_spelling(match: RawMatch, paragraph: str) -> bool:
    """A spelling match on a word with a capital letter: in news text nearly always a name (Sonatrach,
    BNetzA, Adlon) that no dictionary holds, so reporting it would be crying wolf. So is the rest of a
    name after its apostrophe, where LanguageTool's tokeniser cuts it ("Sa'idu", "Ba'ath")."""
    if match.issue_type != "misspelling":
        return False
    word = paragraph[match.start : match.end]
    if any(char.isupper() for char in word):
        return True
    return _NAME_BEFORE_APOSTROPHE.search(paragraph, max(0, match.start - 40), match.start) is not None


def is_name_apostrophe(match: RawMatch, paragraph: str) -> bool:
    """An unpaired "quote" that is an apostrophe between two letters: part of a name ("Rabi'u", "Da'u",
    "Baha'i"), never a quotation mark (held-out WMT21 audits: three such matches, all false)."""
    return (
        match.rule_id == "EN_UNPAIRED_QUOTES"
        and paragraph[match.start : match.end] in {"'", "’"}
        and match.start > 0
        and match.end < len(paragraph)
        and paragraph[match.start - 1].isalpha()
        and paragraph[match.end].isalpha()
    )


def is_credit_spelling(match: RawMatch, paragraph: str) -> bool:
    """A spelling match on a news agency credit ("(dpa)", "afp"): wire copy is signed with them in
    lower case, and no dictionary holds them. The list is cleaner's own (set_phrases.yaml, the
    ``agency-credits`` that also tell a credit line from a split sentence)."""
    if match.issue_type != "misspelling":
        return False
    from cleaner.lexicon import is_agency_credit  # loaded only when LanguageTool finds a misspelling

    return is_agency_credit(paragraph[match.start : match.end])


_STOP_BEFORE = re.compile(r"(?<![A-Za-z])(?P<word>[A-Za-z]+)\.[\"”’)]*\s+$")


def is_abbreviation_match(match: RawMatch, paragraph: str) -> bool:
    """A match that takes an abbreviation's word for a misspelling ("$4.7 bn.") or its full stop for a
    sentence end ("up 12 pct. from"). The list is cleaner's own (abbreviations.txt), the one that keeps
    its rules quiet at the same stops."""
    if match.issue_type == "misspelling" and paragraph.startswith(".", match.end):
        word = paragraph[match.start : match.end]
    elif match.rule_id == "UPPERCASE_SENTENCE_START":
        before = _STOP_BEFORE.search(paragraph, max(0, match.start - 24), match.start)
        if before is None:
            return False
        word = before["word"]
    else:
        return False
    from cleaner.lexicon import is_abbreviation  # its table loads only for such a match

    return is_abbreviation(word)


_READS_AS_MANNER = frozenset({"however"})
"""Linking adverbs that, without their comma, read as another word: "However the convention will be
held" is "in whatever way it is held". After the others ("Therefore the stakeholders", "Finally he
said") the comma is a house-style choice that news copy often leaves out."""


def is_comma_style(match: RawMatch, paragraph: str) -> bool:
    """A SENT_START_CONJUNCTIVE_LINKING_ADVERB_COMMA match on an adverb whose missing comma changes no
    reading (``_READS_AS_MANNER``): comma style, not damage (held-out WMT21 output judged by hand: 2 of
    its 3 matches were style, the true one was "However"; 1 of 3 on span on the TED dev set)."""
    if match.rule_id != "SENT_START_CONJUNCTIVE_LINKING_ADVERB_COMMA":
        return False
    return paragraph[match.start : match.end].strip().lower() not in _READS_AS_MANNER


def category_of(match: RawMatch) -> Category:
    if match.issue_type == "misspelling":
        return Category.SPELLING
    return Category(defaults().categories.get(match.category_id, Category.STYLE.value))


def to_finding(match: RawMatch, offset: int, paragraph: str) -> Finding:
    """A finding for a match in ``paragraph``, which starts at ``offset`` in the document. A repair over a
    line end is never safe, whatever the rule: it joins two lines, which may be a heading and its text.
    A trusted rule's repair is safe only on the words it was audited on: LanguageTool's repeated word is
    a slip in "the the" or "with with", but a name in "Adamu Adamu" or "ylang ylang" and English in
    "where a country is is"."""
    category = category_of(match)
    matched = paragraph[match.start : match.end]
    words = defaults().safe.get(match.rule_id)
    trusted = (
        words is not None
        and "\n" not in matched
        and "\r" not in matched
        and all(word in word_class(words) for word in matched.lower().split())
    )
    applicability = Applicability.SAFE if trusted else Applicability.UNSAFE
    start, end = offset + match.start, offset + match.end
    fixes = tuple(
        Fix(start, end, replacement, applicability if index == 0 else Applicability.UNSAFE)
        for index, replacement in enumerate(match.replacements)
    )
    return Finding(
        rule=RULE_PREFIX + match.rule_id,
        category=category,
        severity=_SEVERITY.get(category, Severity.INFO),
        message=match.message,
        start=start,
        end=end,
        source=Source.LANGUAGETOOL,
        fixes=fixes,
    )
