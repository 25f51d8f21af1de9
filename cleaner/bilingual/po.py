"""Gettext PO files: each entry's ``msgstr`` (each ``msgstr[n]`` of a plural entry) is a target.

polib (the PO library Python projects use) reads the entries and is the authority on what they say;
a small scanner finds where each ``msgstr``'s quoted strings lie in the file, and a file whose scanned
strings do not read exactly as polib reads them is refused rather than written into. An edit inside a
string keeps the file's line wrapping; one across two strings of a ``msgstr`` merges them.

Units are named by the line of their ``msgid`` (``L14``; a plural form adds its index, ``L14[1]``).
The header entry, obsolete (``#~``) entries and empty translations are not checked. A PO file's
``Language`` header is its target language; the source language comes from ``X-Source-Language``
when the file has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polib

from cleaner.bilingual.model import BilingualError, BilingualFile, Gap, Piece, Target
from cleaner.document import Document

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+(".*")[ \t]*\r?$')
_CONTINUATION = re.compile(r'^[ \t]*(".*")[ \t]*\r?$')
_TOKEN = re.compile(r'\\(?:[0-7]{1,3}|x[0-9A-Fa-f]+|.)|[^\\"]+')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class _String:
    """One keyword's strings as found in the file: decoded text and positioned pieces."""

    parts: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add_literal(self, line: str, line_start: int, column: int) -> None:
        """Add the quoted string starting at ``line[column]`` (its opening quote)."""
        if self.pieces:  # the previous string's closing quote up to this opening one may go in an edit
            last = self.pieces[-1]
            self.pieces[-1] = Piece(
                last.start, last.end, last.raw_start, last.raw_end, last.literal, Gap.JOIN
            )
        position = column + 1
        length = sum(len(part) for part in self.parts)
        for token in _TOKEN.finditer(line, position):
            if token.start() != position:
                break
            raw = token.group()
            escaped = raw.startswith("\\")
            text = _unescape(raw) if escaped else raw
            start = line_start + token.start()
            self.pieces.append(Piece(length, length + len(text), start, start + len(raw), not escaped))
            self.parts.append(text)
            length += len(text)
            position = token.end()
        if line[position : position + 1] != '"':
            raise BilingualError(f"a string on the line {line.strip()!r} does not close where expected")


@dataclass
class _Entry:
    msgid_line: int
    strings: dict[str, _String] = field(default_factory=dict)


def _unescape(token: str) -> str:
    body = token[1:]
    if body[0] in "01234567":
        return chr(int(body, 8))
    if body[0] == "x":
        return chr(int(body[1:], 16))
    return _ESCAPES.get(body, body)


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )


def _scan(raw: str) -> list[_Entry]:
    """The non-obsolete entries in file order, with each keyword's strings positioned."""
    entries: list[_Entry] = []
    current: _String | None = None
    position = 0
    for number, line in enumerate(raw.splitlines(keepends=True), 1):
        start, position = position, position + len(line)
        body = line.rstrip("\r\n")
        keyword = _KEYWORD.match(body)
        if keyword:
            name = keyword.group(1)
            if name in {"msgctxt", "msgid"} and (not entries or _complete(entries[-1], name)):
                entries.append(_Entry(number))
            if name == "msgid":
                entries[-1].msgid_line = number
            current = entries[-1].strings.setdefault(name, _String())
            current.add_literal(body, start, keyword.start(3))
            continue
        continuation = _CONTINUATION.match(body)
        if continuation and current is not None:
            current.add_literal(body, start, continuation.start(1))
            continue
        current = None
    return entries


def _complete(entry: _Entry, keyword: str) -> bool:
    """Whether ``keyword`` starts a new entry after ``entry`` (a msgid after a msgctxt does not)."""
    has_msgstr = any(name.startswith("msgstr") for name in entry.strings)
    return has_msgstr or keyword in entry.strings


def read_po(document: Document) -> BilingualFile:
    """A PO file's translations (BilingualError when polib cannot read it, or reads it differently)."""
    try:
        catalogue = polib.pofile(document.text)
    except (OSError, ValueError) as exc:
        raise BilingualError(f"not a PO file polib can read: {exc}") from exc
    scanned = {
        (_text(e, "msgctxt"), e.strings["msgid"].text): e
        for e in _scan(document.text)
        if "msgid" in e.strings
    }
    targets: list[Target] = []
    for entry in catalogue:
        if entry.obsolete or entry.msgid == "":
            continue
        found = scanned.get((entry.msgctxt, entry.msgid))
        if found is None:
            raise BilingualError(f"entry {entry.msgid[:40]!r} (line {entry.linenum}) could not be located")
        forms = (
            {f"msgstr[{n}]": text for n, text in entry.msgstr_plural.items()}
            if entry.msgid_plural
            else {"msgstr": entry.msgstr}
        )
        for keyword, text in forms.items():
            string = found.strings.get(keyword)
            if string is None or string.text != text:
                raise BilingualError(
                    f"the {keyword} at line {found.msgid_line} reads differently from polib's"
                )
            if not text:
                continue
            plural = keyword.endswith("]") and keyword != "msgstr[0]"
            source = entry.msgid_plural if plural else entry.msgid
            unit = f"L{found.msgid_line}" + (keyword[6:] if entry.msgid_plural else "")
            targets.append(Target(unit, source, text, tuple(string.pieces), _escape))
    return BilingualFile(
        "po",
        document,
        tuple(targets),
        read_po,
        source_language=catalogue.metadata.get("X-Source-Language") or None,
        target_language=catalogue.metadata.get("Language") or None,
    )


def _text(entry: _Entry, keyword: str) -> str | None:
    string = entry.strings.get(keyword)
    return string.text if string is not None else None
