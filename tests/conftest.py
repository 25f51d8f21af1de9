"""Shared test helpers: paths into the repository and the real CLI as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner.paths import CACHE_ENV, cache_dir

URL_ENV = "CLEANER_LANGUAGETOOL_URL"

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
FIXTURES = REPO / "fixtures"
SHARED_EVAL = REPO.parent / "shared" / "eval"

# The scripts folder of the interpreter running the suite goes first on PATH, so a pre-commit hook of
# `language: system` runs this interpreter's `cleaner` (`.venv/bin/cleaner` when the README's test
# command runs `.venv/bin/python -m pytest` without activating the venv), not another one or none.
os.environ["PATH"] = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])


def run_cli(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``cleaner`` command line (as ``python -m cleaner``) and capture its output."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=full_env,
        timeout=300,
        check=False,
    )


def check_json(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """``cleaner check --format json`` through the real command line, its report parsed: what most CLI
    tests read findings from."""
    return json.loads(run_cli("check", "--format", "json", *args, stdin=stdin, cwd=cwd, env=env).stdout)


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh cache folder for the session (results, server state), sharing the installed LanguageTool
    and the converted models.

    LanguageTool is installed (from Maven Central, a no-op when present) into the user's cache folder
    and linked into the session's, as is the models folder, so tests never read results cached by an
    earlier run but convert the models only once.
    """
    from cleaner.grammar.install import setup

    installed = setup()
    folder = tmp_path_factory.mktemp("cleaner-cache")
    (folder / "languagetool").symlink_to(installed.folder.parent, target_is_directory=True)
    models = cache_dir() / "models"  # converted models are kept between test runs
    models.mkdir(parents=True, exist_ok=True)
    (folder / "models").symlink_to(models, target_is_directory=True)
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = previous


@pytest.fixture(scope="session", autouse=True)
def languagetool_url(isolated_cache: Path) -> Iterator[str]:
    """One real LanguageTool server for the whole session; every CLI run in the tests uses it."""
    from cleaner.grammar.install import installation
    from cleaner.grammar.server import start_server, stop_server

    handle = start_server(installation())
    os.environ[URL_ENV] = handle.url
    yield handle.url
    os.environ.pop(URL_ENV, None)
    stop_server(handle)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, for the browser tests of ``cleaner review``: installed with apt once when it is
    missing (the suite runs as root, in CI too), as LanguageTool is fetched by ``isolated_cache``. The
    tests drive it with Playwright pointed at this binary; no browser is ever downloaded."""
    if not CHROMIUM.exists():
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        apt = ["apt-get", "-q", "-o", "DPkg::Lock::Timeout=600"]
        install = [*apt, "install", "-y", "--no-install-recommends", "chromium"]
        result = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:  # a machine whose package lists are stale or missing
            subprocess.run([*apt, "update"], env=env, capture_output=True, check=False)
            result = subprocess.run(install, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not CHROMIUM.exists():
            pytest.fail(f"could not install Debian's chromium with apt-get: {result.stderr[-2000:]}")
    return CHROMIUM
