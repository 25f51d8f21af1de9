"""The aligned segments of a document as source-aware detectors read them: target text, normalised source,
source language (given, or detected per segment) and the article's dateline."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from cleaner.alignment import Segment
from cleaner.analysis import TextAnalysis
from cleaner.consistency.calendar import normalise
from cleaner.consistency.language import detect


@dataclass(frozen=True, slots=True)
class AlignedSegment:
    segment: Segment
    target: str
    """``analysis.text[segment.start:segment.end]``; an offset in it plus ``segment.start`` is a document
    offset."""
    source: str
    """The source, NFKC-normalised (see ``calendar.normalise``): for reading facts, not for offsets."""
    language: str | None
    """The source's primary language subtag (``pt`` for ``pt-BR``), or None when unknown."""
    dateline: datetime.date | None


@lru_cache(maxsize=4096)
def _detect(source: str) -> str | None:
    return detect(source)


def aligned_segments(analysis: TextAnalysis) -> Iterator[AlignedSegment]:
    """Every segment of the document's alignment; nothing for a document without sources."""
    alignment = analysis.alignment
    if alignment is None:
        return
    for segment in alignment.segments:
        language = alignment.source_language or _detect(segment.source)
        yield AlignedSegment(
            segment,
            analysis.text[segment.start : segment.end],
            normalise(segment.source),
            language.replace("_", "-").split("-")[0].lower() if language else None,
            alignment.dateline,
        )
