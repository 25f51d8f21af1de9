"""Writing a repaired document back: atomically, byte for byte outside the repairs, never over a file
that changed since it was read, and never losing what the file was besides its text.

A rewrite is a new file renamed over the old one, so everything the old inode carried must be carried
over by hand or the rewrite refused: owner and group, mode (setuid included, which is only safe because
the owner is kept), extended attributes. What cannot be carried over is refused with the reason:
another owner we may not give the file, a hard link (its twins would keep the old text), a read-only
file (unless forced). Backups are created exclusively, never replacing a file and never through a link.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cleaner.document import Document

try:  # POSIX only: names for the owner in a refusal, numbers elsewhere
    import grp
    import pwd
except ImportError:  # pragma: no cover - Windows
    grp = pwd = None  # type: ignore[assignment]

BACKUP_SUFFIX = ".orig"
MAX_BACKUPS = 1000
"""FILE.orig, then FILE.orig.1 … FILE.orig.999: an existing backup is never replaced."""
TEMP_MARK = ".cleaner-"
"""Temporary files are ``.NAME.cleaner-XXXXXXXX.tmp`` beside NAME: distinctive enough to sweep."""
STALE_AFTER = 10 * 60
"""Seconds after which a temporary file of ours is taken for the leftover of a killed run."""
_NO_XATTR = {errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


class WriteRefused(Exception):
    """The file was not written; the message says why in one line."""


def write_document(document: Document, text: str, backup: bool = False, force: bool = False) -> Path | None:
    """Replace the document's file with ``text``: temporary file beside it, fsync, rename.

    A crash at any moment leaves either the old file or the new one; a symbolic link keeps pointing at
    the file it named. Refused (``WriteRefused``) when the content changed since it was read, when the
    file has other hard links, when it is read-only and ``force`` is not given, or when its owner,
    group, mode or extended attributes cannot be kept. With ``backup`` the original bytes are kept in
    the first free name of FILE.orig, FILE.orig.1, …, which is returned.
    """
    target = Path(os.path.realpath(document.path))
    _sweep_stale_temporaries(target)
    size = len(document.encode(document.text))
    info, original = _read_current(target, size)
    _refuse_unsafe(target, info, force)
    _refuse_if_changed(document, original)
    temporary = _new_temporary(target, document.encode(text))
    try:
        _carry_metadata(target, info, temporary)
        saved = _write_backup(target, info, original) if backup else None
        _refuse_if_changed(document, _read_current(target, size)[1])  # last look: the check took seconds
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)
    return saved


@contextmanager
def write_new(target: Path) -> Iterator[BinaryIO]:
    """Write an output file of cleaner's own (a corpus's findings, a part of them) through the yielded
    handle: into a temporary file beside ``target``, fsynced and renamed over it when the block ends
    without an error, so ``target`` is its old self or complete, never half-written. The file gets the
    usual mode (0666 less the umask); an exception or a kill leaves only a temporary file, swept later.
    """
    target = Path(os.path.realpath(target))
    _sweep_stale_temporaries(target)
    temporary = _new_temporary(target, b"")
    try:
        with open(temporary, "r+b") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _read_current(target: Path, size: int) -> tuple[os.stat_result, bytes]:
    """The file's status and bytes now, read without following a link or blocking on a FIFO; at most
    one byte more than the ``size`` it had when read, which is enough to tell that it changed."""
    try:
        descriptor = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise WriteRefused(f"cannot be written: {exc.strerror or exc}") from exc
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise WriteRefused("not a regular file; not written")
        return info, handle.read(size + 1)


def _refuse_unsafe(target: Path, info: os.stat_result, force: bool) -> None:
    if info.st_nlink > 1:
        raise WriteRefused(
            f"has {info.st_nlink} hard links; not written (a rewrite would leave the other links "
            "with the old text; repair a copy and move it into place)"
        )
    mode = stat.S_IMODE(info.st_mode)
    if not force and (not mode & stat.S_IWUSR or not os.access(target, os.W_OK)):
        raise WriteRefused(f"is read-only (mode {mode:04o}); not written (use --force to repair it anyway)")


def _refuse_if_changed(document: Document, current: bytes) -> None:
    """Compare content, not size and mtime: ``cp -p`` or ``rsync -t`` restore an mtime."""
    if document.digest is not None:
        unchanged = hashlib.sha256(current).digest() == document.digest
    else:
        unchanged = current == document.encode(document.text)
    if not unchanged:
        raise WriteRefused("changed on disk since it was checked; not written (run cleaner again)")


def _new_temporary(target: Path, data: bytes) -> Path:
    """A new file (created exclusively, mode 0600) beside ``target`` holding ``data``, fsynced."""
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}{TEMP_MARK}", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _carry_metadata(target: Path, info: os.stat_result, temporary: Path) -> None:
    """Give ``temporary`` the original's owner, group, mode and extended attributes, or refuse."""
    if not _keep_owner(temporary, info):
        raise WriteRefused(
            f"owned by {_owner(info)}; cleaner running as {_user()} cannot give the rewritten file that "
            "owner and group; not written"
        )
    mode = stat.S_IMODE(info.st_mode)
    os.chmod(temporary, mode)
    if stat.S_IMODE(os.stat(temporary).st_mode) != mode:
        raise WriteRefused(f"its mode {mode:04o} cannot be kept; not written")
    lost = _copy_xattrs(target, temporary)
    if lost:
        name, problem = lost[0]
        raise WriteRefused(f"its extended attribute {name} cannot be kept ({problem}); not written")


