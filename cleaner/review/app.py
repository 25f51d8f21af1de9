"""The review page's web application (Starlette): the page and its assets, and a small JSON API over
the files under review.

The app serves one person on their own machine, but a browser visits other sites meanwhile, so:

- every request that reads or changes a file must carry the run's random token (header
  ``X-Cleaner-Token``, or ``?token=`` for the page itself and a download), compared in constant time;
- only the ``Host`` names of the loopback address are accepted (a DNS-rebinding page cannot reach it);
- files are named by their index in the list given on the command line, never by a path from the client;
- request bodies are JSON and at most ``MAX_BODY`` bytes; responses forbid framing, sniffing,
  referrers and caching, and the page may load scripts and styles from itself only.

Requests are served one at a time (a lock): a check or a save of one file must not interleave with
another change to it.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cleaner.report.json_report import json_text
from cleaner.review.state import ActionRefused, FileReview, SaveRefused, StaleView
from cleaner.review.view import file_summary, file_view

T = TypeVar("T")
STATIC = Path(__file__).parent / "static"
MAX_BODY = 256 * 1024
"""Bytes a request body may hold: an edited sentence with room to spare, never an article."""
TOKEN_HEADER = "x-cleaner-token"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost"]
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


@dataclass
class ReviewedFile:
    name: str
    """The path as the person gave it (shown, never taken back from the client)."""
    review: FileReview


class _Reviews:
    def __init__(self, files: Sequence[ReviewedFile], token: str, backup: bool, force: bool) -> None:
        self.files = list(files)
        self.token = token
        self.backup = backup
        self.force = force
        self.lock = threading.Lock()

    def authorise(self, request: Request) -> None:
        given = request.headers.get(TOKEN_HEADER) or request.query_params.get("token") or ""
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            raise _Refusal(403, "this page needs the address cleaner printed, with its token")

    def file(self, request: Request) -> tuple[int, ReviewedFile]:
        index = request.path_params["index"]
        if not 0 <= index < len(self.files):
            raise _Refusal(404, f"no file {index} in this review")
        return index, self.files[index]

    def summaries(self) -> list[dict[str, Any]]:
        return [file_summary(i, f.name, f.review) for i, f in enumerate(self.files)]

    def view(self, index: int) -> dict[str, Any]:
        item = self.files[index]
        return file_view(index, item.name, item.review)


class _JSON(JSONResponse):
    """A JSON response that a lone surrogate in a file's text (decoded from a JSON ``\\ud800`` escape in
    a bilingual file, flagged as Unicode damage) cannot break: ``json_text`` sends such a reply
    ASCII-escaped, which the page's JSON parser reads back to the same string."""

    def render(self, content: Any) -> bytes:
        return json_text(content).encode("utf-8")


