"""Translations read together with their sources: bilingual files (XLIFF, TMX, PO, TSV, JSON Lines)
and plain translations beside their originals. ``open_document`` is how every command reads a file:
it gives the ``Document`` to check, carrying its ``Alignment`` (and, for a bilingual file, the
container that writes repairs back into the file's own bytes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from cleaner.alignment import Alignment
from cleaner.bilingual.model import BilingualError, BilingualFile
from cleaner.bilingual.pairs import PairError, align_pair, is_source_of_sibling, sibling_sources
from cleaner.config import SourceConfig
from cleaner.document import Document
from cleaner.sources import SourceError, UnreadableSource, read_document

__all__ = ["BilingualError", "SourceOptions", "is_source_of_sibling", "open_document"]


@dataclass(frozen=True)
class SourceOptions:
    """How one file meets its sources: ``--source``, and the ``[source]`` settings that apply to it
    (``cleaner.config.SourceConfig``, command-line options over configured ones)."""

    source: str | None = None
    """The original of the one translation being checked (``check --source ORIGINAL TRANSLATION``)."""
    source_language: str | None = None
    source_column: str = "source"
    target_column: str = "target"
    dateline: date | None = None
    """The day the article was written: completes a source's bare day ("10日") to a date."""
    siblings: bool = True
    """The folder convention: a plain article is paired with ``article.LANG.txt`` beside it."""

    @classmethod
    def configured(cls, config: SourceConfig, source: str | None = None) -> SourceOptions:
        return cls(
            source,
            config.language,
            config.source_column,
            config.target_column,
            config.dateline,
            config.siblings,
        )

    def reader(self, path: str) -> Callable[[Document], BilingualFile] | None:
        """The reader of a bilingual file, by its name; None for a plain article. Readers are imported
        here, so a run on plain articles loads no XML or PO parser."""
        lower = path.lower()
        if lower.endswith((".xlf", ".xliff", ".tmx")):
            from cleaner.bilingual.xml_units import read_xml

            return read_xml
        if lower.endswith(".po"):
            from cleaner.bilingual.po import read_po

            return read_po
        if not lower.endswith((".tsv", ".jsonl")):
            return None
        from cleaner.bilingual.table import read_jsonl, read_tsv

        table = read_tsv if lower.endswith(".tsv") else read_jsonl
        return partial(table, source_column=self.source_column, target_column=self.target_column)


def open_document(path: str, options: SourceOptions | None = None) -> Document:
    """Read ``path`` for checking (``UnreadableSource`` with the reason when it cannot be).

    A bilingual file becomes the text of its targets; a plain file gets the alignment of its source
    (``--source``, or ``article.LANG.txt`` beside it) when it has one, and is otherwise as read.
    """
    options = options or SourceOptions()
    document = read_document(path)
    reader = options.reader(path)
    if reader is not None:
        if options.source is not None:
            raise UnreadableSource(
                SourceError(path, "holds its own sources; --source is for plain-text translations")
            )
        try:
            container = reader(document)
        except BilingualError as exc:
            raise UnreadableSource(SourceError(path, str(exc))) from exc
        alignment = container.alignment()
        return Document(
            path,
            container.text,
            document.bom,
            document.encoding,
            document.digest,
            alignment=_completed(alignment, options),
            container=container,
        )
    source_path, language = options.source, None
    if source_path is None and options.siblings:
        found = sibling_sources(path) if path != "-" else []
        if len(found) > 1:
            names = ", ".join(name for name, _ in found)
            raise UnreadableSource(
                SourceError(path, f"more than one source beside it ({names}); name one with --source")
            )
        if found:
            source_path, language = found[0]
    if source_path is None:
        return document
    source = read_document(source_path)
    try:
        alignment = align_pair(document.text, source.text, path, source_path)
    except PairError as exc:
        raise UnreadableSource(SourceError(path, str(exc))) from exc
    given = Alignment(alignment.segments, language)
    document.alignment = _completed(given, options)
    return document


def _completed(alignment: Alignment, options: SourceOptions) -> Alignment:
    """The alignment with its dateline and source language: given, else the file's (or its name's),
    else detected from the sources (by ``cleaner.consistency.language.detect``)."""
    language = options.source_language or alignment.source_language
    if language is None:
        language = _detect(" ".join(segment.source for segment in alignment.segments))
    return Alignment(alignment.segments, language, options.dateline or alignment.dateline)


def _detect(text: str) -> str | None:
    if not text.strip():
        return None
    from cleaner.consistency.language import detect  # the language model loads for sources only

    return detect(text)
