"""What a translated document's text was translated from: its source, segment by segment.

Source-aware checks compare each target segment with its source. Readers of bilingual inputs
(``--source`` pairs, XLIFF, TMX, PO, aligned TSV/JSONL) build an ``Alignment``; detectors read it from
``TextAnalysis.alignment``; reporters name a segment's ``unit``. Offsets are code-point offsets into the
document's (target) text, as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Segment:
    """One target segment, ``text[start:end]``, and the source text it translates."""

    start: int
    end: int
    source: str
    unit: str | None = None
    """The segment's name in its file (an XLIFF unit id, a PO entry's line, a paragraph number)."""


@dataclass(frozen=True, slots=True)
class Alignment:
    segments: tuple[Segment, ...]
    source_language: str | None = None
    """A BCP 47 tag (``de``, ``pt-BR``, ``ja``), given or detected; None when unknown."""
    dateline: date | None = None
    """The date the article was written, when known: resolves a source's "10日" to a full date."""

    @classmethod
    def whole(
        cls,
        text: str,
        source: str,
        source_language: str | None = None,
        dateline: date | None = None,
        unit: str | None = None,
    ) -> Alignment:
        """``text`` as one segment translating ``source``: a rule's example, a corpus row with a source
        column, a labelled record."""
        return cls((Segment(0, len(text), source, unit),), source_language, dateline)

    def segment_at(self, offset: int) -> Segment | None:
        """The segment holding ``offset`` (segments are sorted and disjoint)."""
        for segment in self.segments:
            if segment.start <= offset < segment.end:
                return segment
        return None
