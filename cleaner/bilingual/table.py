"""Aligned tables: TSV (a header row naming the columns, tab-separated, no quoting) and JSON Lines
(one object per line). The source and target columns are named ``source`` and ``target`` unless
configured; a column or key ``id`` names the units, else each is named by its line (``L3``).

JSON strings are decoded by the standard library's decoder, which also says where each value ends;
an escape (``\\n``, ``\\u00e9``) is kept as one unit of the file when a repair is written back.
"""

from __future__ import annotations

import json
import re
from functools import partial
from json.decoder import scanstring

from cleaner.bilingual.model import BilingualError, BilingualFile, Piece, Target
from cleaner.document import Document

_JSON_TOKEN = re.compile(r"\\u[0-9A-Fa-f]{4}(?:\\u[0-9A-Fa-f]{4})?|\\.|[^\\]+")
_JSON_SPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


def _lines(raw: str) -> list[tuple[int, int, str]]:
    """(1-based number, offset, line without its ending) for every line."""
    found, position = [], 0
    for number, line in enumerate(raw.splitlines(keepends=True), 1):
        found.append((number, position, line.rstrip("\r\n")))
        position += len(line)
    return found


def _tsv_escape(text: str) -> str:
    if any(char in text for char in "\t\r\n"):
        raise BilingualError("a repair holds a tab or a line break, which a TSV cell cannot hold")
    return text


def _json_escape(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def read_tsv(
    document: Document, source_column: str = "source", target_column: str = "target"
) -> BilingualFile:
    lines = _lines(document.text)
    if not lines:
        raise BilingualError("an empty TSV file has no header row naming its columns")
    header = lines[0][2].split("\t")
    for name in (source_column, target_column):
        if name not in header:
            raise BilingualError(f"no column {name!r} in the header row (columns: {', '.join(header)})")
    source_at, target_at = header.index(source_column), header.index(target_column)
    id_at = header.index("id") if "id" in header else None
    targets = []
    for number, offset, line in lines[1:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise BilingualError(f"line {number} has {len(cells)} cells, the header {len(header)}")
        text = cells[target_at]
        if not text:
            continue
        start = offset + sum(len(cell) + 1 for cell in cells[:target_at])
        unit = cells[id_at] if id_at is not None and cells[id_at] else f"L{number}"
        piece = Piece(0, len(text), start, start + len(text), True)
        targets.append(Target(unit, cells[source_at], text, (piece,), _tsv_escape))
    parse = partial(read_tsv, source_column=source_column, target_column=target_column)
    return BilingualFile("tsv", document, tuple(targets), parse)


def read_jsonl(
    document: Document, source_column: str = "source", target_column: str = "target"
) -> BilingualFile:
    targets = []
    for number, offset, line in _lines(document.text):
        if not line.strip():
            continue
        try:
            values = _object_values(line)
        except (ValueError, IndexError) as exc:
            raise BilingualError(f"line {number} is not one JSON object: {exc}") from exc
        if target_column not in values or source_column not in values:
            raise BilingualError(f"line {number} has no {source_column!r} or no {target_column!r} key")
        target, start, end = values[target_column]
        source = values[source_column][0]
        if not isinstance(target, str) or not isinstance(source, str):
            raise BilingualError(f"line {number}: {source_column!r} and {target_column!r} must be strings")
        if not target:
            continue
        pieces, length = [], 0
        for token in _JSON_TOKEN.finditer(line, start + 1, end - 1):
            raw = token.group()
            text = json.loads(f'"{raw}"') if raw.startswith("\\") else raw
            pieces.append(
                Piece(length, length + len(text), offset + token.start(), offset + token.end(), text == raw)
            )
            length += len(text)
        identifier = values.get("id", (None, 0, 0))[0]
        unit = str(identifier) if identifier not in (None, "") else f"L{number}"
        targets.append(Target(unit, source, target, tuple(pieces), _json_escape))
    parse = partial(read_jsonl, source_column=source_column, target_column=target_column)
    return BilingualFile("jsonl", document, tuple(targets), parse)


def _object_values(line: str) -> dict[str, tuple[object, int, int]]:
    """Each top-level key of the JSON object on ``line``: (value, start, end) in the line."""
    values: dict[str, tuple[object, int, int]] = {}
    position = _skip(line, 0)
    if line[position] != "{":
        raise ValueError("it does not start with '{'")
    position = _skip(line, position + 1)
    while line[position] != "}":
        if line[position] != '"':
            raise ValueError(f"a key was expected at column {position + 1}")
        key, position = scanstring(line, position + 1)
        position = _skip(line, position)
        if line[position] != ":":
            raise ValueError(f"':' was expected at column {position + 1}")
        start = _skip(line, position + 1)
        value, position = _DECODER.raw_decode(line, start)
        values[key] = (value, start, position)
        position = _skip(line, position)
        if line[position] == ",":
            position = _skip(line, position + 1)
        elif line[position] != "}":
            raise ValueError(f"',' or '}}' was expected at column {position + 1}")
    if line[_skip(line, position + 1) :].strip():
        raise ValueError("text follows the object")
    return values


def _skip(line: str, position: int) -> int:
    while position < len(line) and line[position] in _JSON_SPACE:
        position += 1
    return position
