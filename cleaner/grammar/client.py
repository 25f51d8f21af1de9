"""The client for one LanguageTool server: language-tool-python for the request parameters (language
tag, rule choice), cleaner's own transport for the exchange, and a strict reading of the answer.

The exchange is cleaner's own because language-tool-python's timeout is per read (a trickling server
keeps a request alive for ever) and it trusts the answer's shape (``{"matches": null}`` is a TypeError
deep inside it). Failures come out as the exception types of ``cleaner.grammar.errors``: ClientError
when the server is in doubt, ParagraphError when only this paragraph could not be checked.

Imported only when a paragraph is not in the cache: language-tool-python brings an HTTP stack whose
import costs more than a cached run takes.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import language_tool_python
import requests
from language_tool_python.exceptions import LanguageToolError

from cleaner.grammar import transport
from cleaner.grammar.annotation import annotation
from cleaner.grammar.engine import LEAD, SEPARATOR, TAIL
from cleaner.grammar.errors import BadAnswer, ClientError, Refused
from cleaner.grammar.mapping import RawMatch, raw_match, utf16_length

if TYPE_CHECKING:
    from cleaner.grammar.engine import GrammarSettings

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""Not encodable as UTF-8, so not sendable; a text decoded with ``surrogateescape`` may hold them."""
CONNECT_TIMEOUT = 30.0
"""Seconds the server may take to list its languages when the client is made (a whole answer)."""


class _Tool(language_tool_python.LanguageTool):
    """language-tool-python's LanguageTool, with its one request at construction (the list of
    languages, to check the language tag) made through cleaner's transport, under a deadline."""

    def __init__(self, language: str, url: str, deadline: float) -> None:
        self.deadline = deadline
        super().__init__(language, remote_server=url)

    def _get_languages(self) -> set[str]:
        response = transport.get(self._url + "languages", self.deadline)
        if response.status != 200:
            raise Refused(response.status, response.text())
        try:
            listed = json.loads(response.body)
            languages = {str(item[key]) for item in listed for key in ("code", "longCode") if key in item}
        except (ValueError, TypeError) as exc:
            raise BadAnswer(f"not LanguageTool's list of languages: {response.text()}") from exc
        return languages | {"auto"}


