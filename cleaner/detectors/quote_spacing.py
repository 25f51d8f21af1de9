"""Quotation marks with their spaces on the wrong side: 'the " Big Bang. "', 'controversial,"he said'.

MT output that was tokenised and never detokenised spaces quotes off their words, and detokenisers that
cannot tell a straight quote's side glue it to both neighbours or move the space across it
('released" KO" on'). Curly quotes say their side themselves; a straight one's side follows from its
place on its line: the first, third, … opens, the second, fourth, … closes. That is counting, which a
pattern cannot do, so this is code. Only lines whose straight quotes pair are read, and none with a quote
right after a digit (inches, 6" x 4"), which would throw the count off; a quotation that runs over
several paragraphs opens each without closing it, and its lines do not pair.

An opening quote loses the space after it and gets one before it where it is stuck to a word; a closing
one loses the space before it where punctuation or the line's end follows, and gets one after it where
a word is stuck to it. A closing quote spaced off its words and stuck to the next one ('this, "Marina
said') is ``punctuation.detached-closing-quote``'s: moving it changes what is quoted. Only spaces move,
so every repair is ``safe``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule

_GAP = " \t"
_AFTER_CLOSING = ".,;:!?)]"
"""What may follow a closing quote spaced off its words for the space to be the quote's fault."""
_STUCK_AFTER = ",:"
"""Punctuation an opening quote may be glued to ('said,"We'); a closing one takes ,.!? ('so,"he')."""
_STRAIGHT = re.compile('"')
_CURLY_OPENING = re.compile(r"“(?P<inner>[ \t]+)(?=\w)")


class QuoteSpacingDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "quote-spacing")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        """Only the lines that hold a quotation mark are looked at."""
        text = analysis.text
        if '"' in text:
            yield from self._straight(analysis)
        if "“" in text or "”" in text:
            yield from self._curly(analysis)

    def _straight(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        hit = text.find('"')
        while hit != -1:
            start = text.rfind("\n", 0, hit) + 1
            end = text.find("\n", hit)
            end = len(text) if end == -1 else end
            quotes = [found.start() for found in _STRAIGHT.finditer(text, hit, end)]
            if len(quotes) % 2 == 0 and not any(text[q - 1].isdigit() for q in quotes if q > start):
                sides = [_side(text, quote, start, end) for quote in quotes]
                astray = {
                    number for number, side in enumerate(sides) if side == ("close", "open")[number % 2]
                }
                for number, quote in enumerate(quotes):
                    if astray - {number}:
                        break  # another quote sits where its count says it cannot: the count is off
                    opening = number % 2 == 0
                    fix = (_opening_fix if opening else _closing_fix)(text, quote, start, end)
                    if fix is not None and not analysis.is_protected(quote, quote + 1):
                        yield self.rule.finding(self.rule.message, quote, quote + 1, (fix,))
            hit = text.find('"', end)

    def _curly(self, analysis: TextAnalysis) -> Iterator[Finding]:
        """Curly quotes say their side: an opening one before a space and a word, a closing one after a
        word and a space (found from the mark: a pattern opening with the space would be tried at every
        space of the text)."""
        text = analysis.text
        for match in _CURLY_OPENING.finditer(text):
            fix = Fix(*match.span("inner"), "", Applicability.SAFE)
            yield self.rule.finding(self.rule.message, match.start(), match.start() + 1, (fix,))
        hit = text.find("”")
        while hit != -1:
            inner = hit
            while inner > 0 and text[inner - 1] in _GAP:
                inner -= 1
            after = text[hit + 1 : hit + 2]
            closes = after == "" or after.isspace() or after in _AFTER_CLOSING
            if 0 < inner < hit and _is_word(text[inner - 1]) and closes:
                yield self.rule.finding(
                    self.rule.message, hit, hit + 1, (Fix(inner, hit, "", Applicability.SAFE),)
                )
            hit = text.find("”", hit + 1)


def _side(text: str, quote: int, start: int, end: int) -> str | None:
    """The side a straight quote plainly stands on by its neighbours, or None where they do not say:
    "open" after a space and before a word ('the "Big'), "close" after a word and before a space or
    punctuation ('Bang." He'). One that plainly stands on the side its count says it cannot betrays a
    stray quote earlier on the line (a long line with an inch mark, a quotation carried over from the
    paragraph before), after which the count says nothing."""
    spaced_before = quote == start or text[quote - 1] in " \t(["
    after = text[quote + 1] if quote + 1 < end else ""
    if spaced_before and after.isalnum():
        return "open"
    if not spaced_before and after in ("", *_GAP, *_AFTER_CLOSING):
        return "close"
    return None


def _opening_fix(text: str, quote: int, start: int, end: int) -> Fix | None:
    """The repair of the opening quote at ``quote`` on the line ``text[start:end]``; None if it is right."""
    before = text[quote - 1] if quote > start else ""
    inner = quote + 1
    while inner < end and text[inner] in _GAP:
        inner += 1
    if inner == end or not text[inner].isalnum():
        return None
    if inner > quote + 1:  # spaced off the words it opens
        if _is_letter(before):  # and stuck to the word before: the space moves across it
            return Fix(quote, inner, ' "', Applicability.SAFE)
        if before in ("", *_GAP, "(", "["):
            return Fix(quote + 1, inner, "", Applicability.SAFE)
        return None
    stuck = _is_letter(before) or (
        before in _STUCK_AFTER and quote - 1 > start and _is_letter(text[quote - 2])
    )
    return Fix(quote, quote + 1, ' "', Applicability.SAFE) if stuck and _is_letter(text[inner]) else None


def _closing_fix(text: str, quote: int, start: int, end: int) -> Fix | None:
    """The repair of the closing quote at ``quote`` on the line ``text[start:end]``; None if it is right."""
    after = text[quote + 1] if quote + 1 < end else ""
    inner = quote
    while inner > start and text[inner - 1] in _GAP:
        inner -= 1
    if inner < quote:  # spaced off the words it closes
        spaced_off = inner > start and text[inner - 1] != '"'
        return (
            Fix(inner, quote, "", Applicability.SAFE)
            if spaced_off and after in ("", *_AFTER_CLOSING)
            else None
        )
    before = text[quote - 1]
    stuck = _is_letter(before) or (before in ",.!?" and quote - 1 > start and _is_letter(text[quote - 2]))
    return Fix(quote, quote + 1, '" ', Applicability.SAFE) if stuck and _is_letter(after) else None


def _is_letter(char: str) -> bool:
    return char.isalpha()


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
