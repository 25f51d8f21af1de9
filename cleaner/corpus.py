"""Corpora as ``cleaner batch`` reads and writes them.

Read: JSONL and Parquet files, one document (or segment) per row with an id, a text and optionally a
source column; plain files and folders, read exactly as ``cleaner check`` reads them (bilingual files
and translations beside their sources too). A row or file that cannot be read becomes an ``Item`` with
an ``error``, so it is reported in its place and nothing after it is lost. Write: rows of dicts as JSONL
or Parquet (by the file's suffix), through the one write path (``repair.writer.write_new``), so an
output file is complete or absent.

pyarrow is imported only for Parquet: JSONL and folders need nothing beyond cleaner's own packages.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.repair.writer import write_new
from cleaner.sources import SourceError, UnreadableSource

if TYPE_CHECKING:
    import pyarrow as pa

    from cleaner.document import Document
    from cleaner.session import Session

JSONL_SUFFIX, PARQUET_SUFFIX = ".jsonl", ".parquet"
CORPUS_SUFFIXES = (JSONL_SUFFIX, PARQUET_SUFFIX)
PARQUET_BATCH = 1024
CORPUS_INSTALL = "pip install 'cleaner[corpus]'"


class CorpusError(Exception):
    """A corpus that cannot be used at all (a missing package, an output of an unknown kind)."""


@dataclass(frozen=True, slots=True)
class Columns:
    """Which columns of a JSONL or Parquet row hold what. A row without the id column is named by its
    place, ``INPUT:ROW``; one without the text column is an error; the source column is optional."""

    id: str = "id"
    text: str = "text"
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One document of the input in input order, or a row or file that could not be read (``error``)."""

    id: str | None
    input: str
    """The file the document came from (the corpus file, or the plain file itself)."""
    row: int | None
    """1-based row of a JSONL (its line) or Parquet input; None for a plain file."""
    text: str = ""
    source: str | None = None
    """The source text the document translates (the source column), when given."""
    path: str = ""
    """What the document's settings go by (config files, per-file ignores, Markdown): its own path for
    a plain file, the corpus file's for a row."""
    error: str | None = None
    document: Document | None = None
    """A plain file as ``cleaner check`` reads it (``Session.read``): a bilingual file's targets with
    their container, a translation with its source's alignment. ``text`` is its text."""

    @property
    def sources(self) -> list[str]:
        """The source text the document translates: the source column, or each unit's source."""
        if self.source is not None:
            return [self.source]
        alignment = self.document.alignment if self.document is not None else None
        return [segment.source for segment in alignment.segments] if alignment is not None else []

    @property
    def sha256(self) -> str:
        """The content hash: text and sources, so a changed translation or source is checked again."""
        digest = hashlib.sha256(self.text.encode("utf-8", errors="surrogatepass"))
        for source in self.sources:
            digest.update(b"\x00" + source.encode("utf-8", errors="surrogatepass"))
        return digest.hexdigest()

    @property
    def key(self) -> str:
        """What a finished block records per document, to recognise it when a run is resumed."""
        if self.error is not None:
            return "\x00".join(["unreadable", *(str(v) for v in (self.id, self.input, self.row, self.error))])
        return f"{self.id}\x00{self.sha256}"


def is_corpus(path: str) -> bool:
    return path.lower().endswith(CORPUS_SUFFIXES)


def read_items(paths: Iterable[str], columns: Columns, session: Session) -> Iterator[Item]:
    """Every document of the inputs, in order: corpus rows, and plain files found as ``check`` finds
    them (folders walked with their include globs, excluded files dropped)."""
    for path in paths:
        if is_corpus(path):
            reader = _jsonl_rows if path.lower().endswith(JSONL_SUFFIX) else _parquet_rows
            yield from reader(path, columns)
            continue
        for found in session.files([path]):
            if isinstance(found, SourceError):
                yield Item(None, found.path, None, error=found.message)
                continue
            try:
                document = session.read(found)
            except UnreadableSource as exc:
                yield Item(None, found, None, error=exc.error.message)
                continue
            yield Item(found, found, None, document.text, path=found, document=document)


