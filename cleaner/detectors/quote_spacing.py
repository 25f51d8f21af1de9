"""Quotation marks with their spaces on the wrong side: 'the " Big Bang. "', 'controversial,"he said'.

MT output that was tokenised and never detokenised spaces quotes off their words, and detokenisers that
cannot tell a straight quote's side glue it to both neighbours or move the space across it
('released" KO" on'). Curly quotes say their side themselves; a straight one's side follows from its
place on its line: the first, third, … opens, the second, fourth, … closes. That is counting, which a
pattern cannot do, so this is code. Only lines whose straight quotes pair are read, and none with a quote
right after a digit (inches, 6" x 4"), which would throw the count off; a quotation that runs over
several paragraphs opens each without closing it, and its lines do not pair: on such a line only a quote
that opens the line or ends it is read, its place saying its side.

An opening quote loses the space after it, which moves before it where it is glued to a word
('released" KO"'); a closing one loses the space before it where punctuation or the line's end follows,
and gets one after it where a word is glued to it ('controversial,"he'). A pair is repaired only where
its other quote confirms the reading, and a quote glued on both sides where one opens is left alone:
data and code write quotes so (`Smith,"New York"`, `-m"fix"`). A closing quote spaced off its words and
glued to the next one ('this, "Marina said') is ``punctuation.detached-closing-quote``'s: moving it
changes what is quoted. Only spaces move, so every repair is ``safe``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis, line_end
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule

_GAP = " \t"
_AFTER_CLOSING = ".,;:!?)]"
"""What may follow a closing quote spaced off its words for the space to be the quote's fault."""
_STRAIGHT = re.compile('"')
_CURLY_OPENING = re.compile(r"(?<![^\s(\[])“(?P<inner>[ \t]+)(?=\w)")
"""A curly opening quote where one opens (a line's start, a space, a bracket) spaced off its word: one
after a word or a dash is a closing quote written the wrong way round ("Stop—“ he said", „frei“)."""


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
            end = line_end(text, hit)
            content_end = end - 1 if end > start and text[end - 1] == "\r" else end
            quotes = [found.start() for found in _STRAIGHT.finditer(text, hit, content_end)]
            fixes = _straight_fixes if len(quotes) % 2 == 0 else _edge_fixes
            for quote, fix in fixes(text, quotes, start, content_end):
                if not analysis.is_protected(quote, quote + 1):
                    yield self.rule.finding(self.rule.message, quote, quote + 1, (fix,))
            hit = text.find('"', end)

    def _curly(self, analysis: TextAnalysis) -> Iterator[Finding]:
        """Curly quotes say their side: an opening one before a space and a word, a closing one after a
        word and a space, each only where its partner is on the line (a lone "”" in a table is a ditto
        mark). The closing ones are found from the mark: a pattern opening with the space would be tried
        at every space of the text."""
        text = analysis.text
        for match in _CURLY_OPENING.finditer(text):
            if _on_line(text, text.find("”", match.end()), match.end()):
                fix = Fix(*match.span("inner"), "", Applicability.SAFE)
                yield self.rule.finding(self.rule.message, match.start(), match.start() + 1, (fix,))
        hit = text.find("”")
        while hit != -1:
            inner = hit
            while inner > 0 and text[inner - 1] in _GAP:
                inner -= 1
            after = text[hit + 1 : hit + 2]
            closes = after == "" or after.isspace() or after in _AFTER_CLOSING
            opened = _on_line(text, text.rfind("“", 0, inner), inner)
            if 0 < inner < hit and _is_word(text[inner - 1]) and closes and opened:
                yield self.rule.finding(
                    self.rule.message, hit, hit + 1, (Fix(inner, hit, "", Applicability.SAFE),)
                )
            hit = text.find("”", hit + 1)


def _on_line(text: str, found: int, position: int) -> bool:
    """Whether ``found`` (a ``find`` or ``rfind`` result, -1 for none) is on the line of ``position``:
    asked of the text between them, not of a copy of the line (on a file of one line, a copy of all of
    it for every quote)."""
    if found == -1:
        return False
    return text.find("\n", min(found, position), max(found, position)) == -1


