"""HTTP with a deadline on the whole exchange, for talking to LanguageTool servers.

``requests`` (and so language-tool-python) and ``urllib`` take a timeout per socket operation: a server
that sends one byte every few seconds, or headers without end, keeps such a request alive for ever. Here
every connect, send and receive gets only what is left of one deadline, so a request ends by then, and
the answer's size is bounded too. Standard library only, so the health check costs no import of an HTTP
stack.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import ipaddress
import socket
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from cleaner.grammar.errors import ClientError, DeadlineExceeded

MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""The largest answer read: LanguageTool's JSON for a long paragraph is a few megabytes at most."""


_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)
"""Acknowledge the answer's first segment at once (Linux). LanguageTool's HTTP server (the JDK's) writes
an answer's headers and body apart; a server started without TCP_NODELAY (``server.JVM_OPTIONS``: any
server cleaner did not start) holds the body until the headers are acknowledged, and on a kept-alive
connection the client's delayed ACK makes that about 40 ms a request (bench/grammar_speed.py measured
1.6k chars/s against 5-6k with the ACK sent at once, LanguageTool 6.7 as shipped, one paragraph a
request)."""


class AnswerTooLarge(ClientError):
    """The server sent more than ``MAX_ANSWER_BYTES``."""


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    body: bytes

    def text(self, limit: int = 300) -> str:
        """The start of the body as text, for error messages."""
        return " ".join(self.body[:limit].decode("utf-8", errors="replace").split())


def get(url: str, deadline: float) -> Response:
    """GET ``url``; ``deadline`` is a ``time.monotonic()`` value."""
    return request("GET", url, deadline)


def post_form(url: str, fields: dict[str, str], deadline: float) -> Response:
    """POST ``fields`` form-encoded to ``url``; ``deadline`` is a ``time.monotonic()`` value."""
    return request("POST", url, deadline, urllib.parse.urlencode(fields).encode("utf-8"))


def request(method: str, url: str, deadline: float, body: bytes | None = None) -> Response:
    """One HTTP exchange on a connection of its own that is over by ``deadline``: DeadlineExceeded when
    it is not, ClientError when the server cannot be reached or breaks the protocol. Any status is
    returned, not raised."""
    with Connection() as connection:
        return connection.request(method, url, deadline, body)


