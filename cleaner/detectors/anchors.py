"""The lines where each of many anchors occurs, found in a few fast scans rather than one per anchor.

An anchor says where its rules need to look: a rule runs only over the lines its anchor occurs in
(``Rule.anchor``). Nearly every anchor opens with one character of a few ("\\.", "[.,;:!?]", "\\u00a0"),
and ``re`` finds a pattern's leading literal character with a fast loop, where it tries a pattern that
opens with a character set, or each of twenty anchors in turn, at every character again. So the
anchors that open with a literal (or a small set of them) are scanned together, one scan per leading
character: the character, then a lookahead that holds when the rest of any anchor follows it, then one
optional capturing lookahead per anchor that records where that anchor's match ends. A text with one
sentence a line (most translated articles) has a full stop on every line and an anchor on almost none,
so what counts is the scan, paid once per leading character instead of once per anchor.

The lines found are exactly those of each anchor's own ``finditer``: a match of an anchor at a
position is the match of its leading character there followed by the rest's first match after it,
which the capturing lookahead finds with the same backtracking; ``finditer``'s matches do not overlap,
so a match that starts before the previous one's end is dropped as ``finditer`` would never find it.
Anchors this cannot take (groups, flags, another first item, a user rule's time-bounded pattern) are
scanned alone, as all are on the first few hundred kilobytes of a run (``COMBINE_AFTER``).
"""

from __future__ import annotations

import heapq
import itertools
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cleaner.detectors.reach import LONG_LINE
from cleaner.ruleset import BudgetedPattern

Anchor = re.Pattern[str] | BudgetedPattern

_LEADING = re.compile(r"\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|\\.|[^\\.^$*+?{}()|\[]|\[(?:\\.|[^\\\]])+\]")
"""What may spell an anchor's first item: an escape, a plain character or a character set. Only a
proposal: ``_split`` accepts it when ``re``'s parser reads the whole pattern as that item, then the rest."""
_MAX_LEADING = 8
"""Leading characters an anchor may open with to be split: each one is a scan of the text."""


COMBINE_AFTER = 256 * 1024
"""Characters scanned anchor by anchor before the combined scans are built. Building them (parsing and
compiling every anchor again) takes some 6 ms, which they save on about this much text: a run on one
article, a pre-commit hook's, never pays for them."""


class AnchorScan:
    """Finds, for every text, the lines each of ``anchors`` occurs in. Build once, use on many texts:
    the first ``combine_after`` characters are scanned anchor by anchor, the rest together."""

    def __init__(self, anchors: Sequence[Anchor], combine_after: int = COMBINE_AFTER) -> None:
        self.anchors = list(anchors)
        self._alone: list[tuple[int, Anchor]] = list(enumerate(self.anchors))
        self._scans: list[tuple[re.Pattern[str], list[int]]] = []
        self._until_combined: int | None = combine_after
        self._several: frozenset[int] = frozenset()
        """The anchors that open with one of several characters, found by as many scans: the matches of
        one scan come in order, theirs are sorted."""
        """Characters still to scan before the scans are combined; None once they are."""

    def combine(self) -> None:
        """Builds the combined scans now, whatever has been scanned so far: for a run that will scan far
        more than ``combine_after`` characters (``Checker.warm_up``)."""
        if self._until_combined is not None:
            self._combine()

    def _combine(self) -> None:
        rests: dict[str, list[tuple[int, str, frozenset[str] | None]]] = {}
        self._alone = []
        for index, anchor in enumerate(self.anchors):
            split = _split(anchor) if isinstance(anchor, re.Pattern) else None
            if split is None:
                self._alone.append((index, anchor))
                continue
            leading, rest, opening = split
            for char in sorted(leading):
                rests.setdefault(char, []).append((index, rest, opening))
        self._scans = [
            (
                _scan(char, [(rest, opening) for _, rest, opening in members]),
                [index for index, _, _ in members],
            )
            for char, members in rests.items()
        ]
        counts = Counter(index for _, members in self._scans for index in members)
        self._several = frozenset(index for index, count in counts.items() if count > 1)
        self._until_combined = None

    def lines(self, text: str) -> list[Occurrences]:
        """For each anchor, in order, the lines (line break included) where it occurs, once each, and
        where its matches start in lines longer than ``LONG_LINE``."""
        if self._until_combined is not None:
            if self._until_combined <= 0:
                self._combine()
            else:
                self._until_combined -= len(text)
        # Each anchor's matches as one array of starts and ends, not a list of pairs: a 50 MB text has
        # some hundred thousand stops before a capital, which as pairs of Python integers cost 20 MiB.
        code = _typecode(text)
        spans = [array(code) for _ in self.anchors]
        runs: list[list[int]] = [[] for _ in self.anchors]  # where each scan's matches begin, per anchor
        for scan, members in self._scans:
            for index in members:
                runs[index].append(len(spans[index]))
            for match in scan.finditer(text):
                start = match.start()
                for group, index in enumerate(members, 1):
                    end = match.end(group)
                    if end >= 0:
                        spans[index].extend((start, end))
        for index, anchor in self._alone:
            for match in anchor.finditer(text):
                spans[index].extend(match.span())
        # Each anchor's matches are dropped as soon as its lines are found: on a 50 MB line, all of them
        # at once (some 9 MiB) beside the lines' starts made from them was the peak of a check.
        occurrences: list[Occurrences] = []
        spans.reverse()
        while spans:
            found = spans.pop()
            index = len(occurrences)
            several = runs[index] if index in self._several else [0]
            occurrences.append(_lines(text, _pairs(found, several), code) if found else _NONE)
        return occurrences


