"""A decoded article and the position arithmetic every reporter needs.

The text is exactly what was read (BOM stripped, line endings kept), so a finding's offsets index it
directly and the repair layer can write back byte for byte what it did not edit.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from cleaner.alignment import Alignment

if TYPE_CHECKING:
    from cleaner.bilingual.model import BilingualFile

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""LF, CRLF or a lone CR: CR-only files (old Mac OS, some CMS exports) have lines too."""


@dataclass(eq=False)
class Document:
    """An article's text with the facts needed to report on it and to write it back unchanged."""

    path: str
    text: str
    bom: bool = False
    encoding: str = "utf-8"
    """The codec the bytes were decoded with (``utf-8``, ``utf-16-le`` …); a rewrite uses it again."""
    digest: bytes | None = field(default=None, repr=False)
    """SHA-256 of the bytes read. The repair layer compares content, not size and mtime, before it
    replaces a file: a same-length edit with its mtime restored (``cp -p``, ``rsync -t``) is still caught."""
    alignment: Alignment | None = None
    """The source of each paragraph or unit, when the article was read with its source."""
    container: BilingualFile | None = field(default=None, repr=False)
    """For a bilingual file (XLIFF, PO …): the file the text's units came from. ``text`` is then the
    units' targets joined, and the file's own text is ``container.raw.text``."""

    def encode(self, text: str) -> bytes:
        """``text`` as this document's bytes: its own encoding, with its byte-order mark if it had one.
        For a bilingual file, the file's bytes with the targets of ``text`` written in."""
        if self.container is not None:
            return self.container.raw.encode(self.container.splice(text))
        return ("\ufeff" + text if self.bom else text).encode(self.encoding)

    def file_text(self, text: str) -> str:
        """The whole file's text holding ``text`` (a repaired version of ``self.text``): ``text`` itself,
        or for a bilingual file the file's text with the targets written in (what a diff shows)."""
        return text if self.container is None else self.container.splice(text)

    def alignment_for(self, text: str) -> Alignment | None:
        """The alignment carried over to ``text``, this document's text after repairs."""
        if self.alignment is None or text == self.text:
            return self.alignment
        from cleaner.bilingual.model import moved

        return moved(self.alignment, self.text, text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column in the file of a text offset: ``line_col``, except in a bilingual
        file, where the text is its targets and the position is the target's in the file."""
        if self.container is None:
            return self.line_col(offset)
        return self.container.raw.line_col(self.container.file_offset(offset))

    def unit_at(self, offset: int) -> tuple[str, int] | None:
        """(unit name, 0-based offset in the unit) of a text offset, when the text has an alignment."""
        segments = self.alignment.segments if self.alignment else ()
        segment = next((s for s in segments if s.start <= offset <= s.end), None)  # an insertion at the end
        if segment is None or segment.unit is None:
            return None
        return segment.unit, offset - segment.start

    @cached_property
    def line_starts(self) -> array[int]:
        """Offsets where lines start; a line ends at LF, CRLF or a lone CR, as editors count them. Machine
        integers: a 50 MB file of a million lines would hold 36 MiB of Python integers, here 8 MiB."""
        starts = array("q", (0,))
        starts.extend(match.end() for match in _LINE_BREAK.finditer(self.text))
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a text offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """The 1-based line ``line`` without its line ending."""
        return self.text[slice(*self.line_bounds(line))]

    def line_bounds(self, line: int) -> tuple[int, int]:
        """Where the 1-based line ``line`` starts and ends in the text, its line ending left out."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return start, end

    def excerpt(self, start: int, end: int, limit: int = 80) -> str:
        """The flagged text on one line (cut at a line break or after ``limit`` characters)."""
        snippet = self.text[start:end]
        first_line = _LINE_BREAK.split(snippet, maxsplit=1)[0]
        if len(first_line) > limit:
            first_line = first_line[: limit - 1] + "…"
        return first_line
