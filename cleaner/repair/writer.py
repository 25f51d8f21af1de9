"""Writing a repaired document back: atomically, byte for byte outside the repairs, never over a file
that changed since it was read."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from cleaner.document import Document

BACKUP_SUFFIX = ".orig"


class WriteRefused(Exception):
    """The file was not written; the message says why in one line."""


def encode(document: Document, text: str) -> bytes:
    """The bytes for ``text`` in the document's own encoding (UTF-8, with its BOM if it had one)."""
    return ("\ufeff" + text if document.bom else text).encode("utf-8")


def write_document(document: Document, text: str, backup: bool = False) -> None:
    """Replace the document's file with ``text``: temporary file beside it, flush, fsync, rename.

    A crash at any moment leaves either the old file or the new one. The file's mode is kept, a
    symbolic link keeps pointing at the file it named, and ``backup`` keeps the original as ``.orig``.
    """
    target = Path(os.path.realpath(document.path))
    _refuse_if_changed(document, target)
    data = encode(document, text)
    mode = stat.S_IMODE(target.stat().st_mode)
    if backup:
        shutil.copy2(target, target.with_name(target.name + BACKUP_SUFFIX))
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _refuse_if_changed(document: Document, target: Path) -> None:
    try:
        current = target.stat()
    except OSError as exc:
        raise WriteRefused(f"cannot be written: {exc.strerror or exc}") from exc
    if document.fingerprint == (current.st_size, current.st_mtime_ns):
        return
    if target.read_bytes() != encode(document, document.text):
        raise WriteRefused("changed on disk since it was checked; not written (run cleaner again)")


def _fsync_directory(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
