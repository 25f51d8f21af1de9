"""Turning command-line paths into decoded documents, with a clear error for everything unreadable.

Nothing here writes: a file that cannot be decoded exactly is reported and skipped, so no later stage
can write back a file it did not read correctly. Only regular files are read, and never more than a
bounded number of bytes, so a FIFO, a device or an endless file cannot hang a run or exhaust memory.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from cleaner.document import Document

DEFAULT_EXTENSIONS = (".txt", ".md")


def has_default_extension(path: str) -> bool:
    return path.lower().endswith(DEFAULT_EXTENSIONS)


STDIN_PATH = "-"
MAX_FILE_SIZE_ENV = "CLEANER_MAX_FILE_SIZE"
DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024
"""Files larger than this are not read (an article is a few kB; this only stops runaway input)."""
STREAM_ABOVE = 8 * 1024 * 1024
"""Files larger than this are decoded as they are read (``_decode_streamed``), so their bytes and their
text are never held together; a smaller file is read in one call, as every article is."""
_STREAM_CHUNK = 1024 * 1024

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
)
_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


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

    Files named explicitly are checked whatever their name (a symbolic link named on the command line
    is the user's call and is followed); folders are walked for the files ``accept`` takes, see
    ``_Walker`` for how links, loops and special files inside them are treated.
    """
    for raw in paths:
        if raw == STDIN_PATH:
            yield raw
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _Walker(path, accept).run()
        elif path.exists():
            yield raw
        elif path.is_symlink():
            yield SourceError(raw, "broken symbolic link")
        else:
            yield SourceError(raw, "no such file or directory")


class _Walker:
    """One folder walked iteratively (a tree thousands of levels deep cannot exhaust the stack).

    Hidden entries are skipped. A symbolic link whose target lies outside the folder is not followed
    and is reported, so ``cleaner fix repo/`` never writes outside ``repo/``. A link to a folder inside
    the tree is walked after the real folders, and only if its target was not walked already: the real
    folder is always checked under its own name, a duplicate is skipped silently, and a link to a
    folder that contains it (a loop) is reported. Files that are not regular files are reported.
    """

    def __init__(self, root: Path, accept: Callable[[str], bool]) -> None:
        self.root = root
        self.top = os.path.realpath(root)
        self.accept = accept
        self.seen: set[tuple[int, int]] = set()
        self.linked: list[Path] = []

    def run(self) -> Iterator[str | SourceError]:
        yield from self._walk(self.root)
        while self.linked:
            yield from self._walk(self.linked.pop(0))

    def _walk(self, start: Path) -> Iterator[str | SourceError]:
        stack: list[tuple[str, Iterator[os.DirEntry[str]]]] = []
        listing = self._listing(start)
        while True:
            if isinstance(listing, SourceError):
                yield listing
            elif listing is not None:
                stack.append(listing)
            listing = None
            if not stack:
                return
            entry = next(stack[-1][1], None)
            if entry is None:
                stack.pop()
                continue
            if entry.name.startswith("."):
                continue
            # str(Path(entry.path)) without parsing a Path for every file: the folder's name is a Path's,
            # so only a walk of "." differs ("./name" for "name")
            child = entry.name if stack[-1][0] == "." else entry.path
            try:
                if entry.is_symlink():
                    found = self._link(Path(child))
                    if found is not None:
                        yield found
                elif entry.is_dir(follow_symlinks=False):
                    listing = self._listing(Path(child))
                elif self.accept(child):
                    if entry.is_file(follow_symlinks=False):  # from the listing's file type: no stat call
                        yield child
                    else:
                        yield _not_regular(child, entry.stat(follow_symlinks=False).st_mode)
            except OSError as exc:
                yield SourceError(child, _os_message(exc))

    def _listing(self, folder: Path) -> tuple[str, Iterator[os.DirEntry[str]]] | SourceError | None:
        """The folder's entries in name order (with the folder's name); None when it was walked already."""
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in self.seen:
                return None
            self.seen.add(key)
            with os.scandir(folder) as entries:
                return str(folder), iter(sorted(entries, key=lambda e: e.name))
        except OSError as exc:
            return SourceError(str(folder), _os_message(exc))

    def _link(self, child: Path) -> str | SourceError | None:
        """What a symbolic link met while walking yields: its path, an error, or nothing (deferred)."""
        real = os.path.realpath(child)
        is_folder = os.path.isdir(real)
        if not is_folder and not self.accept(str(child)):
            return None
        if not _inside(real, self.top):
            return SourceError(
                str(child), f"symbolic link leading out of {self.root} (to {real}); not followed"
            )
        if is_folder:
            if _inside(os.path.realpath(child.parent), real):
                return SourceError(str(child), "symbolic link loop (to a folder that contains it); skipped")
            self.linked.append(child)
            return None
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return SourceError(str(child), "broken symbolic link")
        return str(child) if stat.S_ISREG(mode) else _not_regular(str(child), mode)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _not_regular(path: str, mode: int) -> SourceError:
    if stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISCHR(mode):
        kind = "a character device"
    elif stat.S_ISBLK(mode):
        kind = "a block device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISDIR(mode):
        kind = "a directory"
    else:
        kind = "a special file"
    return SourceError(path, f"{kind}, not a regular file; not checked")


