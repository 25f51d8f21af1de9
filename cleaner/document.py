"""A decoded article and the position arithmetic every reporter needs.

The text is exactly what was read (BOM stripped, line endings kept), so a finding's offsets index it
directly and the repair layer can write back byte for byte what it did not edit.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(eq=False)
class Document:
    """An article's text with the facts needed to report on it and to write it back unchanged."""

    path: str
    text: str
    bom: bool = False
    fingerprint: tuple[int, int] | None = field(default=None, repr=False)
    """(size, mtime_ns) of the file when read; the repair layer refuses to overwrite a changed file."""

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts

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
        first_line = snippet.split("\n", 1)[0].rstrip("\r")
        if len(first_line) > limit:
            first_line = first_line[: limit - 1] + "…"
        return first_line
