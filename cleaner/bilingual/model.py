"""A bilingual file as cleaner checks it: its targets joined into one text, and where each target's
characters sit in the file, so a repair can be written back into the file's own bytes.

Readers (XLIFF, TMX, PO, TSV, JSONL) find each target's text and cut it into ``Piece``s: runs of
characters whose position in the file is known. A literal piece is written in the file exactly as it
reads (``Paris``); an escaped piece is one character written another way (``&amp;``, ``\\"``, a CRLF
an XML parser reads as LF) and is only ever replaced whole. Between two pieces the file may hold
something that is not target text: nothing, a PO string's closing and reopening quotes (which an edit
across them may drop, merging the two strings), or inline markup (an XLIFF ``<g>``, ``<ph>``), which no
edit may cross. Writing back splices each edited target's new escaped text into the file's text at
its position and leaves every other character of the file as it was.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property

from cleaner.alignment import Alignment, Segment
from cleaner.bilingual.textdiff import map_offset, text_edits
from cleaner.document import Document
from cleaner.findings import Finding

SEPARATOR = "\n\n"
"""Between two targets in the checked text: a paragraph break, so no rule reads two units as one."""


class BilingualError(ValueError):
    """A bilingual file that cannot be read (or written back) exactly; the message says why."""


class Gap(StrEnum):
    """What lies in the file between a piece and the next."""

    JOIN = "join"
    """Nothing, or syntax an edit across it may drop (a PO string's ``" "`` continuation)."""
    MARKUP = "markup"
    """Inline markup around text (``<g>``, ``<pc>``): an edit must not cross it."""
    CODE = "code"
    """A placeholder for something not in the text (``<ph/>``, ``<x/>``: a number, a link, a line
    break). A finding that touches it judged text with a hole in it, and is dropped."""


@dataclass(frozen=True, slots=True)
class Piece:
    start: int
    """Offset of the piece's first character in the target's text."""
    end: int
    raw_start: int
    """Offset in the file's (decoded) text."""
    raw_end: int
    literal: bool
    """True when the file holds the characters as they read; False for one escaped character."""
    gap_after: Gap = Gap.JOIN


@dataclass(frozen=True)
class Target:
    """One translated unit: its name in the file, its source text and its target text."""

    unit: str
    source: str
    text: str
    pieces: tuple[Piece, ...]
    """Cover ``text`` in order; empty only for an empty target."""
    escape: Callable[[str], str]
    """How new text is written into this target (XML entities, PO or JSON string escapes …)."""
    writable: bool = True
    """False for a target cleaner does not write into (one holding an XML CDATA section)."""


@dataclass(frozen=True)
class BilingualFile:
    """A parsed bilingual file: what ``Document.container`` holds for it."""

    format: str
    raw: Document
    """The file as read: its text is the whole file (XML, PO …), its encoding and BOM are kept."""
    targets: tuple[Target, ...]
    parse: Callable[[Document], BilingualFile] = field(repr=False)
    """Reads a file of this format again: used to verify every write before it is made."""
    source_language: str | None = None
    target_language: str | None = None

    @cached_property
    def text(self) -> str:
        """The targets joined by blank lines: the text every rule checks."""
        return SEPARATOR.join(target.text for target in self.targets)

    @cached_property
    def starts(self) -> list[int]:
        """Offset of each target in ``text``."""
        starts, position = [], 0
        for target in self.targets:
            starts.append(position)
            position += len(target.text) + len(SEPARATOR)
        return starts

    def alignment(self) -> Alignment:
        """Each target's span in ``text`` with its source and unit name, and the file's source language."""
        segments = tuple(
            Segment(start, start + len(target.text), target.source, target.unit)
            for start, target in zip(self.starts, self.targets, strict=True)
        )
        return Alignment(segments, self.source_language)

    def locate(self, offset: int) -> tuple[int, int]:
        """(index of the target holding ``offset`` in ``text``, offset inside that target)."""
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return index, offset - self.starts[index]

    def file_offset(self, offset: int) -> int:
        """Where the character at ``offset`` of ``text`` is in the file's text (for line:col)."""
        if not self.targets:
            return 0
        index, local = self.locate(offset)
        pieces = self.targets[index].pieces
        if not pieces:
            return 0
        local = min(local, len(self.targets[index].text))
        for piece in pieces:
            if local < piece.end:
                return piece.raw_start + (local - piece.start if piece.literal else 0)
        return pieces[-1].raw_end

    def _markup(self, kinds: set[Gap]) -> list[int]:
        """Offsets in ``text`` where inline markup of these kinds is."""
        return [
            start + piece.end
            for start, target in zip(self.starts, self.targets, strict=True)
            for piece in target.pieces
            if piece.gap_after in kinds
        ]

    def confine(self, findings: Sequence[Finding], text: str) -> list[Finding]:
        """The findings of ``text`` (this file's text, perhaps after repairs) as this file can take them:
        those touching a placeholder are dropped, and a repair that does not lie inside one writable
        target or that crosses inline markup is removed from its finding (the finding stays)."""
        markup, codes = self._markup({Gap.MARKUP, Gap.CODE}), self._markup({Gap.CODE})
        spans = [
            (start, start + len(t.text), t.writable)
            for start, t in zip(self.starts, self.targets, strict=True)
        ]
        if text != self.text:
            edits = text_edits(self.text, text)
            markup = [map_offset(edits, offset) for offset in markup]
            codes = [map_offset(edits, offset) for offset in codes]
            spans = [(map_offset(edits, s, before=True), map_offset(edits, e), w) for s, e, w in spans]
        span_starts = [start for start, _, _ in spans]

        def writable(start: int, end: int) -> bool:
            index = bisect.bisect_right(span_starts, start) - 1
            if index < 0 or end > spans[index][1] or not spans[index][2]:
                return False
            inside = bisect.bisect_right(markup, start)
            return not (inside < len(markup) and markup[inside] < end)

        kept = []
        for finding in findings:
            index = bisect.bisect_left(codes, finding.start)
            if index < len(codes) and codes[index] <= finding.end:
                continue
            fixes = tuple(fix for fix in finding.fixes if writable(fix.start, fix.end))
            kept.append(finding if fixes == finding.fixes else replace(finding, fixes=fixes))
        return kept

    def splice(self, text: str) -> str:
        """The file's text with the targets of ``text`` (this file's text after repairs) written in.

        Refused (``BilingualError``) when an edit crosses a unit boundary or inline markup, and, as a
        last guard, when the spliced file does not read back as exactly ``text``.
        """
        if text == self.text:
            return self.raw.text
        raw_edits: list[tuple[int, int, str]] = []
        for start, end, replacement in text_edits(self.text, text):
            index, local = self.locate(start)
            target = self.targets[index]
            if local + (end - start) > len(target.text):
                raise BilingualError(
                    f"a repair at unit {target.unit} reaches into the next unit; not written"
                )
            raw_edits.append(_raw_edit(target, local, local + end - start, replacement))
        spliced = _apply(self.raw.text, raw_edits)
        check = self.parse(Document(self.raw.path, spliced, self.raw.bom, self.raw.encoding))
        if check.text != text:
            raise BilingualError("the repaired file would not read back as repaired; not written")
        return spliced

    def raw_edit(self, start: int, end: int, replacement: str) -> tuple[int, int, str]:
        """A repair of ``text[start:end]`` as an edit of the file's text (for SARIF's fix regions)."""
        index, local = self.locate(start)
        return _raw_edit(self.targets[index], local, local + end - start, replacement)


def _raw_edit(target: Target, start: int, end: int, replacement: str) -> tuple[int, int, str]:
    """Replace ``target.text[start:end]``: the file range to replace and the escaped text to put there.

    An escaped character the edit touches is rewritten whole (with its new neighbours); the edit
    begins in the piece that holds its first character and ends in the one holding its last, so the
    syntax between pieces (a PO continuation) inside it goes and markup makes it fail.
    """
    pieces = target.pieces
    if not pieces:
        raise BilingualError(f"unit {target.unit} has an empty target; nothing to repair in it")
    if not target.writable:
        raise BilingualError(
            f"unit {target.unit}'s target holds a CDATA section; cleaner does not write into it"
        )
    first = _piece_index(pieces, start, start == end)
    last = first if start == end else _piece_index(pieces, end - 1, False)
    for piece in pieces[first:last]:
        if piece.gap_after is not Gap.JOIN:
            raise BilingualError(f"a repair in unit {target.unit} crosses inline markup; not written")
    head, tail = pieces[first], pieces[last]
    if not head.literal and start > head.start:
        replacement, start = target.text[head.start : start] + replacement, head.start
    if not tail.literal and tail.start < end < tail.end:
        replacement, end = replacement + target.text[end : tail.end], tail.end
    raw_start = (
        head.raw_start + (start - head.start)
        if head.literal
        else (head.raw_end if start >= head.end else head.raw_start)
    )
    if start == end:
        raw_end = raw_start
    else:
        raw_end = tail.raw_start + (end - tail.start) if tail.literal else tail.raw_end
    return raw_start, raw_end, target.escape(replacement)


def _piece_index(pieces: Sequence[Piece], offset: int, insertion: bool) -> int:
    """The piece holding the character at ``offset``; for an insertion at a piece boundary the piece
    before it (the insertion lands at its end), and at the very end the last piece."""
    for index, piece in enumerate(pieces):
        if offset < piece.end or (insertion and offset == piece.end):
            return index
    return len(pieces) - 1


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, position = [], 0
    for start, end, replacement in sorted(edits):
        if start < position:
            raise BilingualError("two repairs overlap in the file; not written")
        out += [text[position:start], replacement]
        position = end
    out.append(text[position:])
    return "".join(out)


def moved(alignment: Alignment, old: str, new: str) -> Alignment:
    """The alignment of ``old`` with every segment's bounds carried over to ``new`` (``old`` after
    repairs): a segment keeps what was inserted at its ends."""
    if old == new:
        return alignment
    edits = text_edits(old, new)
    segments = tuple(
        Segment(
            map_offset(edits, segment.start, before=True),
            map_offset(edits, segment.end),
            segment.source,
            segment.unit,
        )
        for segment in alignment.segments
    )
    return Alignment(segments, alignment.source_language, alignment.dateline)