def _keep_owner(path: Path, info: os.stat_result) -> bool:
    """Give ``path`` the owner and group in ``info``; False when that is not permitted."""
    now = os.stat(path)
    uid = info.st_uid if now.st_uid != info.st_uid else -1
    gid = info.st_gid if now.st_gid != info.st_gid else -1
    if uid == gid == -1:
        return True
    try:
        os.chown(path, uid, gid)
    except OSError:
        return False
    now = os.stat(path)
    return (now.st_uid, now.st_gid) == (info.st_uid, info.st_gid)


def _copy_xattrs(source: Path, destination: Path) -> list[tuple[str, str]]:
    """Copy every extended attribute; the (name, reason) of each that could not be kept."""
    if not hasattr(os, "listxattr"):
        return []
    try:
        names = os.listxattr(source, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in _NO_XATTR:
            return []
        return [("(list)", exc.strerror or str(exc))]
    lost = []
    for name in names:
        try:
            value = os.getxattr(source, name, follow_symlinks=False)
        except OSError as exc:
            lost.append((name, exc.strerror or str(exc)))
            continue
        try:
            os.setxattr(destination, name, value, follow_symlinks=False)
        except OSError as exc:
            if _xattr(destination, name) != value:  # e.g. security.selinux: set already, to the same
                lost.append((name, exc.strerror or str(exc)))
    return lost


def _xattr(path: Path, name: str) -> bytes | None:
    try:
        return os.getxattr(path, name, follow_symlinks=False)
    except OSError:
        return None


def _write_backup(target: Path, info: os.stat_result, data: bytes) -> Path:
    """Keep ``data`` as FILE.orig (or the first free FILE.orig.N): written to a temporary file, fsynced,
    then hard-linked into place, so the backup appears complete or not at all, and a name that exists
    (a file, a link) is never replaced or written through."""
    temporary = _new_temporary(target, data)
    try:
        mode = stat.S_IMODE(info.st_mode)
        if not _keep_owner(temporary, info):
            mode &= ~(stat.S_ISUID | stat.S_ISGID)  # never a set-id bit under another owner
        os.chmod(temporary, mode)
        os.utime(temporary, ns=(info.st_atime_ns, info.st_mtime_ns))
        _copy_xattrs(target, temporary)  # best effort: the backup's text is what matters
        for number in range(MAX_BACKUPS):
            candidate = target.with_name(target.name + BACKUP_SUFFIX + (f".{number}" if number else ""))
            if _place_exclusively(temporary, candidate, data):
                _fsync_directory(target.parent)
                return candidate
    finally:
        temporary.unlink(missing_ok=True)
    last = f"{target.name}{BACKUP_SUFFIX}.{MAX_BACKUPS - 1}"
    raise WriteRefused(f"no free backup name ({target.name}{BACKUP_SUFFIX} … {last}); not written")


def _place_exclusively(temporary: Path, candidate: Path, data: bytes) -> bool:
    """Give the finished ``temporary`` the name ``candidate`` unless that name exists (False)."""
    try:
        os.link(temporary, candidate)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}:
            raise
    # A file system without hard links: create the name exclusively and remove it again on failure.
    try:
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(candidate, stat.S_IMODE(os.stat(temporary).st_mode))
    except BaseException:
        candidate.unlink(missing_ok=True)
        raise
    return True


def _sweep_stale_temporaries(target: Path) -> None:
    """Remove temporary files a killed run left beside ``target``: only names of exactly our pattern
    for this file, regular files with one link, owned by this user, untouched for ``STALE_AFTER`` s."""
    pattern = re.compile(re.escape(f".{target.name}{TEMP_MARK}") + r"[a-z0-9_]{8}\.tmp")
    cutoff = time.time() - STALE_AFTER
    for name in _leftovers(target.parent):
        if not pattern.fullmatch(name):
            continue
        path = target.parent / name
        try:
            info = path.lstat()
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_nlink == 1
                and info.st_uid == os.geteuid()
                and info.st_mtime < cutoff
            ):
                path.unlink()
        except OSError:
            continue


_LEFTOVERS: dict[Path, list[str]] = {}
_MARKED = re.compile(r"\..+" + re.escape(TEMP_MARK) + r"[a-z0-9_]{8}\.tmp")


def _leftovers(folder: Path) -> list[str]:
    """Names in ``folder`` that look like our temporary files, listed once per folder and run: a
    ``fix`` of every file in a large folder must not list the folder once per file."""
    if folder not in _LEFTOVERS:
        try:
            with os.scandir(folder) as entries:
                _LEFTOVERS[folder] = [e.name for e in entries if _MARKED.fullmatch(e.name)]
        except OSError:
            _LEFTOVERS[folder] = []
    return _LEFTOVERS[folder]


def _owner(info: os.stat_result) -> str:
    return f"{_user_name(info.st_uid)}:{_group_name(info.st_gid)}"


def _user() -> str:
    return _user_name(os.geteuid())


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name if pwd else str(uid)
    except KeyError:
        return str(uid)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name if grp else str(gid)
    except KeyError:
        return str(gid)


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