class Client:
    def __init__(self, url: str, settings: GrammarSettings, timeout: float = CONNECT_TIMEOUT) -> None:
        try:
            self._tool = _Tool(settings.language, url, time.monotonic() + timeout)
        except (Refused, BadAnswer) as exc:
            raise ClientError(f"{url} does not answer like a LanguageTool server: {exc}") from exc
        except (LanguageToolError, requests.RequestException, OSError, ValueError) as exc:
            raise ClientError(str(exc)) from exc
        self._tool.disabled_rules = set(settings.disabled_rules)
        self._tool.disabled_categories = set(settings.disabled_categories)
        self._tool.enabled_rules = set(settings.enabled_rules)
        self._local = threading.local()
        self._connections: list[transport.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> transport.Connection:
        """This thread's kept-alive connection to the server (made on its first request)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = transport.Connection()
            with self._lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        """Close every thread's connection (an idle kept-alive connection holds a server thread)."""
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

    @property
    def url(self) -> str:
        return self._tool.url

    def check(self, paragraph: str, markup: list[tuple[int, int]], deadline: float) -> list[RawMatch]:
        """LanguageTool's matches, offsets in code points of ``paragraph``; with ``markup``, the
        paragraph goes as annotated text (offsets still into the whole paragraph). The whole exchange
        is over by ``deadline`` (a ``time.monotonic()`` value). Safe to call from several threads: each
        has its own connection."""
        return self.check_many([(paragraph, markup)], deadline)[0]

    def check_many(
        self, pieces: Sequence[tuple[str, list[tuple[int, int]]]], deadline: float
    ) -> list[list[RawMatch]]:
        """The matches of each (paragraph, markup), asked in one request: the paragraphs between
        ``LEAD`` and ``TAIL``, each after a blank line (LanguageTool's paragraph break), the answer
        split back by offset.

        One request costs the server less than one per paragraph (the same work, fewer exchanges and
        analyses set up), but a paragraph's answer must not depend on its neighbours, as it is cached on
        its own: ``engine.bundles`` decides which paragraphs may share a request. A match that reaches
        across a paragraph break is a BadAnswer, so that the caller asks about each paragraph alone."""
        return split_matches([paragraph for paragraph, _ in pieces], self._ask(pieces, deadline))

    def _ask(self, pieces: Sequence[tuple[str, list[tuple[int, int]]]], deadline: float) -> Any:
        """The decoded answer of /v2/check for the paragraphs of ``pieces`` between ``LEAD`` and
        ``TAIL``, each after ``SEPARATOR``."""
        sendable = [(_LONE_SURROGATE.sub("\ufffd", p), m) for p, m in pieces]  # one unit for one
        text = request_text([paragraph for paragraph, _ in sendable])
        params = self._tool._create_params(text)  # the library's own language and rule parameters
        if any(markup for _, markup in sendable):
            parts: list[dict[str, str]] = [{"text": LEAD}]
            for paragraph, markup in sendable:
                parts.append({"text": SEPARATOR})
                parts.extend(annotation(paragraph, markup) if markup else [{"text": paragraph}])
            parts.append({"text": SEPARATOR + TAIL})
            params.pop("text", None)
            params["data"] = json.dumps({"annotation": parts}, ensure_ascii=False)
        body = urllib.parse.urlencode(params).encode("utf-8")
        response = self._connection().request("POST", self._tool.url + "check", deadline, body)
        if response.status != 200:
            raise Refused(response.status, response.text())
        try:
            return json.loads(response.body)
        except ValueError as exc:
            raise BadAnswer(f"not JSON: {response.text(80)!r}") from exc


def request_text(paragraphs: Sequence[str]) -> str:
    """The text of one request: ``LEAD``, each paragraph after ``SEPARATOR``, then ``SEPARATOR`` and
    ``TAIL``."""
    return "".join((LEAD, *(SEPARATOR + paragraph for paragraph in paragraphs), SEPARATOR, TAIL))


def split_matches(paragraphs: Sequence[str], answer: Any) -> list[list[RawMatch]]:
    """The matches of an answer for ``paragraphs`` as ``Client._ask`` sends them, each paragraph's with
    offsets into it, validated: BadAnswer unless the answer is an object with a list of matches, each
    with a rule (id and category id), a message and offsets inside the request's text. Matches inside
    ``LEAD`` or ``TAIL``, and those that reach into a break between paragraphs (LanguageTool's spacing
    rules may take the blank line with a space before it: 'a part of the " scene "'), judge text the
    article does not hold as sent, and are dropped: the paragraph's other matches stand.

    One bad match spoils the answer: offsets from a server that got one wrong cannot be trusted for the
    others, and a repair applied at a wrong offset damages the article.
    """
    sizes = [utf16_length(paragraph) for paragraph in paragraphs]
    gap = len(SEPARATOR)
    starts = list(itertools.accumulate((size + gap for size in sizes[:-1]), initial=len(LEAD) + gap))
    tail = starts[-1] + sizes[-1] + gap
    found: list[list[RawMatch]] = [[] for _ in paragraphs]
    whole: str | None = None  # the request's text, built for a match outside every paragraph only
    for item in _matches(answer):
        offset, length = (item.get("offset"), item.get("length")) if isinstance(item, dict) else (None, None)
        if not _is_count(offset) or not _is_count(length):
            raise BadAnswer(f"a match's offsets ({offset!r}, {length!r}) are not counts")
        index = max(0, bisect.bisect_right(starts, offset) - 1)
        local = offset - starts[index]
        if local < 0 or local + length > sizes[index]:  # in LEAD or TAIL, or into a break: checked, dropped
            whole = request_text(paragraphs) if whole is None else whole
            _match(whole, tail + len(TAIL), item)
            continue
        found[index].append(_match(paragraphs[index], sizes[index], {**item, "offset": local}))
    return found


def _matches(answer: Any) -> list[Any]:
    if not isinstance(answer, dict):
        raise BadAnswer(f"expected an object with matches, got {type(answer).__name__}")
    matches = answer.get("matches")
    if not isinstance(matches, list):
        detail = f" (error: {_short(answer['error'])})" if "error" in answer else ""
        raise BadAnswer(f"no list of matches in the answer{detail}")
    return matches


def _match(paragraph: str, size: int, item: Any) -> RawMatch:
    if not isinstance(item, dict):
        raise BadAnswer("a match is not an object")
    offset, length = item.get("offset"), item.get("length")
    if not _is_count(offset) or not _is_count(length) or offset + length > size:
        raise BadAnswer(f"a match's offsets ({offset!r}, {length!r}) are outside the paragraph ({size})")
    rule = item.get("rule")
    category = rule.get("category") if isinstance(rule, dict) else None
    if not isinstance(rule, dict) or not isinstance(rule.get("id"), str) or not isinstance(category, dict):
        raise BadAnswer("a match without a rule id and category")
    message = item.get("message")
    replacements = item.get("replacements", [])
    if not isinstance(message, str) or not isinstance(replacements, list):
        raise BadAnswer(f"match {rule['id']} has no message or a bad list of replacements")
    issue_type = rule.get("issueType")
    return raw_match(
        paragraph,
        offset,
        length,
        rule["id"],
        str(category.get("id", "")),
        issue_type if isinstance(issue_type, str) else "",
        message,
        [r["value"] for r in replacements if isinstance(r, dict) and isinstance(r.get("value"), str)],
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"
