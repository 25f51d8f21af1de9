"""An on-disk cache of LanguageTool results, keyed by paragraph content, language, rule configuration
and engine version, so an unchanged paragraph is never sent twice (SQLite: safe across processes)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from cleaner.grammar.mapping import RawMatch


class ResultCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, matches TEXT NOT NULL)")

    @staticmethod
    def key(paragraph: str, context: Iterable[str]) -> str:
        digest = hashlib.sha256()
        for part in (*context, paragraph):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        return digest.hexdigest()

    def get(self, key: str) -> list[RawMatch] | None:
        row = self._db.execute("SELECT matches FROM results WHERE key = ?", (key,)).fetchone()
        return None if row is None else [RawMatch.from_json(item) for item in json.loads(row[0])]

    def put(self, key: str, matches: list[RawMatch]) -> None:
        payload = json.dumps([m.to_json() for m in matches], ensure_ascii=False)
        # A busy or read-only cache costs a re-check next time, never the run.
        with contextlib.suppress(sqlite3.OperationalError):
            self._db.execute("INSERT OR REPLACE INTO results (key, matches) VALUES (?, ?)", (key, payload))

    def close(self) -> None:
        self._db.close()
