"""The grammar stage of a run: find (or start) a LanguageTool server, send it the document's paragraphs
through language-tool-python, cache what it says, and turn its matches into findings.

Nothing here may stop a run or hang it: an engine that is missing, will not start, times out or dies is
reported once, restarted once where cleaner owns it, and otherwise the run goes on with cleaner's own
rules. Every request has a deadline on the whole answer and the run a budget of time spent waiting for
LanguageTool. A paragraph longer than a server takes is sent in pieces cut at sentence ends; one the
server still refuses, or answers with nonsense, goes without grammar, and the run says so once.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from cleaner.analysis import Span
from cleaner.findings import Finding
from cleaner.grammar.annotation import ANNOTATION_SCHEME, annotation
from cleaner.grammar.cache import ResultCache
from cleaner.grammar.context import in_context
from cleaner.grammar.errors import (
    ClientError,
    DeadlineExceeded,
    EngineUnavailable,
    ParagraphError,
    Refused,
)
from cleaner.grammar.install import installation
from cleaner.grammar.mapping import (
    RawMatch,
    defaults,
    is_abbreviation_match,
    is_comma_style,
    is_credit_spelling,
    is_name_apostrophe,
    is_name_spelling,
    to_finding,
)
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

_LINE_END = r"(?:\r\n|\r(?!\n)|\n)"
_PARAGRAPH_BREAK = re.compile(rf"{_LINE_END}[ \t]*{_LINE_END}\s*|(?<=[.!?…:\"”’)])[ \t]*{_LINE_END}")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")

MAX_CHUNK = 10_000
"""The most code points of paragraphs sent in one request, breaks included (at most 20,000 UTF-16 units,
LanguageTool's unit, and ``LEAD`` and ``TAIL`` around them): within the limit of the public API and of
servers with default settings, and quick enough to answer well within the request deadline. Longer
paragraphs are sent in pieces cut after a sentence end."""

SEPARATOR = "\n\n"
"""Between the paragraphs of a request: a blank line, where LanguageTool ends a paragraph."""
LEAD = "The text begins here."
TAIL = "The text ends here."
"""A paragraph of its own before and after the paragraphs of every request, whose matches are dropped,
so that each paragraph is read between two others, whether it goes alone or with its neighbours.

LanguageTool reads the start and the end of a text unlike the same words between paragraphs (measured
with LanguageTool 6.7 on the WMT22 artefact segments: the last " ." of ". . ." is reported only at the
end of a text, a spelling suggestion is capitalised only there, and "3. As far as …" at the start of a
text hides a later lower-case sentence start). Both are plain: a capital first and a full stop last, no
quote, no apostrophe, no "thank you", so they leave nothing to the text-level rules (``reads_state``,
``leaves_state``) but what any paragraph ending with a full stop leaves."""
REQUEST_SCHEME = f"between:{LEAD}|{TAIL}"
"""Part of the cache key: how a paragraph is sent (answers cached when a lone paragraph went without
``LEAD`` and ``TAIL`` may differ at its start or end)."""

TIMEOUT_ENV = "CLEANER_LANGUAGETOOL_TIMEOUT"
REQUEST_TIMEOUT = 90.0
"""Seconds for one whole request, answer included: the server cleaner starts gives up on a text after
60 s (``maxCheckTimeMillis``), so this leaves room for queueing behind other checks."""
BUDGET_ENV = "CLEANER_LANGUAGETOOL_BUDGET"
RUN_BUDGET = 1800.0
"""Seconds one run may spend waiting for LanguageTool (starting it, connecting, checking) before it
goes on with cleaner's own rules: bounds a run against a server that answers every request just in
time. Set the environment variable to 0 for no budget (large batch runs)."""
CONNECT_TIMEOUT = 30.0

ANY_ENGLISH = "en"
"""cleaner's default language: any standard English spelling, so British, Australian or Indian news
("colours", "centre", "organisation") does not fail a check that nobody configured for a variant.
LanguageTool's own "en" checks no spelling at all (measured with LanguageTool 6.7: no speller match for
"recieved"), so such a run is checked as ``CHECKED_AS`` and a match of its speller is dropped when the
``ALSO_ACCEPTED`` speller accepts the word. A configured variant (en-US, en-GB, …) is checked strictly."""
CHECKED_AS = "en-US"
ALSO_ACCEPTED = "en-GB"
"""British spelling, which Australian, Indian, Irish and most wire English follow; Canadian mixes it
with US forms, each accepted by one of the two spellers."""
_SPELLERS = {CHECKED_AS: "MORFOLOGIK_RULE_EN_US", ALSO_ACCEPTED: "MORFOLOGIK_RULE_EN_GB"}


def _seconds_from_env(name: str, default: float) -> float:
    """A non-negative number of seconds from the environment; the default when unset or not one."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if math.isfinite(value) and value >= 0 else default


