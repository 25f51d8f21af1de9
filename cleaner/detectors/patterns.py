"""The engine behind every rule that is a pattern: a regular expression plus word conditions."""

from __future__ import annotations

import re
import string
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cleaner.analysis import TextAnalysis
from cleaner.detectors.anchors import AnchorScan, set_characters
from cleaner.detectors.reach import LONG_LINE, Reach, reach
from cleaner.findings import Finding, Fix
from cleaner.lexicon import is_abbreviation
from cleaner.ruleset import BudgetedPattern, Condition, Rule, render

MESSAGE_QUOTE = 60
"""Characters of matched text a message quotes at most (longer words are cut in the middle)."""


class PatternDetector:
    """Runs every pattern rule, grouped by anchor: the lines each distinct anchor occurs in are found
    for all anchors at once (``AnchorScan``), and decide, for all the rules that share an anchor,
    whether the text holds a line to scan at all. Most texts hold none for most anchors, and then their
    rules cost nothing more (not even the casing test some of them need).

    Before its scan, a rule whose every match holds one of a few characters (``required_characters``)
    is skipped on a text without them: ``char in text`` is a fast string search, far cheaper than the
    pattern's scan (``re`` tries a pattern that opens with a character set or a lookbehind at every
    character)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = [rule for rule in rules if rule.pattern is not None]
        by_anchor: dict[re.Pattern[str] | BudgetedPattern | None, list[Rule]] = {}
        for rule in self.rules:
            by_anchor.setdefault(rule.anchor, []).append(rule)
        anchors = [anchor for anchor in by_anchor if anchor is not None]
        self._anchors = AnchorScan(anchors)
        self._groups = [
            (
                None if anchor is None else anchors.index(anchor),
                [
                    (rule, _required(rule.pattern), _Lazy(rule.pattern), _shared(rule, group))
                    for rule in group
                ],
            )
            for anchor, group in by_anchor.items()
        ]

    def warm_up(self) -> None:
        """Loads now what the first text that needs it would load (see ``Checker.warm_up``)."""
        self._anchors.combine()

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        found = self._anchors.lines(text)
        chars: frozenset[str] | None = None
        scanned: dict[re.Pattern[str], list[re.Match[str]]] = {}
        for anchor, rules in self._groups:
            occurrences = None if anchor is None else found[anchor]
            if occurrences is None:
                lines = [(0, len(text))]
            elif occurrences:
                lines = occurrences.pairs()
            else:
                continue
            scanned.clear()
            for rule, required, lazy, shared in rules:
                if required is not None and not any(char in text for char in required):
                    continue
                assert rule.pattern is not None
                if shared is not None and shared in scanned:
                    matches: Iterable[re.Match[str]] = scanned[shared]
                elif occurrences is not None and occurrences.starts and lazy.get() is not None:
                    if chars is None:
                        chars = frozenset(text)
                    windows = _windows(text, lines, occurrences.starts, lazy.get(), chars)  # type: ignore[arg-type]
                    matches = _window_matches(rule.pattern, text, windows)
                else:
                    finditer = rule.pattern.finditer
                    matches = (match for start, end in lines for match in finditer(text, start, end))
                if shared is not None and shared not in scanned:
                    matches = scanned[shared] = list(matches)
                yield from self._find_rule(rule, analysis, matches)

    @staticmethod
    def _find_rule(rule: Rule, analysis: TextAnalysis, matches: Iterable[re.Match[str]]) -> Iterator[Finding]:
        text = analysis.text
        for match in matches:
            start, end = match.span(rule.flag or 0)
            # the word tests first: most candidates fail them, and a text none passes never has its
            # protected spans found (a scan of the whole text, some tenth of a rule's cost on articles)
            if not all(cond.holds(_condition_text(cond, match, text)) for cond in rule.where):
                continue
            # whether the text capitalises its sentences is a pass over all of it: asked once a
            # candidate has passed its word tests, as most texts give a cased-only rule none
            if rule.cased_text_only and not analysis.is_cased:
                return
            if rule.protect and analysis.is_protected(*match.span()):
                continue
            fixes = []
            for template in rule.fixes:
                if template.when is not None and match.start(template.when) < 0:
                    continue  # the optional group that says where this candidate fits did not match
                if not all(cond.holds(_condition_text(cond, match, text)) for cond in template.where):
                    continue  # the words are not what this candidate is for
                if template.span is None:
                    fix_start, fix_end = start, end
                else:
                    fix_start, fix_end = match.span(0 if template.span == "match" else template.span)
                replacement = render(template.replacement, match)
                if replacement != analysis.text[fix_start:fix_end]:
                    fixes.append(Fix(fix_start, fix_end, replacement, template.applicability))
            yield rule.finding(render(rule.message, match, shorten=MESSAGE_QUOTE), start, end, fixes)


def _shared(rule: Rule, group: Sequence[Rule]) -> re.Pattern[str] | None:
    """The pattern of a rule whose anchor's group holds another rule of the same pattern (rules that
    find the same candidates and judge them by different words), so that the lines are scanned for its
    matches once per text; None for a pattern of its own, and for a user rule's budgeted one (each rule
    spends its own time budget)."""
    pattern = rule.pattern
    if not isinstance(pattern, re.Pattern):
        return None
    same = [other for other in group if other.pattern == pattern]
    return pattern if len(same) > 1 else None


class _Lazy:
    """A rule's ``Reach``, worked out the first time a text has a long line for it."""

    __slots__ = ("done", "pattern", "reach")

    def __init__(self, pattern: re.Pattern[str] | BudgetedPattern | None) -> None:
        self.pattern, self.reach, self.done = pattern, None, False

    def get(self) -> Reach | None:
        if not self.done:
            self.reach, self.done = reach(self.pattern), True
        return self.reach


