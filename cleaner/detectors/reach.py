"""How far from its anchor a rule's pattern can reach, read off the pattern: so that on a very long line
(a file with no line breaks) a rule runs near its anchor's matches instead of over the whole line.

A rule with an anchor runs over the lines its anchor occurs in (``anchors.AnchorScan``), and every
match of the rule holds the start of one of its anchor's matches (``tests/test_rule_examples.py``
checks it on every example). On a text of one sentence a line that leaves little to scan; on a text
with no line breaks (paragraphs joined by spaces, a transcript of one line) the line is the whole text,
and every rule whose anchor occurs anywhere scans all of it: a tenth of the speed.

What bounds a match is read from its pattern (``re``'s parser): the characters its unbounded repeats
can take (``[a-z-]*``, ``[ \\t]+``, a lookahead's ``[^.!?\\n]*``), and how many other characters it can
take at most, item by item (a ``\\.``, a lookbehind's one character, a ``\\b``). A match can hold no
more than that many characters outside the repeats' sets, so counting those characters back from an
anchor's start tells where a match may start at the earliest, and counting forward tells how far any
attempt to match from before the anchor can read. The pattern is then run from that start to that end
with ``finditer(text, start, end)``: it sees the text outside (a lookbehind reads before ``start``) and
never reads up to ``end``, so it finds what the whole line's scan finds there, the matches that start
at or before the last anchor of the window. Which characters count is a property of the text (the
characters it holds that no repeat takes), so the bounds are worked out per text, for long lines only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

LONG_LINE = 4096
"""Lines longer than this are scanned in windows around their anchors; shorter ones whole, as before."""
_LONGEST_BOUNDED = 64
"""A repeat of more than this many items counts as unbounded (its characters join the repeats' set)."""


_Bounds = tuple[re.Pattern[str] | None, int, re.Pattern[str] | None]


class Reach:
    """What the pattern of one rule can reach, for scanning long lines in windows; see the module."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        from re import _parser  # the parser ``re.compile`` itself uses

        self.flags = pattern.flags & (re.ASCII | re.DOTALL)
        if pattern.flags & re.IGNORECASE:
            raise ValueError("case-insensitive")
        consumed: set[str] = set()
        read: set[str] = set()
        self.tree = _tree(
            list(_parser.parse(pattern.pattern, pattern.flags)), self.flags, False, False, consumed, read
        )
        self._consumed = _class(consumed, self.flags)
        self._read = _class(read, self.flags)
        self._bounds: dict[frozenset[str], _Bounds] = {}
        self._by_characters: dict[tuple[str, str], _Bounds] = {}

    def bounds(self, chars: frozenset[str]) -> _Bounds:
        """For a text holding ``chars``: the characters no repeat of a match can take (a pattern finding
        one) and how many of them a match holds at most; and a pattern finding the stretch an attempt
        may read, up to one more of the characters no repeat reads than it can read (lookaheads and
        word boundaries included)."""
        found = self._bounds.get(chars)
        if found is None:
            consumed = "".join(
                sorted(c for c in chars if self._consumed is None or not self._consumed.match(c))
            )
            read = "".join(sorted(c for c in chars if self._read is None or not self._read.match(c)))
            found = self._by_characters.get((consumed, read))
            if found is None:  # texts of one kind hold the same characters no repeat takes
                most_read = _most(self.tree, read, reading=True)
                found = (
                    _any_of(consumed),
                    _most(self.tree, consumed, reading=False),
                    _stretch(read, most_read + 1),
                )
                self._by_characters[consumed, read] = found
            if len(self._bounds) > 64:
                self._bounds.clear()  # a run over many texts: each holds its own set of characters
            self._bounds[chars] = found
        return found

    def windows(
        self, text: str, line: tuple[int, int], starts: Sequence[int], chars: frozenset[str]
    ) -> Iterator[tuple[int, int, int]]:
        """(start, end, last anchor) of the windows of ``line`` to scan: around each anchor start in
        ``starts`` (in order, all in the line), merged where they meet. Matches that start after the
        last anchor of a window are no whole-line matches (see the module) and must be dropped.

        The line is read about once: the starts come in order, the search back from one stops at the
        window before it, and the search ahead is made again only for an anchor past the end so far."""
        consumed, most_consumed, read = self.bounds(chars)
        first, last = line
        ahead = _Ahead(text, read, last)
        # [start, end, last anchor]; the end is the last anchor's only when ``settled``: it is worked out
        # when an anchor comes at or after the end so far, not for each of a run of nearby anchors
        window: list[int] | None = None
        settled = True
        for start in starts:
            if window is not None and start >= window[1] and not settled:
                window[1], settled = ahead.end(window[2]), True
            if window is None:
                begin = _backward(text, start, first, consumed, most_consumed)
                window = [first if begin is None else begin, 0, 0]
            elif start >= window[1]:
                begin = _backward(text, start, window[1], consumed, most_consumed)
                if begin is not None:  # a match holding this anchor cannot reach back to the window
                    yield window[0], window[1], window[2]
                    window = [begin, 0, 0]
            window[2], settled = start, False
        if window is not None:
            yield window[0], ahead.end(window[2]) if not settled else window[1], window[2]


def reach(pattern: object) -> Reach | None:
    """The reach of a rule's pattern, or None where it cannot be read off (a user rule's pattern, a
    back-reference, case-insensitive matching, a parser of another Python version)."""
    if not isinstance(pattern, re.Pattern):
        return None
    try:
        return Reach(pattern)
    except Exception:  # an item this module does not know: the rule runs over whole lines
        return None


def _backward(text: str, position: int, floor: int, pattern: re.Pattern[str] | None, most: int) -> int | None:
    """The position of the ``most + 1``-th character of ``pattern`` before ``position``: a match that
    holds ``position`` starts there or after it. None when there are fewer after ``floor``."""
    if pattern is None:
        return None
    width = 256
    while True:
        low = max(floor, position - width)
        found = [match.start() for match in pattern.finditer(text, low, position)]
        if len(found) > most:
            return found[-most - 1]
        if low == floor:
            return None
        width *= 4


class _Ahead:
    """Where an attempt from before a position stops reading at the latest: just past the ``most + 1``-th
    character no repeat reads from the position on (``pattern`` finds the stretch up to there in one
    call), or the line's end ``last``; once there are too few, for every later position too."""

    def __init__(self, text: str, pattern: re.Pattern[str] | None, last: int) -> None:
        self.text, self.pattern, self.last = text, pattern, last
        self.exhausted = -1 if pattern is None else last  # from here on, too few

    def end(self, position: int) -> int:
        if position >= self.exhausted:
            return self.last
        assert self.pattern is not None
        match = self.pattern.match(self.text, position, self.last)
        if match is None:
            self.exhausted = position
            return self.last
        return match.end()