class Occurrences:
    """Where one anchor occurs in a text: its lines, as a flat array of each line's start and end (line
    break included), and the starts of its matches in lines longer than ``LONG_LINE`` (those lines are
    scanned in windows around them: ``reach``)."""

    __slots__ = ("lines", "starts")

    def __init__(self, code: str = "q") -> None:
        self.lines = array(code)
        self.starts: array[int] | None = None
        """None where no line is long."""

    def __bool__(self) -> bool:
        return bool(self.lines)

    def pairs(self) -> list[tuple[int, int]]:
        """The lines as (start, end) pairs."""
        return list(_pairs(self.lines, [0]))


_NONE = Occurrences()
"""What an anchor that does not occur has (shared: never written to)."""


def _pairs(flat: array[int], runs: Sequence[int]) -> Iterator[tuple[int, int]]:
    """The (start, end) pairs of a flat array in order. Where several scans found them, ``runs`` says
    where each scan's (ordered) matches begin, and the runs are merged as they are read: sorting them as
    a list of pairs held a 50 MB line's half million anchor matches as Python tuples, 28 MiB."""
    view = memoryview(flat)
    bounds = [*runs, len(flat)]
    ordered = []
    for start, end in itertools.pairwise(bounds):
        items = iter(view[start:end])
        ordered.append(zip(items, items, strict=True))
    return ordered[0] if len(ordered) == 1 else heapq.merge(*ordered)


def _typecode(text: str) -> str:
    """The array type of offsets into ``text``: 4 bytes an offset where they fit (a 50 MB line's anchor
    matches, a million and more offsets, take half the memory), else 8."""
    return "i" if len(text) < 2**31 - 1 else "q"


def _lines(text: str, spans: Iterable[tuple[int, int]], code: str) -> Occurrences:
    """The lines of an anchor's matches as ``finditer`` gives them, from every match position in order
    (a match starting inside the one before is no match of ``finditer``'s, and is dropped)."""
    found = Occurrences(code)
    lines = found.lines
    starts = None
    after = 0
    line_end = -1
    for start, end in spans:
        if start < after:
            continue
        after = end
        if start >= line_end:
            first = text.rfind("\n", 0, start) + 1
            last = text.find("\n", end)
            line_end = len(text) if last == -1 else last + 1
            lines.extend((first, line_end))
            if line_end - first > LONG_LINE and starts is None:
                starts = found.starts = array(code)
            long = line_end - first > LONG_LINE
        if long:
            starts.append(start)  # type: ignore[union-attr]
    return found


