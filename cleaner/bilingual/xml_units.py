"""XLIFF 1.2, XLIFF 2.x and TMX: each target's text and its exact place in the file.

Read with expat (the XML parser in Python's standard library), the one widely used parser that says
where in the input each piece of character data starts: localisation libraries (translate-toolkit,
lxml) give a unit's text but not its position, and cleaner writes a repair into the file's own
characters rather than re-serialising the file (which would reformat every unit). The tests compare
what this reader finds with what translate-toolkit reads from the same files.

- XLIFF 1.2: ``<trans-unit id>``'s ``<source>`` and ``<target>`` (not those of ``<alt-trans>``); units
  marked ``translate="no"`` are skipped. Languages from ``<file source-language target-language>``.
- XLIFF 2.x: each ``<segment>`` of a ``<unit id>``; a unit of several segments names them
  ``unit/segment``. Languages from ``<xliff srcLang trgLang>``.
- In a file whose unit ids repeat across its ``<file>`` elements, every name starts with its file's
  ``id`` (or ``original``): ``f2/u1``.
- TMX: each ``<tu>`` (named by ``tuid``, else ``tu`` and its 1-based number); the source is the
  ``<tuv>`` in the header's ``srclang``, the target the other one (with ``srclang="*all*"``, the
  English one).

Inline codes (``<ph>``, ``<bpt>``, ``<ept>``, ``<it>``, ``<ut>``) are not text; the tags of inline
elements that hold text (``<g>``, ``<mrk>``, ``<pc>``, ``<hi>``) are markup no repair may cross.
A target that is missing or empty is not checked.
"""

from __future__ import annotations

import functools
import re
import xml.parsers.expat as expat
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from cleaner.bilingual.model import BilingualError, BilingualFile, Gap, Piece, Target
from cleaner.document import Document

CODE_ELEMENTS = frozenset({"bpt", "ept", "ph", "it", "ut"})
"""Inline elements whose content is native code (``<ph>&lt;br/&gt;</ph>``), not translatable text."""
PLACEHOLDERS = CODE_ELEMENTS | {"x", "bx", "ex", "sc", "ec", "cp", "sm", "em"}
"""Inline elements that stand for something the text does not hold (a tag, a variable, a character)."""
_DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class _Text:
    """The text of one ``<source>``, ``<target>`` or ``<seg>`` being read."""

    parts: list[str] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    length: int = 0
    cdata: bool = False

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add(self, text: str, raw_start: int, raw_end: int, raw: str) -> None:
        literal = raw[raw_start:raw_end] == text
        piece = Piece(self.length, self.length + len(text), raw_start, raw_end, literal)
        self.parts.append(text)
        self.pieces.append(piece)
        self.length += len(text)

    def markup(self, kind: Gap = Gap.MARKUP) -> None:
        """Inline markup follows the last piece (a placeholder outweighs other markup)."""
        if self.pieces and self.pieces[-1].gap_after in {Gap.JOIN, Gap.MARKUP}:
            last = self.pieces[-1]
            self.pieces[-1] = Piece(last.start, last.end, last.raw_start, last.raw_end, last.literal, kind)


@dataclass
class _Unit:
    """What has been read of the current trans-unit, unit or tu."""

    texts: dict[str, _Text] = field(default_factory=dict)
    """The ``source`` and ``target`` read so far (of the current segment, in XLIFF 2)."""
    segments: list[tuple[str | None, _Text | None, _Text | None]] = field(default_factory=list)
    """XLIFF 2: (segment id, source, target) of each segment."""
    tuvs: list[tuple[str | None, _Text]] = field(default_factory=list)
    """TMX: (language, seg) of each tuv."""
    language: str | None = None
    """TMX: the language of the tuv being read."""