def count_items(paths: Iterable[str], session: Session) -> int:
    """How many items ``read_items`` will yield, cheaply (a progress bar's total): lines of a JSONL
    file, Parquet's own row count, the files a folder holds. Unreadable inputs count as one."""
    total = 0
    for path in paths:
        try:
            if path.lower().endswith(JSONL_SUFFIX):
                with open(path, "rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            elif path.lower().endswith(PARQUET_SUFFIX):
                total += _parquet().ParquetFile(path).metadata.num_rows
            else:
                total += sum(1 for _ in session.files([path]))
        except (OSError, ValueError):
            total += 1
    return total


def _row_item(path: str, row: int, record: Any, columns: Columns, undecodable: str | None = None) -> Item:
    """The row as an item; ``undecodable``: why a column of it could not be decoded (Parquet). A row
    that cannot be checked keeps its id, when it has one, so the summary names it."""
    if not isinstance(record, dict):
        return Item(None, path, row, error="not a JSON object")
    name = record.get(columns.id)
    known = None if name is None else str(name)
    if undecodable is not None:
        return Item(known, path, row, error=undecodable)
    text = record.get(columns.text)
    if not isinstance(text, str):
        what = "no" if text is None else "a non-text"
        return Item(known, path, row, error=f"{what} {columns.text!r} column")
    source = record.get(columns.source) if columns.source else None
    if source is not None and not isinstance(source, str):
        return Item(known, path, row, error=f"a non-text {columns.source!r} column")
    return Item(f"{path}:{row}" if known is None else known, path, row, text, source, path)


def _jsonl_rows(path: str, columns: Columns) -> Iterator[Item]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; an open error is an item, not a raise
    except OSError as exc:
        yield Item(None, path, None, error=exc.strerror or str(exc))
        return
    with handle:
        for row, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield Item(None, path, row, error=f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            except json.JSONDecodeError as exc:
                yield Item(None, path, row, error=f"not JSON ({exc.msg}, column {exc.colno})")
                continue
            yield _row_item(path, row, record, columns)


def _parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise CorpusError(f"Parquet needs pyarrow: {CORPUS_INSTALL}") from exc
    return pq


def _parquet_rows(path: str, columns: Columns) -> Iterator[Item]:
    pq = _parquet()
    try:
        table = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        yield Item(None, path, None, error=f"not a readable Parquet file ({exc})")
        return
    names = set(table.schema_arrow.names)
    if columns.text not in names:
        yield Item(
            None, path, None, error=f"no {columns.text!r} column (columns: {', '.join(sorted(names))})"
        )
        return
    wanted = [c for c in (columns.id, columns.text, columns.source) if c and c in names]
    row = 0
    for batch in table.iter_batches(batch_size=PARQUET_BATCH, columns=wanted):
        for record, undecodable in _decoded(batch):
            row += 1
            yield _row_item(path, row, record, columns, undecodable)


def _decoded(batch: pa.RecordBatch) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Each row of a Parquet batch as a dict, with why a column of it is not UTF-8 (Parquet's writers
    do not all check): such a row is reported, the rows beside it are read."""
    try:
        rows = batch.to_pylist()
    except UnicodeDecodeError:
        pass
    else:
        yield from ((record, None) for record in rows)
        return
    for index in range(batch.num_rows):
        record: dict[str, Any] = {}
        undecodable = None
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            try:
                record[name] = column[index].as_py()
            except UnicodeDecodeError as exc:
                undecodable = undecodable or f"{name!r} column not UTF-8 ({exc.reason} at byte {exc.start})"
        yield record, undecodable


# -- writing -----------------------------------------------------------------------------------------


def write_rows(
    target: Path, batches: Callable[[], Iterator[list[dict[str, Any]]]], schema: Callable[[], pa.Schema]
) -> int:
    """Write rows as JSONL or Parquet (by ``target``'s suffix), atomically.

    ``batches`` is called once for JSONL and twice for Parquet: the first pass finds the columns,
    starting from ``schema()`` and adding any field the rows have beyond it (the JSON report grows
    without breaking), so a Parquet file's schema always holds every field and is known before it is
    written in one streaming pass.

    Returns how many rows held a lone surrogate (text decoded from a JSON ``\\ud800`` escape) that
    Parquet, whose strings are UTF-8, cannot hold: those are written with U+FFFD in its place. JSONL
    keeps them, as JSON escapes.
    """
    suffix = target.suffix.lower()
    if suffix == JSONL_SUFFIX:
        with write_new(target) as handle:
            for batch in batches():
                handle.write(b"".join(json_line(row) for row in batch))
        return 0
    if suffix != PARQUET_SUFFIX:
        raise CorpusError(f"{target}: an output must end in {JSONL_SUFFIX} or {PARQUET_SUFFIX}")
    pq = _parquet()
    import pyarrow as pa

    found = [schema(), *(_table(b)[0].schema for b in batches() if b)]
    unified = pa.unify_schemas(found, promote_options="permissive")
    replaced = 0
    with write_new(target) as handle, pq.ParquetWriter(handle, unified) as writer:
        for batch in batches():
            if batch:
                table, count = _table(batch, unified)
                writer.write_table(table)
                replaced += count
    return replaced


def _table(batch: list[dict[str, Any]], schema: pa.Schema | None = None) -> tuple[pa.Table, int]:
    """The rows as an Arrow table, and how many had a lone surrogate replaced to make one."""
    import pyarrow as pa

    try:
        return pa.Table.from_pylist(batch, schema=schema), 0
    except UnicodeEncodeError:
        cleaned = [_without_surrogates(row) for row in batch]
        replaced = sum(new != old for new, old in zip(cleaned, batch, strict=True))
        return pa.Table.from_pylist(cleaned, schema=schema), replaced


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings, at any depth, replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    return value


def json_line(row: dict[str, Any]) -> bytes:
    """One JSONL line, UTF-8 (a row holding a lone surrogate as escapes: ``json_text``)."""
    from cleaner.report.json_report import json_text

    return json_text(row).encode("utf-8") + b"\n"


def read_rows(path: Path) -> list[dict[str, Any]]:
    """All rows of a JSONL or Parquet file written by ``write_rows`` (for tests and small outputs)."""
    if path.suffix.lower() == PARQUET_SUFFIX:
        return _parquet().read_table(path).to_pylist()
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def finding_schema() -> pa.Schema:
    """The columns of a findings file: the document id, then the JSON report's finding fields."""
    import pyarrow as pa

    fix = pa.struct(
        [
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("replacement", pa.string()),
            ("applicability", pa.string()),
            ("score", pa.float64()),
        ]
    )
    text = ("rule", "category", "severity", "message")
    return pa.schema(
        [
            ("id", pa.string()),
            *((name, pa.string()) for name in text),
            *((name, pa.int64()) for name in ("start", "end", "line", "column")),
            ("excerpt", pa.string()),
            ("source", pa.string()),
            ("fixes", pa.list_(fix)),
        ]
    )


def summary_schema() -> pa.Schema:
    """The columns of the per-document summary (see ``batch.summary_row``)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("input", pa.string()),
            ("row", pa.int64()),
            ("sha256", pa.string()),
            ("chars", pa.int64()),
            ("findings", pa.int64()),
            ("error", pa.int64()),
            ("warning", pa.int64()),
            ("info", pa.int64()),
            ("unreadable", pa.string()),
            ("grammar", pa.bool_()),
        ]
    )