@dataclass(frozen=True)
class GrammarSettings:
    language: str = ANY_ENGLISH
    """A LanguageTool language tag, or ``ANY_ENGLISH``: every standard English spelling accepted."""
    url: str | None = None
    disabled_rules: frozenset[str] = field(default_factory=lambda: frozenset(defaults().disabled))
    disabled_categories: frozenset[str] = field(default_factory=lambda: defaults().disabled_categories)
    enabled_rules: frozenset[str] = frozenset()
    use_cache: bool = True
    request_timeout: float = field(default_factory=lambda: _seconds_from_env(TIMEOUT_ENV, REQUEST_TIMEOUT))
    """Seconds for one whole request ($CLEANER_LANGUAGETOOL_TIMEOUT; 0 is taken as the default)."""
    run_budget: float = field(default_factory=lambda: _seconds_from_env(BUDGET_ENV, RUN_BUDGET))
    """Seconds one run may wait for LanguageTool in all ($CLEANER_LANGUAGETOOL_BUDGET; 0: no budget)."""
    workers: int = 0
    """Requests in flight at once (0: one per core, as the server cleaner starts checks one per core)."""
    batch_chars: int = MAX_CHUNK
    """The most code points of a document's paragraphs sent in one request (``bundles``); 0: one
    request per paragraph."""


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) pieces to send: split at blank lines and at line ends after a sentence end.

    A hard-wrapped paragraph stays whole (splitting it mid-sentence would make LanguageTool see broken
    sentences that are not there); a paragraph-per-line article is sent line by line. Line ends are
    LF, CRLF or a lone CR (old Mac files), so a CR-only article is not one paragraph.
    """
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if text[start : match.start()].strip():
            yield start, text[start : match.start()]
        start = match.end()
    if text[start:].strip():
        yield start, text[start:]


def chunks(
    paragraph: str, markup: Sequence[tuple[int, int]] = (), limit: int = MAX_CHUNK
) -> list[tuple[int, int]]:
    """(start, end) pieces of ``paragraph`` of at most ``limit`` code points that together make it up.

    Each is cut after the last sentence end that fits, else at the last whitespace, else at the limit
    (a "word" of ten thousand letters is not prose); never inside a ``markup`` span where avoidable, so
    a link or code span goes whole to one request.
    """
    spans = sorted(markup)
    starts = [s for s, _ in spans]

    def inside(cut: int) -> bool:
        index = bisect.bisect_left(starts, cut) - 1
        return index >= 0 and spans[index][0] < cut < spans[index][1]

    pieces: list[tuple[int, int]] = []
    start = 0
    while len(paragraph) - start > limit:
        window = start + limit
        cut = next(
            (
                c
                for pattern in (_SENTENCE_END, _SPACE)
                for c in reversed([m.end() for m in pattern.finditer(paragraph, start, window)])
                if start < c and not inside(c)
            ),
            None,
        )
        if cut is None:
            index = bisect.bisect_left(starts, window) - 1
            cut = spans[index][0] if inside(window) and spans[index][0] > start else window
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(paragraph)))
    return pieces


_QUOTE_STATE = re.compile(r"[\"“”‘]|(?<![^\W\d_])['’]|['’](?![^\W\d_])")
"""A character LanguageTool's EN_UNPAIRED_QUOTES may take for a quote: any double quote or opening
single one, and an apostrophe without a letter on each side (an apostrophe inside a word, as in "it's"
or "O'Brien", neither opens a quote nor leaves anything behind for the next paragraph)."""
_OPENING_QUOTE = re.compile(r"\s*(?:[\"'„«»“‘]\s*)?")
_THANK_YOU = re.compile(r"\bthank\s+you\b", re.IGNORECASE)


def leaves_state(text: str) -> bool:
    """Whether a paragraph may leave LanguageTool's text-level rules something that changes the answer
    for the paragraphs after it in the same request.

    Of the text-level rules cleaner leaves enabled (LanguageTool 6.7, en-US: UPPERCASE_SENTENCE_START,
    EN_UNPAIRED_QUOTES, REP_THANK_YOU_FOR), EN_UNPAIRED_QUOTES keeps its open quotes (and a remembered
    apostrophe, and whether the last double quote was an inch mark) from paragraph to paragraph: a quote
    left open here would pair with one in the next paragraph, and neither would be reported."""
    return _QUOTE_STATE.search(text) is not None


def reads_state(text: str) -> bool:
    """Whether a paragraph's answer may depend on the paragraphs before it in the same request.

    UPPERCASE_SENTENCE_START lets a sentence start in lower case when the sentence before it (for the
    first sentence of a paragraph: the last one of the paragraph before) does not end with . ? ! or …,
    so a paragraph that does not open with a capital or a digit (after an opening quote) reads its
    neighbour; REP_THANK_YOU_FOR reports a "thank you for" after another in the sentences before."""
    start = _OPENING_QUOTE.match(text)
    first = text[start.end() : start.end() + 1] if start else text[:1]
    return not (first.isupper() or first.isdigit()) or _THANK_YOU.search(text) is not None


def bundles(texts: Sequence[str], limit: int = MAX_CHUNK, parts: int = 1) -> list[list[int]]:
    """The indices of ``texts`` (paragraphs as LanguageTool reads them) grouped into requests, each
    answering for every paragraph in it as if it had been sent alone.

    A request holds at most ``limit`` code points, separators included, and the paragraphs are spread
    over at least ``parts`` requests where there are enough of them, so that the server's cores all
    work on one document. Each paragraph that reads what comes before it (``reads_state``) goes first
    in its request, and each that leaves something behind (``leaves_state``) goes last; one that does
    both goes alone. With ``limit`` 0 every paragraph goes alone.
    """
    if limit <= 0:
        return [[index] for index in range(len(texts))]
    sizes = [len(text) + len(SEPARATOR) for text in texts]
    target = min(limit, max(1, math.ceil(sum(sizes) / max(1, parts))))
    heads: list[int] = []
    tails: list[int] = []
    alone: list[list[int]] = []
    groups: list[list[int]] = []
    for index, text in enumerate(texts):
        reads, leaves = reads_state(text), leaves_state(text)
        if reads and leaves:
            alone.append([index])
        elif reads:
            heads.append(index)
        elif leaves:
            tails.append(index)
        elif groups and sum(sizes[i] for i in groups[-1]) + sizes[index] <= target:
            groups[-1].append(index)
        else:
            groups.append([index])
    totals = [sum(sizes[i] for i in group) for group in groups]
    for edge, extra in ((0, heads), (1, tails)):
        free = [True] * len(groups)
        for index in extra:
            fitting = [g for g in range(len(groups)) if free[g] and totals[g] + sizes[index] <= limit]
            if fitting:
                chosen = min(fitting, key=totals.__getitem__)
            else:
                groups.append([])
                totals.append(0)
                free.append(True)
                chosen = len(groups) - 1
            groups[chosen].insert(0 if edge == 0 else len(groups[chosen]), index)
            totals[chosen] += sizes[index]
            free[chosen] = False
    return groups + alone


class GrammarEngine:
    """One per run: checks every document of the run through the same server."""

    def __init__(
        self,
        settings: GrammarSettings | None = None,
        starting: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.settings = settings or GrammarSettings()
        self._starting = starting
        """Entered around every start of a server for the run (the JVM takes 10-50 s): the caller's
        way to say why the run waits. This layer prints nothing itself."""
        self.started_server = False
        """Whether this run paid for starting its own server (no long-lived one was running)."""
        self._unavailable: str | None = None
        self._handle: ServerHandle | None = None
        self._client: Client | None = None
        self._variant_client: Client | None = None
        """The ``ALSO_ACCEPTED`` speller's client, made on the first word it is asked about."""
        self._variant_spelling: dict[str, bool] = {}
        """Word -> whether the ``ALSO_ACCEPTED`` speller accepts it: each word is asked about once a run."""
        self._restarted = False
        self._answering = False
        """Whether the current server has answered a check: until it has, requests go one at a time."""
        self.workers = self.settings.workers or max(1, os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None
        self._closing = threading.Event()
        self._answered: dict[str, list[RawMatch]] = {}
        """Answers got or read this run, by cache key: a paragraph is sent at most once a run (``fix``
        re-checks its text after each pass; only the paragraphs a repair changed are new)."""
        self._waited = 0.0
        """Seconds this run has spent waiting for LanguageTool, against ``settings.run_budget``."""
        self.incomplete = 0
        """Texts this run did not wholly check (a piece refused or unanswered, the engine given up, a
        British spelling left unasked): ``cleaner batch`` marks each such document for a later run."""
        self._skipped: dict[str, list] = {}
        """Pieces that went without grammar, by kind: [count, first reason, first piece]; each kind is
        said once, however many paragraphs it hit. Kind ``variant`` counts words the British speller
        could not be asked about (the first word in place of a piece): the US speller's matches on them
        are withheld, as a British spelling reported as a misspelling is a false alarm."""
        self._cache = (
            ResultCache(cache_dir() / "languagetool-cache.sqlite3") if self.settings.use_cache else None
        )

    @property
    def available(self) -> bool:
        """False once the engine is given up for the run (then ``problem`` says why)."""
        return self._unavailable is None

    @property
    def problem(self) -> str | None:
        """What the run must say about grammar it did not check: why the engine is not (or no longer)
        available, and which paragraphs went without it; None while everything was checked."""
        parts = [self._unavailable] if self._unavailable else []
        for kind, (count, reason, paragraph) in self._skipped.items():
            if kind == "variant":
                many = f"{count} words" if count > 1 else "a word"
                parts.append(
                    f"LanguageTool's {ALSO_ACCEPTED} speller could not be asked about {many} ({reason}; "
                    f"the first is “{paragraph}”), so their spelling matches are left out"
                )
                continue
            many = f"{count} paragraphs" if count > 1 else "a paragraph"
            which = "the first starts" if count > 1 else "it starts"
            said = "refused" if kind == "refused" else "gave an unusable answer for"
            parts.append(f"LanguageTool {said} {many} ({reason}; {which} {_excerpt(paragraph)})")
        return "; ".join(parts) or None

    @property
    def warnings(self) -> list[str]:
        """Every warning for the run's report, each once: grammar not checked, and cache trouble."""
        problem = self.problem
        found = [f"grammar check skipped, rules only: {problem}"] if problem else []
        return found + (self._cache.warnings if self._cache is not None else [])

    # -- the engine --------------------------------------------------------------------------------

    def _connect(self) -> None:
        """Use, in order: a configured URL, the long-lived local server, a server started for this run."""
        if self.settings.url:
            if not is_alive(self.settings.url, timeout=min(10.0, self._budget_left())):
                raise EngineUnavailable(f"no LanguageTool server answers at {self.settings.url}")
            self._handle = ServerHandle(self.settings.url)
        else:
            self._handle = running_server() or self._start_server()
        self._client = self._make_client(self._handle.url)

    def _start_server(self) -> ServerHandle:
        """A server for this run, started inside the caller's ``starting`` hook."""
        install = installation()
        with self._starting() if self._starting is not None else nullcontext():
            handle = start_server(install)
        self.started_server = True
        return handle

    def _make_client(self, url: str) -> Client:
        from cleaner.grammar.client import Client

        settings = self.settings
        if settings.language == ANY_ENGLISH:
            settings = replace(settings, language=CHECKED_AS)
        return Client(url, settings, timeout=min(CONNECT_TIMEOUT, self._budget_left()))

    def _ensure(self) -> bool:
        if self._client is not None:
            return True
        if self._unavailable is not None:
            return False
        try:
            self._connect()
        except (EngineUnavailable, ClientError, OSError) as exc:
            self._unavailable = str(exc)
            return False
        return True

    def _restart(self, exc: ClientError) -> bool:
        """A server died or stalled mid-run: start a fresh one for the run, once (not in place of a
        server at a configured URL; a long-lived local one that died is replaced, but not stopped)."""
        if self._restarted or self.settings.url:
            return False
        self._restarted = True
        if self._handle is not None and self._handle.owned:
            stop_server(self._handle)
        self._drop_clients()
        self._answering = False
        try:
            self._handle = self._start_server()
            self._client = self._make_client(self._handle.url)
        except (EngineUnavailable, ClientError, OSError) as again:
            self._unavailable = f"LanguageTool stopped answering ({exc}) and could not be restarted: {again}"
            return False
        return True

    def _budget_left(self) -> float:
        if not self.settings.run_budget:
            return float("inf")
        return self.settings.run_budget - self._waited

    def _over_budget(self) -> str:
        return (
            f"LanguageTool took the run's whole budget of {self.settings.run_budget:g} s "
            f"(${BUDGET_ENV}); the rest is checked with cleaner's own rules"
        )

    def _drop_clients(self) -> None:
        for client in (self._client, self._variant_client):
            if client is not None:
                client.close()
        self._client = self._variant_client = None

    def close(self) -> None:
        self._closing.set()  # requests still queued are not sent
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._drop_clients()
        if self._handle is not None and self._handle.owned:
            stop_server(self._handle)
        self._handle = None
        if self._cache is not None:
            self._cache.close()

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
            REQUEST_SCHEME,
            self.settings.language,
            ",".join(sorted(self.settings.disabled_rules)),
            ",".join(sorted(self.settings.disabled_categories)),
            ",".join(sorted(self.settings.enabled_rules)),
        )

    def _key(self, piece: str, markup: Sequence[tuple[int, int]]) -> str:
        context = (*self._context, ANNOTATION_SCHEME, repr(list(markup))) if markup else self._context
        return ResultCache.key(piece, context)

    def check_paragraph(
        self, paragraph: str, markup: Sequence[tuple[int, int]] = ()
    ) -> list[RawMatch] | None:
        """LanguageTool's matches for one paragraph (offsets into it), from the cache when it has them;
        None when the engine is unavailable. ``markup`` spans (paragraph offsets) are sent as markup,
        not prose. A long paragraph goes in pieces (``chunks``); a piece the server refuses or answers
        with nonsense adds no matches, and ``problem`` says so."""
        pieces = _pieces(paragraph, markup)
        results = self._check_pieces([(piece, local) for _, piece, local in pieces])
        if all(result is None for result in results) and not self.available:
            return None
        return [
            replace(m, start=m.start + start, end=m.end + start)
            for (start, _, _), matches in zip(pieces, results, strict=True)
            for m in matches or []
        ]

    def findings(self, text: str, markup: Sequence[Span] = ()) -> list[Finding]:
        """Findings for every paragraph of ``text``; ``markup`` (document offsets) is not prose.

        The document's pieces go to the server together (those not already answered in this run or
        cached), several at a time, so a document costs about its longest pieces' time on each core
        rather than the sum of all its pieces."""
        where: list[tuple[int, str, int]] = []
        """(paragraph offset, paragraph, piece start in the paragraph) of each piece, in order."""
        requests: list[tuple[str, list[tuple[int, int]]]] = []
        for offset, paragraph in paragraphs(text):
            end = offset + len(paragraph)
            local = [
                (max(s.start, offset) - offset, min(s.end, end) - offset)
                for s in markup
                if s.start < end and offset < s.end
            ]
            for start, piece, piece_markup in _pieces(paragraph, local):
                where.append((offset, paragraph, start))
                requests.append((piece, piece_markup))
        found: list[Finding] = []
        skipped = self._skipped_count()
        results = self._check_pieces(requests)
        for (offset, paragraph, start), matches in zip(where, results, strict=True):
            for match in matches or []:
                moved = replace(match, start=match.start + start, end=match.end + start)
                if not any(
                    explained(moved, paragraph)
                    for explained in (
                        is_name_spelling,
                        is_name_apostrophe,
                        is_credit_spelling,
                        is_abbreviation_match,
                        is_comma_style,
                    )
                ):
                    found.append(to_finding(moved, offset, paragraph))
        if None in results or self._skipped_count() != skipped:
            self.incomplete += 1
        return in_context(found, text)

    def _skipped_count(self) -> int:
        return sum(count for count, _, _ in self._skipped.values())

    def _check_pieces(
        self, requests: Sequence[tuple[str, list[tuple[int, int]]]]
    ) -> list[list[RawMatch] | None]:
        """The matches of each (piece, markup): answered earlier in this run, cached, or asked of the
        server (each distinct piece once); None for a piece that could not be checked."""
        results: list[list[RawMatch] | None] = [None] * len(requests)
        wanted: dict[str, list[int]] = {}
        for index, (piece, markup) in enumerate(requests):
            if not piece.strip():
                results[index] = []
                continue
            key = self._key(piece, markup)
            if key in self._answered:
                results[index] = self._answered[key]
            else:
                wanted.setdefault(key, []).append(index)
        if wanted and self._cache is not None:
            for key, matches in self._cache.get_many(list(wanted)).items():
                self._answered[key] = matches
                for index in wanted.pop(key):
                    results[index] = matches
        if wanted:
            asked = [(key, *requests[indices[0]]) for key, indices in wanted.items()]
            answers, cacheable = self._ask_all(asked)
            for key, matches in answers.items():
                if key in cacheable:
                    self._answered[key] = matches
                for index in wanted[key]:
                    results[index] = matches
            if self._cache is not None:
                self._cache.put_many({key: answers[key] for key in cacheable})
        return results

    def _ask_all(
        self, requests: list[tuple[str, str, list[tuple[int, int]]]]
    ) -> tuple[dict[str, list[RawMatch]], set[str]]:
        """Ask the server about each (key, piece, markup): the answers by key, and the keys whose answer
        may be kept (all but those whose spelling variants could not be asked about).

        The first request to a server goes alone, so a server that stalls costs one deadline and one
        request; after that they go ``workers`` at a time. A server-level failure stops the sending,
        restarts a server cleaner owns (once a run) and sends what is left to it."""
        answers: dict[str, list[RawMatch]] = {}
        cacheable: set[str] = set()
        remaining = list(requests)
        while remaining and self._ensure():
            if self._budget_left() <= 0:
                self._unavailable = self._unavailable or self._over_budget()
                break
            batch = remaining if self._answering else remaining[:1]
            began = time.monotonic()
            try:
                outcomes = self._send(batch)
            finally:
                self._waited += time.monotonic() - began
            failure: ClientError | None = None
            unsent: list[tuple[str, str, list[tuple[int, int]]]] = []
            fresh: dict[str, list[RawMatch]] = {}
            for request, outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, list):
                    fresh[request[0]] = outcome
                elif isinstance(outcome, ParagraphError):
                    self._skip(outcome, request[1])
                else:
                    unsent.append(request)
                    if isinstance(outcome, ClientError) and failure is None:
                        failure = outcome
            if fresh:
                self._answering = True
                filtered, kept = self._accept_variants(
                    {k: (p, m) for k, p, _ in batch if (m := fresh.get(k)) is not None}
                )
                answers.update(filtered)
                cacheable |= kept
            remaining = unsent + remaining[len(batch) :]
            if failure is None and unsent:  # not sent: the run's budget ran out meanwhile
                self._unavailable = self._unavailable or self._over_budget()
                break
            if failure is not None:
                if isinstance(failure, _BudgetSpent):
                    self._unavailable = self._over_budget()
                    break
                if not self._restart(failure):
                    self._unavailable = self._unavailable or f"LanguageTool failed: {failure}"
                    break
        return answers, cacheable

    def _send(self, batch: list[tuple[str, str, list[tuple[int, int]]]]) -> list[object]:
        """Each request's outcome, in order: its matches, the ParagraphError or ClientError it met, or
        ``None`` when it was not sent (an earlier failure stopped the sending, or the budget ran out)."""
        client = self._client
        assert client is not None
        timeout = self.settings.request_timeout or REQUEST_TIMEOUT
        budget_end = time.monotonic() + self._budget_left()
        stop = threading.Event()

        def ask(indices: list[int]) -> list[object]:
            if stop.is_set() or self._closing.is_set():
                return [None] * len(indices)
            began = time.monotonic()
            if began >= budget_end:
                return [None] * len(indices)
            deadline = min(began + timeout, budget_end)
            outcome: object
            try:
                return list(client.check_many([batch[i][1:] for i in indices], deadline))
            except ParagraphError as exc:
                if len(indices) > 1:  # each alone: only a paragraph at fault goes without grammar
                    return [ask([index])[0] for index in indices]
                outcome = exc
            except DeadlineExceeded as exc:
                stop.set()
                if deadline == budget_end:
                    outcome = _BudgetSpent(str(exc))
                else:
                    outcome = DeadlineExceeded(
                        f"no whole answer within {timeout:g} s (${TIMEOUT_ENV}): {exc}"
                    )
            except ClientError as exc:
                stop.set()
                outcome = exc
            return [outcome] * len(indices)

        groups = bundles(
            [_as_read(piece, markup) for _, piece, markup in batch], self.settings.batch_chars, self.workers
        )
        if self.workers == 1:  # else even a lone request goes through a worker, to its connection
            answered = [ask(group) for group in groups]
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="languagetool")
            futures = [self._pool.submit(ask, group) for group in groups]
            answered = [future.result() for future in futures]
        outcomes: list[object] = [None] * len(batch)
        for group, results in zip(groups, answered, strict=True):
            for index, result in zip(group, results, strict=True):
                outcomes[index] = result
        return outcomes

    def _accept_variants(
        self, fresh: dict[str, tuple[str, list[RawMatch]]]
    ) -> tuple[dict[str, list[RawMatch]], set[str]]:
        """The matches of each piece (by key) without the US speller's on words the British speller
        accepts, when no variant is configured (``ANY_ENGLISH``), and the keys whose answer is settled
        (may be kept); done before caching, so a cached answer is already filtered.

        One small request for all such words of a batch not yet asked about this run (measured on 543
        Bio-MQM paragraphs, warm server, no cache: 3.3 s against 2.2-2.7 s for en-US alone, with one
        request a paragraph; the result cache makes a re-check free). Capitalised words are not asked
        about: they are names, which the report drops anyway (``is_name_spelling``). When the British
        speller cannot be asked (a server without it, a request out of time under load), the US speller's
        matches on those words are withheld rather than reported, not cached, and ``problem`` says so:
        the same text must not gain a spelling finding because the machine was busy.
        """
        speller = _SPELLERS[CHECKED_AS]
        plain = {key: matches for key, (_, matches) in fresh.items()}
        if self.settings.language != ANY_ENGLISH or self._handle is None:
            return plain, set(plain)
        words = {
            key: {w for m in matches if m.rule_id == speller and (w := piece[m.start : m.end]).islower()}
            for key, (piece, matches) in fresh.items()
        }
        unknown = sorted({w for found in words.values() for w in found} - self._variant_spelling.keys())
        failure = self._ask_variant(unknown) if unknown else None
        undecided = set(unknown) if failure else set()
        if failure:
            self._skipped.setdefault("variant", [0, failure, unknown[0]])[0] += len(unknown)
        filtered = {}
        for key, (piece, matches) in fresh.items():
            withheld = {w for w in words[key] if w in undecided or self._variant_spelling.get(w)}
            filtered[key] = [
                m for m in matches if not (m.rule_id == speller and piece[m.start : m.end] in withheld)
            ]
        return filtered, {key for key in filtered if not words[key] & undecided}

    def _ask_variant(self, words: list[str]) -> str | None:
        """Ask the ``ALSO_ACCEPTED`` speller about ``words``; why it could not be asked, or None."""
        began = time.monotonic()
        try:
            if self._variant_client is None:
                from cleaner.grammar.client import Client

                assert self._handle is not None
                variant = replace(self.settings, language=ALSO_ACCEPTED)
                self._variant_client = Client(
                    self._handle.url, variant, timeout=min(CONNECT_TIMEOUT, self._budget_left())
                )
            timeout = self.settings.request_timeout or REQUEST_TIMEOUT
            deadline = time.monotonic() + min(timeout, self._budget_left())
            text = "\n\n".join(words)
            rejected = {
                text[m.start : m.end]
                for m in self._variant_client.check(text, [], deadline)
                if m.rule_id == _SPELLERS[ALSO_ACCEPTED]
            }
        except (ClientError, ParagraphError) as exc:
            return str(exc)
        finally:
            self._waited += time.monotonic() - began
        self._variant_spelling.update((w, w not in rejected) for w in words)
        return None

    def _skip(self, exc: ParagraphError, piece: str) -> None:
        kind = "refused" if isinstance(exc, Refused) else "unusable"
        entry = self._skipped.setdefault(kind, [0, str(exc), piece])
        entry[0] += 1


class _BudgetSpent(DeadlineExceeded):
    """A request cut short by the end of the run's budget, not by its own deadline."""


def _pieces(
    paragraph: str, markup: Sequence[tuple[int, int]]
) -> list[tuple[int, str, list[tuple[int, int]]]]:
    """(start, text, markup relative to the piece) of each piece of ``paragraph`` (``chunks``)."""
    return [
        (
            start,
            paragraph[start:end],
            [(max(s, start) - start, min(e, end) - start) for s, e in markup if s < end and start < e],
        )
        for start, end in chunks(paragraph, markup)
    ]


def _as_read(piece: str, markup: list[tuple[int, int]]) -> str:
    """The text LanguageTool analyses for a piece: its markup read as the annotation says."""
    if not markup:
        return piece
    return "".join(part.get("text", part.get("interpretAs", "")) for part in annotation(piece, markup))


def _excerpt(text: str, length: int = 40) -> str:
    words = " ".join(text.split())
    return f"“{words[:length]}…”" if len(words) > length else f"“{words}”"