def _scan(char: str, rests: list[tuple[str, frozenset[str] | None]]) -> re.Pattern[str]:
    """One scan for the anchors that open with ``char`` (each given as its rest and the opening of the
    rest): a match wherever one of them matches, its group ``n`` ending where the ``n``-th anchor's
    match ends (unset where that anchor does not match).

    Each rest is tried at every occurrence of ``char``, and nearly all of them fail; a rest that opens
    with lookbehinds ("(?<=\\bis\\.)") would run them all before its first character ("[ \\t]") fails
    on the line break after a sentence's stop. So the rests whose first character can be told are tried
    together behind one lookahead for any of those characters, which fails at once."""
    told = [f"(?:{rest})" for rest, opening in rests if opening]
    alternatives = [f"(?:{rest})" for rest, opening in rests if not opening]
    if told:
        first = _character_set(frozenset().union(*(opening for _, opening in rests if opening)))
        alternatives.append(f"(?={first})(?:{'|'.join(told)})")
    each = "".join(
        f"(?=({rest if opening is None else f'(?={_character_set(opening)}){rest}'}))?"
        for rest, opening in rests
    )
    return re.compile(f"{re.escape(char)}(?={'|'.join(alternatives)}){each}")


def _character_set(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


def _split(anchor: re.Pattern[str]) -> tuple[frozenset[str], str, frozenset[str] | None] | None:
    """The characters an anchor's match opens with, the pattern of the rest of it and the rest's
    opening (``_first_characters``), or None when the anchor is not a plain pattern opening with a
    literal or a small set of literals."""
    if anchor.groups or anchor.flags != re.UNICODE:
        return None
    leading = _LEADING.match(anchor.pattern)
    if leading is None:
        return None
    rest = anchor.pattern[leading.end() :]
    try:
        from re import _parser  # the parser ``re.compile`` itself uses

        whole = list(_parser.parse(anchor.pattern))
        after = _parser.parse(rest)
        if not whole or repr(whole[1:]) != repr(list(after)):
            return None  # the rest quantifies or joins the first item ("a+", "a|b"): no first item alone
        chars = _literals(whole[0])
        opening = _first_characters(after.state, list(after)) if chars else None
    except Exception:  # a parser of another Python version, or a rest that is no pattern alone
        return None
    if not chars:
        return None
    return chars, rest, opening if opening and len(opening) <= _MAX_OPENING else None


def _literals(item: Any) -> frozenset[str] | None:
    """The characters a parsed item matches: a literal, or a set of at most ``_MAX_LEADING`` literals."""
    chars = set_characters(item, 1)  # no range is narrower than two code points
    return chars if chars is not None and len(chars) <= _MAX_LEADING else None


_MAX_OPENING = 128
"""Characters a rest's opening (the first character it consumes) may be to be tested for
(``[A-Za-z]`` is 52): a wider set is no quick test."""


def set_characters(item: Any, widest_range: int) -> frozenset[str] | None:
    """The characters a parsed literal or character set (``re._parser``'s LITERAL or IN item) matches;
    None for anything else, for a negated set or a category (``\\w``, ``\\s``), and for a set holding a
    range of ``widest_range`` code points or more: too many characters to search for one by one."""
    from re import _constants as sre

    op, value = item
    if op is sre.LITERAL:
        return frozenset(chr(value))
    if op is not sre.IN:
        return None
    chars: set[str] = set()
    for kind, argument in value:
        if kind is sre.LITERAL:
            chars.add(chr(argument))
        elif kind is sre.RANGE and argument[1] - argument[0] < widest_range:
            chars.update(chr(code) for code in range(argument[0], argument[1] + 1))
        else:
            return None
    return frozenset(chars)


def _first_characters(state: Any, items: list[Any]) -> frozenset[str] | None:
    """The characters a match of the sequence ``items`` may consume first; None where it may consume
    nothing, or its first character is of a category, a negated set or a case-insensitive group."""
    from re import _constants as sre
    from re import _parser

    for item in items:
        low, high = _parser.SubPattern(state, [item]).getwidth()
        if high == 0:
            continue  # a lookaround, "\\b", or a group of them: consumes nothing
        if low == 0:
            return None  # optional: the first character may be its or the next item's
        op, value = item
        if op is sre.LITERAL or op is sre.IN:
            return set_characters(item, _MAX_OPENING)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            return _first_characters(state, list(value[2]))
        if op is sre.SUBPATTERN:
            return None if value[1] & re.IGNORECASE else _first_characters(state, list(value[3]))
        if op is sre.BRANCH:
            branches = [_first_characters(state, list(branch)) for branch in value[1]]
            return None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        return None
    return None
