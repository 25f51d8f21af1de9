"""``cleaner review``: load the files named on the command line, check them, and serve the review page
on the loopback address until Ctrl-C.

The socket is bound (127.0.0.1, a free port) before the address is printed or the browser opened, so
the first request cannot miss the server. uvicorn serves it; on Ctrl-C (or SIGTERM) it stops taking
requests, finishes the ones in flight and returns, and the caller's session then stops LanguageTool.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress

import uvicorn

from cleaner.config import Settings
from cleaner.document import Document
from cleaner.findings import Finding
from cleaner.report.visible import display_path
from cleaner.review.app import ReviewedFile, create_app
from cleaner.review.state import FileReview
from cleaner.ruleset import on_time_budget_exceeded
from cleaner.session import Session
from cleaner.sources import STDIN_PATH, SourceError, UnreadableSource

HOST = "127.0.0.1"
GRACE = 5
"""Seconds a stop waits for requests in flight (a save) before it closes their connections."""


def load_reviews(session: Session, paths: Sequence[str]) -> tuple[list[ReviewedFile], list[SourceError]]:
    """Read and check every file the paths name (folders walked as ``check`` walks them); a file named
    twice is reviewed once. Unreadable files are returned as errors, and the others still loaded.
    RuleError, ConfigError and ModelUnavailable propagate: they concern the whole run."""
    files: list[ReviewedFile] = []
    errors: list[SourceError] = []
    seen: set[str] = set()
    for item in session.files(paths):
        if isinstance(item, SourceError):
            errors.append(item)
            continue
        if item == STDIN_PATH:
            errors.append(SourceError(item, "standard input cannot be reviewed (nothing to save it to)"))
            continue
        real = os.path.realpath(item)
        if real in seen:
            continue
        seen.add(real)
        try:
            document = session.read(item)  # as `check` reads it: a bilingual file's targets, a source
        except UnreadableSource as exc:
            errors.append(exc.error)
            continue
        notes: list[str] = []
        check = _file_check(session, document, session.settings(item), notes)
        files.append(ReviewedFile(display_path(item), FileReview(document, check, notes)))
    return files, errors


def _file_check(
    session: Session, document: Document, settings: Settings, notes: list[str]
) -> Callable[[str], list[Finding]]:
    """The check ``cleaner fix`` runs on this document's text (its source's alignment carried over, a
    bilingual file's findings confined to what its targets can take), with a note for the page for each
    user rule skipped for lack of time."""

    def skipped(rule_id: str) -> None:
        note = f"rule {rule_id} exceeded its time budget; skipped"
        if note not in notes:
            notes.append(note)

    def check(text: str) -> list[Finding]:
        with on_time_budget_exceeded(skipped):
            return session.check_document(document, settings, text)

    return check


def serve(
    files: Sequence[ReviewedFile],
    *,
    backup: bool = False,
    force: bool = False,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the review of ``files`` until Ctrl-C or SIGTERM; ``announce`` is given the page's address."""
    token = secrets.token_urlsafe(32)
    app = create_app(files, token, backup=backup, force=force)
    with socket.create_server((HOST, 0)) as listener:
        url = f"http://{HOST}:{listener.getsockname()[1]}/?token={token}"
        announce(url)
        if open_browser:  # a text-mode browser would block: never in this thread
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=GRACE
        )
        # uvicorn stops cleanly on Ctrl-C, then passes the interrupt on: here it has done its work.
        with _terminate_as_interrupt(), suppress(KeyboardInterrupt):
            uvicorn.Server(config).run(sockets=[listener])


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """uvicorn raises the signal that stopped it once it has shut down; SIGTERM's default action would
    then end the process at once, so within the block it is a KeyboardInterrupt like Ctrl-C."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: uvicorn does not handle signals there either
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