class _Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def create_app(
    files: Sequence[ReviewedFile], token: str, *, backup: bool = False, force: bool = False
) -> Starlette:
    """The app for these files; ``token`` must come with every request that reads or writes one."""
    reviews = _Reviews(files, token, backup, force)

    async def page(request: Request) -> Response:
        reviews.authorise(request)
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def list_files(request: Request) -> Response:
        reviews.authorise(request)
        return _JSON({"files": await _locked(reviews, reviews.summaries)})

    async def show_file(request: Request) -> Response:
        reviews.authorise(request)
        index, _ = reviews.file(request)
        return _JSON({"file": await _locked(reviews, lambda: reviews.view(index))})

    async def act(request: Request) -> Response:
        reviews.authorise(request)
        index, item = reviews.file(request)
        body = await _json_body(request)
        action = request.path_params["action"]
        if action not in _ACTIONS:
            raise _Refusal(404, f"no action {action!r}")

        def run() -> tuple[int, dict[str, Any]]:
            try:
                reply: dict[str, Any] = {"message": _ACTIONS[action](item.review, body, reviews)}
                status = 200
            except SaveRefused as exc:  # the file changed on disk, is read-only, …: the page says so
                reply, status = {"error": str(exc), "refused": "save"}, 409
            except StaleView as exc:
                reply, status = {"error": str(exc)}, 409
            except ActionRefused as exc:
                reply, status = {"error": str(exc)}, 400
            return status, {**reply, "file": reviews.view(index), "files": reviews.summaries()}

        status, reply = await _locked(reviews, run)
        return _JSON(reply, status_code=status)

    async def download_diff(request: Request) -> Response:
        reviews.authorise(request)
        _, item = reviews.file(request)
        patch = await _locked(reviews, item.review.diff)
        name = Path(item.name).name.encode("ascii", "replace").decode().replace('"', "_") or "article"
        return PlainTextResponse(
            patch,
            media_type="text/x-diff; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.diff"'},
        )

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Refusal)
        return _JSON({"error": str(exc)}, status_code=exc.status)

    routes = [
        Route("/", page),
        Route("/api/files", list_files),
        Route("/api/files/{index:int}", show_file),
        Route("/api/files/{index:int}/diff", download_diff),
        Route("/api/files/{index:int}/{action}", act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(_SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_HOSTS),
        Middleware(_BodyLimit, limit=MAX_BODY),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={_Refusal: refused})


async def _locked(reviews: _Reviews, work: Callable[[], T]) -> T:
    """Run ``work`` in a worker thread (checks and writes block) holding the one lock."""

    def run() -> T:
        with reviews.lock:
            return work()

    return await run_in_threadpool(run)


async def _json_body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise _Refusal(415, "send JSON (Content-Type: application/json)")
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Refusal(400, f"the request is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise _Refusal(400, "the request must be a JSON object")
    return body


def _number(body: dict[str, Any], key: str) -> int:
    value = body.get(key)
    if type(value) is not int:
        raise ActionRefused(f"the request needs a whole number {key!r}")
    return value


def _accept(review: FileReview, body: dict[str, Any], _: _Reviews) -> str:
    index = _number(body, "finding")
    review.accept(_number(body, "version"), index, _number(body, "candidate"))
    return f"accepted: {review.current.changes[-1].rule}"


def _reject(review: FileReview, body: dict[str, Any], _: _Reviews) -> str:
    review.reject(_number(body, "version"), _number(body, "finding"))
    return f"rejected: {review.current.changes[-1].rule}"


def _edit(review: FileReview, body: dict[str, Any], _: _Reviews) -> str:
    text = body.get("text")
    if not isinstance(text, str):
        raise ActionRefused("the request needs the edited sentence as 'text'")
    review.edit(_number(body, "version"), _number(body, "finding"), text)
    return "sentence edited"


def _accept_safe(review: FileReview, body: dict[str, Any], _: _Reviews) -> str:
    count = review.accept_safe(_number(body, "version"))
    return f"{count} safe repair{'s' * (count != 1)} accepted"


def _undo(review: FileReview, body: dict[str, Any], _: _Reviews) -> str:
    review.undo(_number(body, "version"))
    return "undone"


def _save(review: FileReview, body: dict[str, Any], reviews: _Reviews) -> str:
    if _number(body, "version") != review.version:
        raise StaleView("the file changed since this page was drawn; showing it again")
    saved = review.save(backup=reviews.backup, force=reviews.force)
    backup = f"; the original is kept as {saved.backup}" if saved.backup else ""
    return f"saved {review.document.path}{backup}"


_ACTIONS: dict[str, Callable[[FileReview, dict[str, Any], _Reviews], str]] = {
    "accept": _accept,
    "reject": _reject,
    "edit": _edit,
    "accept-safe": _accept_safe,
    "undo": _undo,
    "save": _save,
}


class _SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


class _BodyLimit:
    """Refuses (413) a request body larger than ``limit`` bytes, declared or streamed, before the app
    sees any of it: the body is read here, up to the limit, and handed on whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit, scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await _too_large(self.limit, scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    response = _JSON({"error": f"request too large (at most {limit} bytes)"}, status_code=413)
    await response(scope, receive, send)