def _straight_fixes(text: str, quotes: list[int], start: int, end: int) -> Iterator[tuple[int, Fix]]:
    """The repairs of the straight quotes ``quotes`` on the line ``text[start:end]``, pair by pair.

    Read only where the count can be trusted: the quotes pair, none follows a digit (inches), and none
    but the one repaired stands plainly on the side its count says it cannot (a stray quote earlier on
    a long line, a quotation carried over from the line before, shifts the count). A pair is repaired
    only where its other quote confirms it: it stands plainly on its side, or it is spaced off the same
    words (a tokeniser's '" Big Bang. "')."""
    if len(quotes) % 2 or any(text[q - 1].isdigit() for q in quotes if q > start):
        return
    sides = [_side(text, quote, start, end) for quote in quotes]
    astray = [number for number, side in enumerate(sides) if side == ("close", "open")[number % 2]]
    if len(astray) > 1:
        return
    for number in range(0, len(quotes), 2):
        opening, closing = quotes[number], quotes[number + 1]
        if astray and astray[0] not in (number, number + 1):
            continue
        open_inner = _inner_after(text, opening, end)
        close_inner = _inner_before(text, closing, start)
        if open_inner > opening + 1 and (sides[number + 1] == "close" or close_inner < closing):
            before = text[opening - 1] if opening > start else ""
            if _glued_word(text, opening, start) >= 2:  # 'released" KO"': the space moves across it
                yield opening, Fix(opening, open_inner, ' "', Applicability.SAFE)
            elif before in ("", *_GAP, "(", "["):
                yield opening, Fix(opening + 1, open_inner, "", Applicability.SAFE)
        after = text[closing + 1] if closing + 1 < end else ""
        if close_inner < closing and (sides[number] == "open" or open_inner > opening + 1):
            if after in ("", *_AFTER_CLOSING) or (after in _GAP and open_inner > opening + 1):
                yield closing, Fix(close_inner, closing, "", Applicability.SAFE)
        elif close_inner == closing and sides[number] == "open" and _is_letter(after):
            before = text[closing - 1]
            if _is_letter(before) or (before in ",.!?" and _is_letter(text[closing - 2])):
                yield closing, Fix(closing, closing + 1, '" ', Applicability.SAFE)


def _edge_fixes(text: str, quotes: list[int], start: int, end: int) -> Iterator[tuple[int, Fix]]:
    """The repairs of a line whose straight quotes do not pair, where its place says a quote's side
    without counting: a quotation that runs over several lines opens on one ('" So much time was not
    available.') and closes on another ('staying power. "'). A quote that opens the line before a space
    and a word, or ends it after a sentence's punctuation and a space, is spaced off its words; one space,
    as a tokeniser leaves it: a ditto mark in a column ('Jones, K.       "') has its run of them."""
    first, last = quotes[0], quotes[-1]
    words = _inner_after(text, first, end)
    if first == start and words == first + 2 and text[words].isalpha():  # '"     Ripe' is a ditto mark
        yield first, Fix(first + 1, words, "", Applicability.SAFE)
    trailing = last + 1
    while trailing < end and text[trailing] in _GAP:
        trailing += 1
    inner = _inner_before(text, last, start)
    if trailing == end and inner == last - 1 and text[inner - 1] in _CLOSES_SENTENCE:
        yield last, Fix(inner, last, "", Applicability.SAFE)


_CLOSES_SENTENCE = ".!?,…"
"""What ends the words a closing quote at a line's end closes ('staying power. "')."""


def _side(text: str, quote: int, start: int, end: int) -> str | None:
    """The side a straight quote plainly stands on by its neighbours, or None where they do not say:
    "open" after a space and before a word ('the "Big'), "close" after a word and before a space or
    punctuation ('Bang." He')."""
    spaced_before = quote == start or text[quote - 1] in " \t(["
    after = text[quote + 1] if quote + 1 < end else ""
    if spaced_before and after.isalnum():
        return "open"
    if not spaced_before and after in ("", *_GAP, *_AFTER_CLOSING):
        return "close"
    return None


def _inner_after(text: str, quote: int, end: int) -> int:
    """Where the words after an opening quote start, past the spaces after it (the quote's own end where
    none or no word follows)."""
    inner = quote + 1
    while inner < end and text[inner] in _GAP:
        inner += 1
    return inner if inner < end and text[inner].isalnum() else quote + 1


def _inner_before(text: str, quote: int, start: int) -> int:
    """Where the words before a closing quote end, before the spaces before it (the quote itself where
    none or nothing but another quote precedes them)."""
    inner = quote
    while inner > start and text[inner - 1] in _GAP:
        inner -= 1
    return inner if inner > start and text[inner - 1] != '"' else quote


def _glued_word(text: str, quote: int, start: int) -> int:
    """The length of the Latin word glued to the left of ``quote`` (0 if none): a one-letter one is a
    string prefix in code (f"…", r"…"), not a word."""
    length = 0
    while quote - length - 1 >= start and _is_letter(text[quote - length - 1]):
        length += 1
    return length


def _is_letter(char: str) -> bool:
    """A Latin letter: a quote between two Hebrew letters is part of an abbreviation (ש"ח), not a mark."""
    return char.isalpha() and char < "\u0250"


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