def max_file_size() -> int:
    """The largest file read, in bytes: ``$CLEANER_MAX_FILE_SIZE`` (bytes, or a number with K, M or G
    for KiB, MiB, GiB), else 64 MiB. Raises ValueError for a value that is not a size."""
    raw = os.environ.get(MAX_FILE_SIZE_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_SIZE
    number, unit = (raw[:-1], raw[-1].upper()) if raw[-1].isalpha() else (raw, "")
    if unit not in _SIZE_UNITS or not number.strip().isdigit():
        raise ValueError(f"{MAX_FILE_SIZE_ENV}={raw!r} is not a size (bytes, or a number with K, M or G)")
    return int(number) * _SIZE_UNITS[unit]


def _size_text(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def read_document(path: str) -> Document:
    """Read and decode one file (or ``-`` for standard input) exactly, or raise ``UnreadableSource``.

    Only a regular file is opened (a FIFO with a ``.txt`` name would block, a device might never end),
    and at most ``max_file_size()`` bytes are read.
    """
    try:
        limit = max_file_size()
    except ValueError as exc:
        raise UnreadableSource(SourceError(path, str(exc))) from exc
    try:
        if path == STDIN_PATH:
            data = _read_bounded(path, sys.stdin.buffer, limit)
        else:
            mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                raise UnreadableSource(_not_regular(path, mode))
            # O_NONBLOCK: should the file be swapped for a FIFO after the stat, opening it cannot block.
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
            try:
                info = os.fstat(descriptor)
                if not stat.S_ISREG(info.st_mode):
                    raise UnreadableSource(_not_regular(path, info.st_mode))
                if info.st_size > limit:
                    raise UnreadableSource(_too_large(path, limit))
                if info.st_size > STREAM_ABOVE:
                    _big_buffers_unmapped()
                    document = _decode_streamed(path, descriptor, limit)
                    if document is not None:
                        return document
                    os.lseek(descriptor, 0, os.SEEK_SET)  # read again whole, for decode's own message
                data = _read_bounded(path, _Descriptor(descriptor), limit, expected=info.st_size)
            finally:
                os.close(descriptor)
    except OSError as exc:
        raise UnreadableSource(SourceError(path, _os_message(exc))) from exc
    return decode(path, data, hashlib.sha256(data).digest())


_M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter: the size from which ``malloc`` maps memory of its own for a block."""
_MMAP_THRESHOLD = 128 * 1024
"""glibc's default for it, kept fixed (``_big_buffers_unmapped``)."""


@cache
def _big_buffers_unmapped() -> None:
    """Before a big file is read: every block of ``_MMAP_THRESHOLD`` bytes or more that this process
    allocates from now on is mapped for itself and given back to the kernel when it is freed.

    glibc starts so, but raises that threshold to the size of each mapped block freed (up to 32 MiB):
    after the decoding's 1 MiB chunks, the buffers of the check (an anchor's matches, a detector's
    lists, the report's strings) come from the heap instead, and what is freed there mostly stays
    resident beside the text. On a 50 MiB file of one line that was 10 MiB of the run's peak
    (``bench/memory_peak.py``). Setting the threshold, even to its default, keeps it fixed. Linux
    (glibc) only; elsewhere, or where ``mallopt`` cannot be found, nothing changes. A run of articles
    never gets here, nor pays for importing ``ctypes``."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)


def _read_bounded(
    path: str, stream: BinaryIO | _Descriptor, limit: int, expected: int | None = None
) -> bytes:
    """At most ``limit`` bytes of ``stream``, or UnreadableSource when it holds more.

    ``expected``: the file's size when it was opened. One byte more is asked for first, so a file of
    that size costs one read of its own size, not of a ``limit``-sized buffer (64 MiB allocated and
    freed for every three-kilobyte article); a file that grew since, or a stream, reads on to the limit.
    """
    data = stream.read(limit + 1 if expected is None else min(expected, limit) + 1)
    if expected is not None and len(data) > expected:
        data += stream.read(limit + 1 - len(data))
    if len(data) > limit:
        raise UnreadableSource(_too_large(path, limit))
    return data


def _decode_streamed(path: str, descriptor: int, limit: int) -> Document | None:
    """A big UTF-8 file decoded a chunk at a time, or None for anything ``decode`` has to judge (another
    byte-order mark, a NUL byte, an invalid sequence): read again whole, it gives its exact message.

    Reading the bytes whole and then decoding them holds both at once: a 50 MiB file of English with one
    curly quote is 50 MiB of bytes and a 100 MiB string (two bytes a character), on top of what the run
    already holds. Here each chunk is freed once it is decoded, and its text is appended to the text so
    far, which CPython grows in place when nothing else refers to it (``text +=`` on a local) and the
    chunk is no wider than the text (``bench/memory_peak.py`` shows it): so, but for the copies that
    widen the text so far (at its first character beyond ASCII, then beyond U+00FF), the peak is the
    text and one chunk."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    text, size, bom = "", 0, False
    while True:  # not ``while chunk := ...``: Python 3.11 specialises the ``+=`` only in this loop's shape
        chunk = os.read(descriptor, _STREAM_CHUNK)
        if not chunk:
            break
        if size == 0:
            if len(chunk) < 4:
                return None  # too short to tell a byte-order mark: let decode judge it
            if chunk.startswith(b"\xef\xbb\xbf"):
                bom = True
            elif any(chunk.startswith(mark) for mark, _, _ in _BOMS):
                return None  # UTF-16 or UTF-32
        size += len(chunk)
        if size > limit:
            raise UnreadableSource(_too_large(path, limit))
        if b"\x00" in chunk:
            return None
        digest.update(chunk)
        try:
            text += decoder.decode(chunk[3:] if bom and size == len(chunk) else chunk)
        except UnicodeDecodeError:
            return None
    try:
        text += decoder.decode(b"", True)
    except UnicodeDecodeError:
        return None  # the file ends inside a sequence
    return Document(path=path, text=text, bom=bom, encoding="utf-8", digest=digest.digest())


class _Descriptor:
    """A file descriptor read as a buffered binary file reads (``read(n)``: ``n`` bytes, fewer only at
    the end of the file), with ``os.read`` alone: ``os.fdopen`` makes two objects and asks the kernel
    twice more about the file (its block size, whether it is a terminal), a fifth of reading an article."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor

    def read(self, size: int) -> bytes:
        chunks = []
        while size > 0:
            chunk = os.read(self.descriptor, size)
            if not chunk:
                break
            chunks.append(chunk)
            size -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(path: str, limit: int) -> SourceError:
    return SourceError(path, f"larger than {_size_text(limit)}; not checked (see {MAX_FILE_SIZE_ENV})")


def decode(path: str, data: bytes, digest: bytes | None = None) -> Document:
    """Decode strictly: UTF-8 with or without a BOM, UTF-16 or UTF-32 with one. An empty file is an
    empty document; binary and undecodable input is refused with the reason."""
    found = next(((mark, codec, name) for mark, codec, name in _BOMS if data.startswith(mark)), None)
    if found is None:
        if b"\x00" in data:
            raise UnreadableSource(SourceError(path, _nul_message(data)))
        bom, body, codec, name = False, data, "utf-8", "UTF-8"
    else:
        mark, codec, name = found
        bom, body = True, data[len(mark) :]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        at = exc.start + len(data) - len(body)
        what = f"byte 0x{data[at]:02x}" if codec == "utf-8" else "a bad code unit"
        raise UnreadableSource(SourceError(path, f"not valid {name}: {what} at byte offset {at}")) from exc
    if "\x00" in text:
        message = f"binary file ({name} text with NUL characters); not checked"
        raise UnreadableSource(SourceError(path, message))
    return Document(path=path, text=text, bom=bom, encoding=codec, digest=digest)


def _nul_message(data: bytes) -> str:
    """Name UTF-16 without a byte-order mark (mostly NUL high bytes) rather than call it binary."""
    if len(data) % 2 == 0:
        even, odd = data[0::2], data[1::2]
        for zeros, others in ((odd, even), (even, odd)):
            if b"\x00" not in others and zeros.count(0) * 2 >= len(zeros):
                return "looks like UTF-16 without a byte-order mark; not checked (save it as UTF-8)"
    return "binary file (contains NUL bytes); not checked"


def _os_message(exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return reason[0].lower() + reason[1:] if reason else "cannot be read"