class _Reader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.raw = document.text
        self.data = document.text.encode("utf-8")
        declared = _DECLARED_ENCODING.match(self.raw)
        self.ascii_only = bool(declared) and declared.group(1).lower().replace("_", "-") not in {
            "utf-8",
            "utf8",
            "utf-16",
            "utf-32",
        }
        self.format = ""
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.reading: _Text | None = None
        """The text element being read, or None."""
        self.reading_depth = 0
        self.code_depth = 0
        """Depth inside an inline code element (its content is not text)."""
        self.pending: tuple[str, int] | None = None
        """Character data waiting for the next event, which tells where it ends in the file."""
        self.source_language: str | None = None
        self.target_language: str | None = None
        self.unit = _Unit()
        self.targets: list[Target] = []
        self.files: list[str] = []
        """The ``<file>`` each target is in (its ``id``, else ``original``, else its number)."""
        self.tu_count = 0
        self.file = ""
        self.file_count = 0
        self._byte, self._char = 0, 0

    # --- positions -------------------------------------------------------------------------
    def _offset(self, byte_index: int) -> int:
        """The code-point offset of a byte index (events come in file order)."""
        if byte_index < self._byte:
            self._byte, self._char = 0, 0
        self._char += len(self.data[self._byte : byte_index].decode("utf-8"))
        self._byte = byte_index
        return self._char

    def _flush(self, parser: expat.XMLParserType) -> None:
        """Give the waiting character data its end: the position of the event now being reported."""
        if self.pending is None:
            return
        text, start = self.pending
        self.pending = None
        if self.reading is not None and not self.code_depth:
            self.reading.add(text, start, self._offset(parser.CurrentByteIndex), self.raw)

    # --- events ------------------------------------------------------------------------------
    def run(self) -> BilingualFile:
        parser = expat.ParserCreate(encoding="UTF-8")
        parser.buffer_text = False
        parser.StartElementHandler = lambda name, attrs: self._start(parser, name, attrs)
        parser.EndElementHandler = lambda name: self._end(parser, name)
        parser.CharacterDataHandler = lambda text: self._characters(parser, text)
        parser.StartCdataSectionHandler = lambda: self._cdata(parser)
        parser.EndCdataSectionHandler = lambda: self._cdata(parser)
        parser.CommentHandler = lambda _text: self._other(parser)
        parser.ProcessingInstructionHandler = lambda _target, _data: self._other(parser)
        try:
            parser.Parse(self.data, True)
        except expat.ExpatError as exc:
            raise BilingualError(
                f"not well-formed XML: {expat.errors.messages[exc.code]} "
                f"at line {exc.lineno}, column {exc.offset + 1}"
            ) from exc
        if not self.format:
            raise BilingualError("not an XLIFF or TMX file (its root element is neither)")
        targets = self.targets
        if len({t.unit for t in targets}) < len(targets):  # ids repeat across <file>s: say which file
            targets = [
                replace(t, unit=f"{file}/{t.unit}") for t, file in zip(targets, self.files, strict=True)
            ]
        return BilingualFile(
            self.format,
            self.document,
            tuple(targets),
            read_xml,
            self.source_language,
            self.target_language,
        )

    def _characters(self, parser: expat.XMLParserType, text: str) -> None:
        self._flush(parser)
        self.pending = (text, self._offset(parser.CurrentByteIndex))

    def _cdata(self, parser: expat.XMLParserType) -> None:
        self._flush(parser)
        if self.reading is not None:
            self.reading.cdata = True
            self.reading.markup()

    def _other(self, parser: expat.XMLParserType) -> None:
        self._flush(parser)
        if self.reading is not None:
            self.reading.markup()

    def _start(self, parser: expat.XMLParserType, qualified: str, attrs: dict[str, str]) -> None:
        self._flush(parser)
        name = qualified.rsplit(":", 1)[-1]
        parent = self.stack[-1][0] if self.stack else None
        self.stack.append((name, attrs))
        if parent is None:
            self._root(name, attrs)
        elif self.reading is not None:
            self.reading.markup(Gap.CODE if name in PLACEHOLDERS else Gap.MARKUP)
            if name in CODE_ELEMENTS:
                self.code_depth += 1
        elif self._is_text_element(name, parent):
            self.reading = _Text()
            self.reading_depth = len(self.stack)
        else:
            self._container(name, attrs)

    def _end(self, parser: expat.XMLParserType, qualified: str) -> None:
        self._flush(parser)
        name, attrs = self.stack.pop()
        if self.reading is not None and len(self.stack) >= self.reading_depth:
            if name in CODE_ELEMENTS:
                self.code_depth -= 1
            self.reading.markup(Gap.CODE if name in PLACEHOLDERS else Gap.MARKUP)
            return
        if self.reading is not None:
            if name == "seg":
                self.unit.tuvs.append((self.unit.language, self.reading))
            else:
                self.unit.texts[name] = self.reading
            self.reading = None
            return
        self._close(name, attrs)

    # --- formats -----------------------------------------------------------------------------
    def _root(self, name: str, attrs: dict[str, str]) -> None:
        if name == "xliff":
            version = attrs.get("version", "")
            self.format = "xliff-2" if version.startswith("2") else "xliff-1.2"
            self.source_language = attrs.get("srcLang")
            self.target_language = attrs.get("trgLang")
        elif name == "tmx":
            self.format = "tmx"

    def _is_text_element(self, name: str, parent: str) -> bool:
        if self.format == "xliff-1.2":
            return name in {"source", "target"} and parent == "trans-unit"
        if self.format == "xliff-2":
            return name in {"source", "target"} and parent == "segment"
        return self.format == "tmx" and name == "seg" and parent == "tuv"

    def _container(self, name: str, attrs: dict[str, str]) -> None:
        if name == "file":
            self.file_count += 1
            self.file = attrs.get("id") or attrs.get("original") or f"file{self.file_count}"
        if self.format == "xliff-1.2" and name == "file":
            self.source_language = attrs.get("source-language") or self.source_language
            self.target_language = attrs.get("target-language") or self.target_language
        elif name in {"trans-unit", "unit", "tu"}:
            self.unit = _Unit()
            self.tu_count += name == "tu"
        elif name == "tuv":
            self.unit.language = attrs.get("xml:lang") or attrs.get("lang")
        elif name == "header" and self.format == "tmx":
            self.source_language = attrs.get("srclang")

    def _close(self, name: str, attrs: dict[str, str]) -> None:
        texts = self.unit.texts
        if name == "segment" and self.format == "xliff-2":
            self.unit.segments.append((attrs.get("id"), texts.pop("source", None), texts.pop("target", None)))
        elif name == "trans-unit" and attrs.get("translate", "yes") != "no":
            self._add(attrs.get("id", "?"), texts.get("source"), texts.get("target"))
        elif name == "unit" and self.format == "xliff-2":
            segments = self.unit.segments
            for number, (segment_id, source, target) in enumerate(segments, 1):
                unit = attrs.get("id", "?")
                if len(segments) > 1:
                    unit = f"{unit}/{segment_id or number}"
                self._add(unit, source, target)
        elif name == "tu":
            self._tu(attrs)

    def _tu(self, attrs: dict[str, str]) -> None:
        tuvs = self.unit.tuvs
        source_language = (self.source_language or "").lower()
        others = [(lang, text) for lang, text in tuvs if (lang or "").lower() != source_language]
        if source_language in {"", "*all*"}:
            english = [pair for pair in others if (pair[0] or "").lower().startswith("en")]
            target = english[0] if english else (others[-1] if others else None)
            sources = [pair for pair in tuvs if pair is not target]
        else:
            target = others[0] if others else None
            sources = [pair for pair in tuvs if (pair[0] or "").lower() == source_language]
        if target is None:
            return
        self.target_language = self.target_language or target[0]
        source = sources[0][1] if sources else None
        self._add(attrs.get("tuid") or f"tu{self.tu_count}", source, target[1])

    def _add(self, unit: str, source: _Text | None, target: _Text | None) -> None:
        if target is None or not target.text:
            return
        source_text = source.text if source is not None else ""
        escape = _xml_escape(self.ascii_only)
        pieces = tuple(target.pieces)
        self.targets.append(Target(unit, source_text, target.text, pieces, escape, writable=not target.cdata))
        self.files.append(self.file)


def _xml_escape(ascii_only: bool) -> Callable[[str], str]:
    """A partial of a module function, not a closure: a parsed file pickles (``cleaner batch`` sends a
    document to its workers with its container)."""
    return functools.partial(_escaped_xml, ascii_only=ascii_only)


def _escaped_xml(text: str, ascii_only: bool) -> str:
    bad = _XML_FORBIDDEN.search(text)
    if bad:
        raise BilingualError(f"a repair holds U+{ord(bad.group()):04X}, which XML cannot hold")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii") if ascii_only else text


def read_xml(document: Document) -> BilingualFile:
    """An XLIFF (1.2 or 2.x) or TMX file's targets (BilingualError when it is neither, or malformed)."""
    return _Reader(document).run()
