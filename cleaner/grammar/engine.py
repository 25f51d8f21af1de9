"""The grammar stage of a run: find (or start) a LanguageTool server, send it the document's paragraphs
through language-tool-python, cache what it says, and turn its matches into findings.

Nothing here may stop a run: an engine that is missing, will not start, times out or dies is reported
once, restarted once where cleaner owns it, and otherwise the run goes on with cleaner's own rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from cleaner.analysis import Span
from cleaner.findings import Finding
from cleaner.grammar.annotation import ANNOTATION_SCHEME
from cleaner.grammar.cache import ResultCache
from cleaner.grammar.errors import ClientError, EngineUnavailable
from cleaner.grammar.install import installation
from cleaner.grammar.mapping import RawMatch, defaults, is_name_spelling, to_finding
from cleaner.grammar.server import (
    ServerHandle,
    is_alive,
    running_server,
    start_server,
    stop_server,
)
from cleaner.paths import cache_dir

if TYPE_CHECKING:
    from cleaner.grammar.client import Client

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|(?<=[.!?…:\"”’)])[ \t]*\r?\n")


@dataclass(frozen=True)
class GrammarSettings:
    language: str = "en-US"
    url: str | None = None
    disabled_rules: frozenset[str] = field(default_factory=lambda: frozenset(defaults().disabled))
    disabled_categories: frozenset[str] = field(default_factory=lambda: defaults().disabled_categories)
    enabled_rules: frozenset[str] = frozenset()
    use_cache: bool = True


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) pieces to send: split at blank lines and at line ends after a sentence end.

    A hard-wrapped paragraph stays whole (splitting it mid-sentence would make LanguageTool see broken
    sentences that are not there); a paragraph-per-line article is sent line by line.
    """
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if text[start : match.start()].strip():
            yield start, text[start : match.start()]
        start = match.end()
    if text[start:].strip():
        yield start, text[start:]


class GrammarEngine:
    """One per run: checks every document of the run through the same server."""

    def __init__(self, settings: GrammarSettings | None = None) -> None:
        self.settings = settings or GrammarSettings()
        self.problem: str | None = None
        """Why the engine is not (or no longer) available; None while it works."""
        self._handle: ServerHandle | None = None
        self._client: Client | None = None
        self._restarted = False
        self._cache = (
            ResultCache(cache_dir() / "languagetool-cache.sqlite3") if self.settings.use_cache else None
        )

    # -- the engine --------------------------------------------------------------------------------

    def _connect(self) -> None:
        """Use, in order: a configured URL, the long-lived local server, a server started for this run."""
        if self.settings.url:
            if not is_alive(self.settings.url, timeout=5):
                raise EngineUnavailable(f"no LanguageTool server answers at {self.settings.url}")
            self._handle = ServerHandle(self.settings.url)
        else:
            self._handle = running_server() or start_server(installation())
        self._client = self._make_client(self._handle.url)

    def _make_client(self, url: str) -> Client:
        from cleaner.grammar.client import Client

        return Client(url, self.settings)

    def _ensure(self) -> bool:
        if self._client is not None:
            return True
        if self.problem is not None:
            return False
        try:
            self._connect()
        except (EngineUnavailable, ClientError, OSError) as exc:
            self.problem = str(exc)
            return False
        return True

    def _restart(self) -> bool:
        """A server died mid-run: start a fresh one once (unless it is someone else's, at a URL)."""
        if self._restarted or self.settings.url:
            return False
        self._restarted = True
        if self._handle is not None and self._handle.owned:
            stop_server(self._handle)
        self._client = None
        try:
            self._handle = start_server(installation())
            self._client = self._make_client(self._handle.url)
        except (EngineUnavailable, ClientError, OSError) as exc:
            self.problem = f"LanguageTool stopped answering and could not be restarted: {exc}"
            return False
        return True

    def close(self) -> None:
        if self._handle is not None and self._handle.owned:
            stop_server(self._handle)
        self._handle = None
        self._client = None
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def __enter__(self) -> GrammarEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str | None:
        return self._handle.url if self._handle else None

    # -- checking ----------------------------------------------------------------------------------

    @cached_property
    def _context(self) -> tuple[str, ...]:
        """What besides the paragraph decides LanguageTool's answer: engine, language, rule choice.

        Known without contacting a server (the configured URL, or the installed version), so a run
        whose paragraphs are all cached never starts one.
        """
        engine = self.settings.url or f"languagetool-{installation().version}"
        return (
            engine,
            self.settings.language,
            ",".join(sorted(self.settings.disabled_rules)),
            ",".join(sorted(self.settings.disabled_categories)),
            ",".join(sorted(self.settings.enabled_rules)),
        )

    def check_paragraph(
        self, paragraph: str, markup: Sequence[tuple[int, int]] = ()
    ) -> list[RawMatch] | None:
        """LanguageTool's matches for one paragraph, from the cache when it has them; None when the
        engine is unavailable. ``markup`` spans (paragraph offsets) are sent as markup, not prose."""
        context = (*self._context, ANNOTATION_SCHEME, repr(list(markup))) if markup else self._context
        key = ResultCache.key(paragraph, context) if self._cache else ""
        if self._cache is not None and (cached := self._cache.get(key)) is not None:
            return cached
        if not self._ensure():
            return None
        while True:
            assert self._client is not None
            try:
                result = self._client.check(paragraph, list(markup))
                break
            except ClientError as exc:
                if not self._restart():
                    self.problem = self.problem or f"LanguageTool failed: {exc}"
                    return None
        if self._cache is not None:
            self._cache.put(key, result)
        return result

    def findings(self, text: str, markup: Sequence[Span] = ()) -> list[Finding]:
        """Findings for every paragraph of ``text``; ``markup`` (document offsets) is not prose."""
        found: list[Finding] = []
        for offset, paragraph in paragraphs(text):
            end = offset + len(paragraph)
            local = [
                (max(s.start, offset) - offset, min(s.end, end) - offset)
                for s in markup
                if s.start < end and offset < s.end
            ]
            matches = self.check_paragraph(paragraph, local)
            if matches is None:
                break
            found.extend(to_finding(m, offset) for m in matches if not is_name_spelling(m, paragraph))
        return found
