"""An on-disk cache of LanguageTool results, keyed by paragraph content, language, rule configuration
and engine version, so an unchanged paragraph is never sent twice (SQLite: safe across processes).

A cache is a convenience, so nothing wrong with it may stop a run or raise: a corrupt or truncated file
(or one that is not this cache at all) is moved aside and a new one started; a read-only file, a folder
that cannot be created, or a database that stays locked turn the cache off for the run. Each says so
once, in ``warnings``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from cleaner.grammar.mapping import RawMatch

_CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_ERROR")
"""Error names that mean the file is damaged or not this cache (SQLITE_ERROR: a table of another
shape); anything else (read-only, cannot open, locked, I/O) means it cannot be used now."""

_SIDECARS = ("", "-wal", "-shm", "-journal")
_KEYS_PER_QUERY = 500
"""Keys looked up in one query: well under SQLite's limit of bound parameters (999 in old builds)."""


class ResultCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []
        """What went wrong with the cache, each said once; the run goes on either way."""
        self._db: sqlite3.Connection | None = None
        self._moved_aside = False
        self._dropped_entries = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._disable(f"its folder cannot be created ({exc.strerror or exc})")
            return
        self._open()

    @property
    def enabled(self) -> bool:
        return self._db is not None

    @staticmethod
    def key(paragraph: str, context: Iterable[str]) -> str:
        digest = hashlib.sha256()
        for part in (*context, paragraph):
            digest.update(part.encode("utf-8", errors="surrogatepass"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def get(self, key: str) -> list[RawMatch] | None:
        """The cached matches, or None: not cached, or the cache is unusable (then said once)."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, list[RawMatch]]:
        """The cached matches of those ``keys`` that are cached (one query per few hundred keys)."""
        found: dict[str, list[RawMatch]] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            if self._db is None:
                break
            part = keys[start : start + _KEYS_PER_QUERY]
            marks = ",".join("?" * len(part))
            try:
                rows = self._db.execute(f"SELECT key, matches FROM results WHERE key IN ({marks})", part)
                fetched = rows.fetchall()
            except sqlite3.Error as exc:
                self._failed(exc)
                break
            for key, payload in fetched:
                try:
                    found[key] = [RawMatch.from_json(item) for item in json.loads(payload)]
                except (ValueError, TypeError, KeyError, AttributeError):
                    self._drop(key)
        return found

    def put(self, key: str, matches: list[RawMatch]) -> None:
        self.put_many({key: matches})

    def put_many(self, entries: dict[str, list[RawMatch]]) -> None:
        """Store every entry in one transaction (one write to disk for a document, not one a paragraph)."""
        if self._db is None or not entries:
            return
        rows = [
            (key, json.dumps([m.to_json() for m in ms], ensure_ascii=False)) for key, ms in entries.items()
        ]
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR REPLACE INTO results (key, matches) VALUES (?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                return  # another run holds it: these paragraphs are re-checked next time, nothing more
            self._failed(exc)

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    # -- what can go wrong -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """Open the database and prove it is this cache and writable: the statements read its header
        and its table and take the write lock (a truncated file, a foreign database or a read-only one
        fails here, not halfway through the run)."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a crash may only lose entries
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, matches TEXT NOT NULL)")
            db.execute("SELECT key, matches FROM results LIMIT 1").fetchall()
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR REPLACE INTO results (key, matches) VALUES ('', '[]')")  # undone below
            db.execute("ROLLBACK")
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> None:
        try:
            self._db = self._connect()
        except sqlite3.Error as exc:
            self._failed(exc)

    def _failed(self, exc: sqlite3.Error) -> None:
        """Move a damaged cache aside and start afresh (once a run); give up on one that cannot be used."""
        self.close()
        name = getattr(exc, "sqlite_errorname", "")
        if not name.startswith(_CORRUPT) or self._moved_aside:
            self._disable(_reason(exc))
            return
        self._moved_aside = True
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            for suffix in _SIDECARS:
                source = self.path.with_name(self.path.name + suffix)
                if source.exists():
                    source.rename(aside.with_name(aside.name + suffix))
        except OSError as move:
            self._disable(f"it is damaged ({exc}) and could not be moved aside ({move.strerror or move})")
            return
        self.warnings.append(
            f"the result cache {self.path} was damaged ({exc}): moved it aside to {aside}, started a new one"
        )
        self._open()

    def _drop(self, key: str) -> None:
        """An entry that does not read back (written by hand, or by another version) is re-checked."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("DELETE FROM results WHERE key = ?", (key,))
        if not self._dropped_entries:
            self._dropped_entries = True
            self.warnings.append(f"the result cache {self.path} had unreadable entries; they are re-checked")

    def _disable(self, reason: str) -> None:
        self.close()
        self.warnings.append(f"the result cache {self.path} is not used for this run: {reason}")


def _reason(exc: sqlite3.Error) -> str:
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_PERM"):
        return f"it is read-only ({exc})"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"it cannot be opened ({exc})"
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return f"another process keeps it locked ({exc})"
    return str(exc)