class Connection:
    """HTTP exchanges kept alive on one connection per server, each over by its own deadline.

    Connecting costs a TCP handshake and, on LanguageTool's server, a new exchange object per request:
    a run of hundreds of paragraphs reuses one connection per worker instead (issue 17 counted 339
    connects for 337 paragraphs). A connection the server closed while idle is replaced once, which is
    safe because every request made here is idempotent. Not thread-safe: one per thread.
    """

    opened = 0
    """Connections opened by all instances in this process (for the benches: connects per run)."""
    _count_lock = threading.Lock()

    def __init__(self) -> None:
        self._key: tuple[str, str] | None = None
        self._connection: _DeadlineHTTPConnection | _DeadlineHTTPSConnection | None = None
        self._target_is_absolute = False

    def request(self, method: str, url: str, deadline: float, body: bytes | None = None) -> Response:
        """As ``transport.request``, on the kept connection when it goes to the same server."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ClientError(f"not an http(s) URL: {url}")
        try:
            parts.port  # noqa: B018 (validates the port)
        except ValueError as exc:
            raise ClientError(f"bad port in {url}") from exc
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        reused = self._connection is not None and self._key == (parts.scheme, parts.netloc)
        try:
            return self._exchange(parts, method, deadline, body, headers)
        except ClientError:
            self.close()
            raise
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
            self.close()
            if reused and time.monotonic() < deadline:  # closed while idle: once more, afresh
                return self._retry(parts, url, method, deadline, body, headers)
            raise self._failure(url, deadline, exc) from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self.close()
            raise self._failure(url, deadline, exc) from exc

    def _retry(
        self,
        parts: urllib.parse.SplitResult,
        url: str,
        method: str,
        deadline: float,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Response:
        try:
            return self._exchange(parts, method, deadline, body, headers)
        except ClientError:
            self.close()
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            self.close()
            raise self._failure(url, deadline, exc) from exc

    @staticmethod
    def _failure(url: str, deadline: float, exc: BaseException) -> ClientError:
        if time.monotonic() >= deadline:
            return DeadlineExceeded(f"{url}: no whole answer in time")
        return ClientError(f"{url}: {exc or type(exc).__name__}")

    def _exchange(
        self,
        parts: urllib.parse.SplitResult,
        method: str,
        deadline: float,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Response:
        connection = self._open(parts, deadline)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        if self._target_is_absolute:
            target = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        try:
            answer = Response(response.status, response.reason, response.read())
        finally:
            response.close()
        if response.will_close:
            self.close()
        return answer

    def _open(
        self, parts: urllib.parse.SplitResult, deadline: float
    ) -> _DeadlineHTTPConnection | _DeadlineHTTPSConnection:
        """The kept connection to this server with the new deadline, or a new one (not yet connected:
        http.client connects on the first request, within the deadline)."""
        key = (parts.scheme, parts.netloc)
        if self._connection is not None and self._key == key:
            self._connection.set_deadline(deadline)
            return self._connection
        self.close()
        connection_class = _DeadlineHTTPSConnection if parts.scheme == "https" else _DeadlineHTTPConnection
        proxy = _proxy_for(parts)
        self._target_is_absolute = False
        if proxy is None:
            connection = connection_class(parts.hostname or "", parts.port, deadline=deadline)
        elif parts.scheme == "https":
            connection = connection_class(proxy.hostname or "", proxy.port, deadline=deadline)
            connection.set_tunnel(parts.hostname or "", parts.port)
        else:
            connection = _DeadlineHTTPConnection(proxy.hostname or "", proxy.port, deadline=deadline)
            self._target_is_absolute = True
        self._key, self._connection = key, connection
        return connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = self._key = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _proxy_for(parts: urllib.parse.SplitResult) -> urllib.parse.SplitResult | None:
    """The proxy the environment names for this URL, as requests would use it; never for a loopback
    server (cleaner's own), which no proxy can reach."""
    host = parts.hostname or ""
    if host == "localhost" or _is_loopback(host):
        return None
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("no whole answer in time")
    return left


class _DeadlineSocket:
    """A connected socket whose sends and receives each get what is left of the deadline, and whose
    reader stops after ``MAX_ANSWER_BYTES``. http.client only calls ``sendall``, ``makefile`` and
    ``close`` on it once connected; as with a real socket, ``close`` leaves it open for a reader still
    in use (http.client closes the connection before the response is read)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self.deadline = deadline
        self._readers = 0
        self._closed = False

    def sendall(self, data: Any) -> None:
        self._sock.settimeout(_left(self.deadline))
        try:
            self._sock.sendall(data)
        except TimeoutError as exc:
            raise DeadlineExceeded("the server did not take the request in time") from exc
        if _QUICKACK is not None:  # per exchange: Linux turns it off again by itself
            with contextlib.suppress(OSError):
                self._sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self))

    def recv_into(self, buffer: Any) -> int:
        self._sock.settimeout(_left(self.deadline))
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError as exc:
            raise DeadlineExceeded("no whole answer in time") from exc

    def close(self) -> None:
        self._closed = True
        if not self._readers:
            self._sock.close()

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closed and not self._readers:
            self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    def __init__(self, owner: _DeadlineSocket) -> None:
        self._owner = owner
        self._received = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._owner.recv_into(buffer)
        self._received += count
        if self._received > MAX_ANSWER_BYTES:
            raise AnswerTooLarge(f"the answer is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MB")
        return count

    def close(self) -> None:
        if not self.closed:
            self._owner.reader_closed()
        super().close()


class _DeadlineMixin:
    """Connects with what is left of the deadline (TCP, proxy tunnel and TLS), then hands http.client
    a socket that keeps to it."""

    sock: Any
    timeout: float | None

    def __init__(self, host: str, port: int | None, *, deadline: float) -> None:
        self._deadline = deadline
        super().__init__(host, port, timeout=_left(deadline))  # type: ignore[call-arg]

    def set_deadline(self, deadline: float) -> None:
        """The deadline of the next exchange on this (kept) connection."""
        self._deadline = deadline
        if isinstance(self.sock, _DeadlineSocket):
            self.sock.deadline = deadline

    def connect(self) -> None:
        self.timeout = _left(self._deadline)
        with Connection._count_lock:
            Connection.opened += 1
        try:
            super().connect()  # type: ignore[misc]
        except TimeoutError as exc:
            raise DeadlineExceeded("could not connect in time") from exc
        self.sock = _DeadlineSocket(self.sock, self._deadline)


class _DeadlineHTTPConnection(_DeadlineMixin, http.client.HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineMixin, http.client.HTTPSConnection):
    pass
