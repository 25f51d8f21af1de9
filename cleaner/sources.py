"""Turning command-line paths into decoded documents, with a clear error for everything unreadable.

Nothing here writes: a file that cannot be decoded exactly is reported and skipped, so no later stage
can write back a file it did not read correctly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.document import Document

DEFAULT_EXTENSIONS = (".txt", ".md")


def has_default_extension(path: str) -> bool:
    return path.lower().endswith(DEFAULT_EXTENSIONS)


STDIN_PATH = "-"
_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class SourceError:
    """A path that could not be checked, and why, in one line a user can act on."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class UnreadableSource(Exception):
    def __init__(self, error: SourceError) -> None:
        super().__init__(error.message)
        self.error = error


def discover(
    paths: list[str], accept: Callable[[str], bool] = has_default_extension
) -> Iterator[str | SourceError]:
    """Yield the files to check, in a stable order, or an error for a path that cannot be walked.

    Files named explicitly are checked whatever their name; folders are walked recursively for the
    files ``accept`` takes. A folder reached twice through symbolic links is walked once, so a link
    loop ends.
    """
    for raw in paths:
        if raw == STDIN_PATH:
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, accept)
        elif path.exists():
            yield raw
        elif path.is_symlink():
            yield SourceError(raw, "broken symbolic link")
        else:
            yield SourceError(raw, "no such file or directory")


def _walk(root: Path, accept: Callable[[str], bool]) -> Iterator[str | SourceError]:
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[str | SourceError]:
        try:
            stat = folder.stat()
        except OSError as exc:
            yield SourceError(str(folder), _os_message(exc))
            return
        key = (stat.st_dev, stat.st_ino)
        if key in seen:
            if folder != root:
                yield SourceError(str(folder), "directory reached twice (symbolic link loop?); skipped")
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield SourceError(str(folder), _os_message(exc))
            return
        for entry in entries:
            child = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    yield from visit(child)
                elif accept(str(child)):
                    yield str(child)
            except OSError as exc:
                yield SourceError(str(child), _os_message(exc))

    yield from visit(root)


def read_document(path: str) -> Document:
    """Read and decode one file (or ``-`` for standard input) exactly, or raise ``UnreadableSource``."""
    try:
        if path == STDIN_PATH:
            data = sys.stdin.buffer.read()
            fingerprint = None
        else:
            with open(path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                data = handle.read()
            fingerprint = (stat.st_size, stat.st_mtime_ns)
    except OSError as exc:
        raise UnreadableSource(SourceError(path, _os_message(exc))) from exc
    return decode(path, data, fingerprint)


def decode(path: str, data: bytes, fingerprint: tuple[int, int] | None = None) -> Document:
    """Decode UTF-8 (with or without BOM) strictly; binary and undecodable input is refused."""
    if not data:
        raise UnreadableSource(SourceError(path, "empty file; nothing to check"))
    if b"\x00" in data:
        raise UnreadableSource(SourceError(path, "binary file (contains NUL bytes); not checked"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableSource(
            SourceError(path, f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}")
        ) from exc
    bom = text.startswith(_BOM)
    return Document(path=path, text=text[1:] if bom else text, bom=bom, fingerprint=fingerprint)


def _os_message(exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return reason[0].lower() + reason[1:] if reason else "cannot be read"
