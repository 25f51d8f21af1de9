"""Where cleaner keeps what it downloads and caches: one per-user folder, overridable for CI and tests."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

CACHE_ENV = "CLEANER_CACHE_DIR"


def cache_dir() -> Path:
    """``$CLEANER_CACHE_DIR`` if set, else the platform's user cache folder for cleaner."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("cleaner"))