_UNBOUNDED_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _source(item: Any, flags: int) -> str | None:
    """The pattern of one character item (a literal, a set, ``.``), or None for any other item."""
    from re import _constants as sre

    op, value = item
    if op is sre.LITERAL:
        return re.escape(chr(value))
    if op is sre.NOT_LITERAL:
        return f"[^{re.escape(chr(value))}]"
    if op is sre.ANY:
        return "(?s:.)" if flags & re.DOTALL else "."
    if op is not sre.IN:
        return None
    parts = []
    for kind, argument in value:
        if kind is sre.NEGATE:
            parts.append("^")
        elif kind is sre.LITERAL:
            parts.append(re.escape(chr(argument)))
        elif kind is sre.RANGE:
            parts.append(f"{re.escape(chr(argument[0]))}-{re.escape(chr(argument[1]))}")
        elif kind is sre.CATEGORY and str(argument) in _CATEGORIES:
            parts.append(_CATEGORIES[str(argument)])
        else:
            raise ValueError(f"unknown set item {kind}")
    return "[" + "".join(parts) + "]"


def _tree(
    items: list[Any], flags: int, repeated: bool, looking: bool, consumed: set[str], read: set[str]
) -> list[tuple[Any, ...]]:
    """The items of a parsed pattern as what ``_most`` counts: ("char", its matcher), ("at",) for a
    position test, ("group", items), ("or", branches), ("bounded", most repeats, items), ("unbounded",)
    and ("ahead", items); a lookbehind reads only what is behind and is left out. The character items
    inside unbounded repeats are collected on the way: those a match consumes (outside lookarounds) into
    ``consumed``, all into ``read``. Raises ValueError for an item this module does not know."""
    from re import _constants as sre

    nodes: list[tuple[Any, ...]] = []
    for item in items:
        op, value = item
        source = _source(item, flags)
        if source is not None:
            if repeated:
                read.add(source)
                if not looking:
                    consumed.add(source)
            nodes.append(("char", _matcher(source, flags)))
        elif op is sre.AT:
            nodes.append(("at",))
        elif op is sre.SUBPATTERN:
            inner = _group_flags(flags, value)
            nodes.append(("group", _tree(list(value[3]), inner, repeated, looking, consumed, read)))
        elif op is sre.BRANCH:
            branches = [_tree(list(b), flags, repeated, looking, consumed, read) for b in value[1]]
            nodes.append(("or", branches))
        elif str(op) in _UNBOUNDED_REPEATS:
            _, high, body = value
            unbounded = repeated or high > _LONGEST_BOUNDED
            inner_nodes = _tree(list(body), flags, unbounded, looking, consumed, read)
            nodes.append(("unbounded",) if high > _LONGEST_BOUNDED else ("bounded", high, inner_nodes))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            inner_nodes = _tree(list(value[1]), flags, repeated, True, consumed, read)
            if value[0] == 1:
                nodes.append(("ahead", inner_nodes))
        elif str(op) == "ATOMIC_GROUP":
            nodes.append(("group", _tree(list(value), flags, repeated, looking, consumed, read)))
        elif op is sre.GROUPREF_EXISTS:
            branches = [
                _tree(list(b), flags, repeated, looking, consumed, read) for b in value[1:] if b is not None
            ]
            nodes.append(("or", branches))
        else:
            raise ValueError(f"unknown item {op}")
    return nodes