def _windows(
    text: str, lines: list[tuple[int, int]], starts: array[int], found: Reach, chars: frozenset[str]
) -> Iterator[tuple[int, int, int]]:
    """An anchor's lines as (start, end, last anchor) to scan: a short line whole, a long one in windows
    around the anchor's ``starts`` (``Reach``)."""
    for first, last in lines:
        if last - first <= LONG_LINE:
            yield first, last, last
            continue
        inside = starts[bisect_left(starts, first) : bisect_left(starts, last)]
        yield from found.windows(text, (first, last), inside, chars)


def _window_matches(
    pattern: re.Pattern[str] | BudgetedPattern, text: str, windows: Iterable[tuple[int, int, int]]
) -> Iterator[re.Match[str]]:
    """The matches of ``finditer(text, start, end)`` in each window that start at or before its last
    anchor: those of a scan of the whole line (``reach``)."""
    for start, end, last in windows:
        for match in pattern.finditer(text, start, end):
            if match.start() > last:
                break
            yield match


def _condition_text(condition: Condition, match: re.Match[str], text: str) -> str:
    """What a condition tests: its group's text, or the clause up to the group's end."""
    if not condition.clause:
        return match.group(condition.group) or ""
    end = match.end(condition.group)
    return clause_before(text, end) if end >= 0 else ""


CLAUSE_REACH = 400
"""Characters a clause is looked for before a stop: a longer one holds a verb anyway."""
_CLAUSE_BREAK = re.compile(r"(?:(?P<word>[\w.]*)[.!?][\"”’)\]]*[ \t]+|[;\n\r])")


def clause_before(text: str, end: int) -> str:
    """The clause that ends at ``end``: from the last sentence end (a full stop, "?" or "!" and a
    space), semicolon or line break before it. A stop after an abbreviation or an initial ("Mr. Smith",
    "J. Smith") ends no sentence, so the clause goes on before it."""
    start = max(0, end - CLAUSE_REACH)
    for found in _CLAUSE_BREAK.finditer(text, start, end):
        word = found.group("word")
        if word is not None and (len(word) == 1 or is_abbreviation(word)):
            continue
        start = found.end()
    return text[start:end]


def _required(pattern: re.Pattern[str] | BudgetedPattern | None) -> frozenset[str] | None:
    """A rule's or an anchor's required characters; none for a user rule's budgeted pattern."""
    return required_characters(pattern) if isinstance(pattern, re.Pattern) else None


def required_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters of which every match of ``pattern`` holds at least one, or None if that cannot be
    read off the pattern: a text with none of them is skipped without a scan.

    Read from the parsed pattern's top level (``re``'s own parser): an item every match must consume,
    a literal or a small set of them ("⁇+", "[\\u200b\\u00ad]+", "," in ",[ \\t]*,"), also inside a
    lookaround that must hold ("[?!]" in "\\.(?<=[?!]\\.)"); of several such items, the one least likely
    in English text (fewest characters every English text holds, then fewest ASCII characters).
    Case-insensitive patterns, character categories and negated sets give None.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _parser  # the parser ``re.compile`` itself uses

        items = list(_parser.parse(pattern.pattern, pattern.flags & ~re.UNICODE))
    except Exception:  # a parser of another Python version, or another shape: no shortcut
        return None
    found = [chars for chars in _sequence_characters(items) if chars]
    return min(found, key=_likelihood, default=None)


_MAX_SET = 32
_EVERYWHERE = frozenset(string.ascii_letters + string.digits + " \n.,")
"""Characters nearly every English text holds: a set with one of them skips almost no text."""


def _likelihood(chars: frozenset[str]) -> tuple[int, int, int]:
    return (len(chars & _EVERYWHERE), sum(c.isascii() for c in chars), len(chars))


def _sequence_characters(items: Sequence[Any]) -> Iterator[frozenset[str]]:
    """The character sets of the items of one sequence that every match of it consumes."""
    for item in items:
        chars = _item_characters(item)
        if chars:
            yield chars


def _item_characters(item: Any) -> frozenset[str] | None:
    from re import _constants as sre

    op, value = item
    if op is sre.LITERAL or op is sre.IN:
        chars = set_characters(item, _MAX_SET)
        return chars if chars is not None and len(chars) <= _MAX_SET else None
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)) and value[0] >= 1:
        return next(_sequence_characters(list(value[2])), None)
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = value
        return None if add_flags & re.IGNORECASE else next(_sequence_characters(list(body)), None)
    if op is sre.ASSERT:  # a lookahead or lookbehind that must match: (direction, body)
        return next(_sequence_characters(list(value[1])), None)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return next(_sequence_characters(list(value)), None)
    if op is sre.BRANCH:
        alternatives = [next(_sequence_characters(list(branch)), None) for branch in value[1]]
        if all(alternatives):
            return frozenset().union(*alternatives)  # type: ignore[arg-type]
    return None
