"""Translations read together with their sources: bilingual files (XLIFF, TMX, PO, TSV, JSON Lines)
and plain translations beside their originals. ``open_document`` is how every command reads a file:
it gives the ``Document`` to check, carrying its ``Alignment`` (and, for a bilingual file, the
container that writes repairs back into the file's own bytes).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

from cleaner.alignment import Alignment
from cleaner.bilingual.model import BilingualError, BilingualFile
from cleaner.bilingual.pairs import PairError, align_pair, is_source_of_sibling, sibling_sources
from cleaner.config import SourceConfig
from cleaner.document import Document
from cleaner.sources import SourceError, UnreadableSource, read_document

__all__ = ["BilingualError", "is_source_of_sibling", "open_document"]


def reader_for(path: str, config: SourceConfig) -> Callable[[Document], BilingualFile] | None:
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
    return partial(table, source_column=config.source_column, target_column=config.target_column)


NOT_PROSE = {
    ".html": "HTML",
    ".htm": "HTML",
    ".xhtml": "HTML",
    ".xml": "XML",
    ".svg": "SVG",
    ".json": "JSON",
    ".yaml": "YAML",
    ".yml": "YAML",
    ".csv": "CSV",
}
"""Formats whose markup or syntax would be read as prose: checked as plain text, a script, an attribute
or a key would draw findings, and ``fix`` would edit them. Refused by name rather than guessed at."""


def open_document(path: str, config: SourceConfig | None = None, source: str | None = None) -> Document:
    """Read ``path`` for checking (``UnreadableSource`` with the reason when it cannot be).

    A bilingual file becomes the text of its targets; a plain file gets the alignment of its source
    (``source``: ``--source ORIGINAL``, or ``article.LANG.txt`` beside it) when it has one, and is
    otherwise as read. ``config`` is the ``[source]`` settings that apply to ``path``.
    """
    config = config or SourceConfig()
    kind = NOT_PROSE.get(os.path.splitext(path)[1].lower())
    if kind is not None:
        message = (
            f"{kind} is not a format cleaner reads (its markup would be checked and repaired as prose);"
            " give it the article as .txt or .md, or on standard input"
        )
        raise UnreadableSource(SourceError(path, message))
    document = read_document(path)
    reader = reader_for(path, config)
    if reader is not None:
        if source is not None:
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
            alignment=completed(alignment, config),
            container=container,
        )
    source_path, language = source, None
    if source_path is None and config.siblings:
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
    original = read_document(source_path)
    try:
        alignment = align_pair(document.text, original.text, path, source_path)
    except PairError as exc:
        raise UnreadableSource(SourceError(path, str(exc))) from exc
    given = Alignment(alignment.segments, language)
    document.alignment = completed(given, config)
    return document


def completed(alignment: Alignment, config: SourceConfig) -> Alignment:
    """The alignment with its dateline and source language: given, else the file's (or its name's),
    else detected from the sources (by ``cleaner.consistency.language.detect``)."""
    language = config.language or alignment.source_language
    if language is None:
        language = _detect(" ".join(segment.source for segment in alignment.segments))
    return Alignment(alignment.segments, language, config.dateline or alignment.dateline)


def _detect(text: str) -> str | None:
    if not text.strip():
        return None
    from cleaner.consistency.language import detect  # the language model loads for sources only

    return detect(text)