def _most(nodes: list[tuple[Any, ...]], chars: str, reading: bool) -> int:
    """How many of ``chars`` (none of which an unbounded repeat takes) a match consumes at most, or with
    ``reading`` an attempt reads at most to the right of where it is (a lookahead's characters, the
    character a ``\b`` or ``$`` looks at)."""
    total = 0
    for node in nodes:
        kind = node[0]
        if kind == "char":
            total += node[1].search(chars) is not None  # one character item: does it take any of them?
        elif kind == "at":
            total += reading
        elif kind == "group":
            total += _most(node[1], chars, reading)
        elif kind == "or":
            total += max((_most(branch, chars, reading) for branch in node[1]), default=0)
        elif kind == "bounded":
            total += node[1] * _most(node[2], chars, reading)
        elif kind == "unbounded":
            # the body takes only the repeats' characters, but a "\b" or a lookahead in it may look at
            # one character past the last it took
            total += reading
        elif kind == "ahead" and reading:
            total += _most(node[1], chars, reading)
    return total


def _group_flags(flags: int, value: Any) -> int:
    """The flags inside a group (``(?s:...)``, ``(?a:...)``): those that change what a character item
    matches. Raises ValueError for a case-insensitive group."""
    _, added, removed, _ = value
    if added & re.IGNORECASE:
        raise ValueError("case-insensitive group")
    return (flags | (added & (re.ASCII | re.DOTALL))) & ~removed


@cache
def _matcher(source: str, flags: int) -> re.Pattern[str]:
    return re.compile(source, flags)


def _class(sources: set[str], flags: int) -> re.Pattern[str] | None:
    """One pattern matching a character of any of ``sources``; None for none."""
    return re.compile("|".join(sorted(sources)), flags) if sources else None


def _any_of(chars: str) -> re.Pattern[str] | None:
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]") if chars else None


def _stretch(chars: str, count: int) -> re.Pattern[str] | None:
    """The text up to and including the ``count``-th of ``chars``."""
    if not chars:
        return None
    escaped = "".join(re.escape(c) for c in chars)
    return re.compile(f"(?:[^{escaped}]*[{escaped}]){{{count}}}")
