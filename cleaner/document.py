"""A decoded article and the position arithmetic every reporter needs.

The text is exactly what was read (BOM stripped, line endings kept), so a finding's offsets index it
directly and the repair layer can write back byte for byte what it did not edit.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

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

    def encode(self, text: str) -> bytes:
        """``text`` as this document's bytes: its own encoding, with its byte-order mark if it had one."""
        return ("\ufeff" + text if self.bom else text).encode(self.encoding)

    @cached_property
    def line_starts(self) -> list[int]:
        """Offsets where lines start; a line ends at LF, CRLF or a lone CR, as editors count them."""
        return [0, *(match.end() for match in _LINE_BREAK.finditer(self.text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a text offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """The 1-based line ``line`` without its line ending."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def excerpt(self, start: int, end: int, limit: int = 80) -> str:
        """The flagged text on one line (cut at a line break or after ``limit`` characters)."""
        snippet = self.text[start:end]
        first_line = _LINE_BREAK.split(snippet, maxsplit=1)[0]
        if len(first_line) > limit:
            first_line = first_line[: limit - 1] + "…"
        return first_line
