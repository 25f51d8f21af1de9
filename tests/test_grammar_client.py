"""The grammar client's speed-bearing behaviour (issues 16 and 17), on a real LanguageTool server and
on small fake ones: connections kept alive, requests several at a time with every finding where it
belongs, each paragraph sent once a run, and a connection the server closed while idle replaced."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from cleaner.grammar import transport
from cleaner.grammar.client import split_matches
from cleaner.grammar.engine import (
    LEAD,
    MAX_CHUNK,
    SEPARATOR,
    GrammarEngine,
    GrammarSettings,
    bundles,
    leaves_state,
    reads_state,
)
from cleaner.grammar.errors import BadAnswer
from tests.test_hardening_grammar import LANGUAGES, a_match, marks, reply, sent_text, utf16


def numbered(count: int) -> str:
    """``count`` paragraphs, no two alike, each with one agreement error ("He go") at its own offset."""
    return "\n\n".join(f"{'Yes. ' * (n % 4)}On day {n} he go to the market." for n in range(count))


@pytest.mark.languagetool
def test_a_run_keeps_one_connection_per_worker(languagetool_url: str) -> None:
    text = numbered(24)
    before = transport.Connection.opened
    with GrammarEngine(
        GrammarSettings(url=languagetool_url, language="en-US", use_cache=False, workers=2)
    ) as grammar:
        found = grammar.findings(text)
    opened = transport.Connection.opened - before
    assert grammar.problem is None
    assert opened <= 4, f"{opened} connections for 24 paragraphs"  # health check, languages, 2 workers
    go = [f for f in found if text[f.start : f.end] == "go"]
    assert len(go) == 24  # every paragraph's error found, at its own offset
    assert [text.count("\n\n", 0, f.start) for f in go] == list(range(24))


@pytest.mark.languagetool
def test_results_do_not_depend_on_how_many_requests_run_at_once(languagetool_url: str) -> None:
    text = numbered(12) + "\n\nShe have a 🎉 cat and and a dog.\n"
    runs = []
    for workers in (1, 3):
        settings = GrammarSettings(url=languagetool_url, use_cache=False, workers=workers)
        with GrammarEngine(settings) as grammar:
            runs.append([(f.rule, f.start, f.end) for f in grammar.findings(text)])
    assert runs[0] == runs[1] and len(runs[0]) >= 13


@pytest.mark.languagetool
def test_each_paragraph_is_sent_once_a_run(languagetool_url: str) -> None:
    """Repeated paragraphs go once, and a second check of an edited text (as `fix` makes after each
    pass) sends only the paragraph that changed, with the result cache off."""
    text = numbered(5) + "\n\n" + "He go home.\n\n" * 4
    with GrammarEngine(GrammarSettings(url=languagetool_url, use_cache=False)) as grammar:
        assert grammar.findings("Warm up.") == [] and grammar._client is not None
        sent: list[str] = []
        real = grammar._client.check_many

        def counting(pieces: list, deadline: float) -> list:
            sent.extend(piece for piece, _ in pieces)
            return real(pieces, deadline)

        grammar._client.check_many = counting  # type: ignore[method-assign]
        first = grammar.findings(text)
        assert len(sent) == 6 and len([f for f in first if text[f.start : f.end] == "go"]) == 9
        sent.clear()
        edited = text.replace("On day 3 he go", "On day 3 he goes")
        assert len(grammar.findings(edited)) == len(first) - 1
        assert sent == ["Yes. Yes. Yes. On day 3 he goes to the market."]


@contextlib.contextmanager
def closing_idle_connections() -> Iterator[tuple[str, list[int]]]:
    """(URL, requests per connection) of a fake HTTP/1.1 server that answers one check per connection
    and then closes it without saying so, as a server closes a connection left idle too long."""
    counts: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            reply(self, 200, LANGUAGES)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            fields = {key: values[0] for key, values in parse_qs(body.decode("utf-8")).items()}
            reply(self, 200, {"matches": marks(sent_text(fields))})
            counts.append(1)
            self.close_connection = True  # no "Connection: close" header: the client finds out later

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", counts
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_connection_closed_while_idle_is_replaced(workers: int) -> None:
    text = "\n\n".join(f"Paragraph {n} has an ERR." for n in range(8))
    with closing_idle_connections() as (url, counts):
        settings = GrammarSettings(  # one request a paragraph: each on a connection the server drops
            url=url, language="en-US", use_cache=False, workers=workers, batch_chars=0
        )
        with GrammarEngine(settings) as grammar:
            found = grammar.findings(text)
    assert grammar.problem is None
    assert len(counts) == 8 and [text[f.start : f.end] for f in found] == ["ERR"] * 8


def test_keep_alive_connection_reuses_its_socket() -> None:
    """One Connection, many requests to a server that keeps connections: one connect."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            reply(self, 200, json.dumps(LANGUAGES))

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/v2/languages"
    try:
        before = transport.Connection.opened
        with transport.Connection() as connection:
            answers = [connection.request("GET", url, transport.time.monotonic() + 10) for _ in range(5)]
        assert [json.loads(a.body) for a in answers] == [LANGUAGES] * 5
        assert transport.Connection.opened - before == 1
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_paragraphs_share_a_request_with_readers_first_and_leavers_last() -> None:
    texts = [
        "Plain one.",
        'He said "we will win.',  # leaves an open quote behind
        "and so it went on.",  # reads what came before (lower-case start)
        "Plain two.",
        "“Thank you for coming,” she said.",  # does both: alone
        "Plain three.",
    ]
    groups = bundles(texts, limit=MAX_CHUNK, parts=2)
    assert sorted(i for group in groups for i in group) == list(range(len(texts)))
    assert [4] in groups
    for group in groups:
        assert all(not reads_state(texts[i]) for i in group[1:])
        assert all(not leaves_state(texts[i]) for i in group[:-1])
    assert len(groups) >= 2  # spread over both cores


def test_a_request_holds_at_most_the_limit_and_one_per_paragraph_without_it() -> None:
    texts = [f"Sentence number {n} is here." for n in range(50)]
    groups = bundles(texts, limit=100, parts=1)
    assert all(sum(len(texts[i]) + len(SEPARATOR) for i in group) <= 100 for group in groups)
    assert [i for group in groups for i in group] == list(range(50))
    assert bundles(texts, limit=0) == [[i] for i in range(50)]


def test_apostrophes_inside_words_leave_nothing_behind() -> None:
    assert not leaves_state("It's O'Brien's car, isn’t it?")
    assert leaves_state("The students' union.") and leaves_state("He said ‘no’.")
    assert not reads_state("3. As far as I know.") and not reads_state('"Yes," he said.')
    assert reads_state('"yes," he said.') and reads_state("(Reuters) Text.") and reads_state("Thank you all.")


def answer(*matches: tuple[int, int]) -> dict:
    return {"matches": [a_match(utf16(LEAD + SEPARATOR) + offset, length) for offset, length in matches]}


def test_matches_are_split_back_to_their_paragraphs() -> None:
    pieces = ["A 🎉 ERR.", "Then ERR."]
    second = utf16(pieces[0] + SEPARATOR)
    found = split_matches(pieces, answer((utf16("A 🎉 "), 3), (second + 5, 3)))
    assert [[(m.start, m.end) for m in one] for one in found] == [[(4, 7)], [(5, 8)]]
    assert [pieces[i][m.start : m.end] for i, one in enumerate(found) for m in one] == ["ERR", "ERR"]
    assert split_matches(pieces, {"matches": [a_match(0, 4)]}) == [[], []]  # in LEAD: dropped
    for across in ((utf16(pieces[0]) - 1, 3), (utf16(pieces[0]), 1)):  # into the break: dropped alone
        found = split_matches(pieces, answer(across, (second + 5, 3)))
        assert [[(m.start, m.end) for m in one] for one in found] == [[], [(5, 8)]]
    with pytest.raises(BadAnswer):  # beyond the whole text
        split_matches(pieces, {"matches": [a_match(10_000, 3)]})


@pytest.mark.languagetool
def test_a_paragraph_gets_the_same_answer_alone_and_with_its_neighbours(languagetool_url: str) -> None:
    """Paragraphs whose answer a naive join would change (an open quote closed in the next paragraph,
    a lower-case start after a headline, a repeated "thank you for", ". . ." at a paragraph's end, an
    enumeration at its start) give the same findings sent together as sent one by one (a quote that
    pairs across paragraphs is then dropped for the document, and one that pairs nowhere stays)."""
    text = "\n\n".join(
        [
            'He said "we will win the match.',
            'They answered" no, not this year.',
            "Results of the vote",
            "the count went on until late. He go home.",
            "Thank you for your letter.",
            "Thank you for your patience.",
            "Foreign coins are worthless. . .",
            "3. As far as I know, he is serious about it. seriously.",
            "Compared to the previous day, that was a whopping 65 percent increase. dpa",
            "She have a cat. It's O'Brien's car and the the dog.",
            'The "plan was dropped after all.',
        ]
        * 2
    )
    runs = {}
    for batch_chars in (0, MAX_CHUNK):
        settings = GrammarSettings(url=languagetool_url, use_cache=False, batch_chars=batch_chars)
        with GrammarEngine(settings) as grammar:
            runs[batch_chars] = grammar.findings(text + "\n\nWarm up.")
            assert grammar.problem is None
    assert runs[0] == runs[MAX_CHUNK]
    rules = {f.rule for f in runs[0]}
    assert {"languagetool.EN_UNPAIRED_QUOTES", "languagetool.UPPERCASE_SENTENCE_START"} <= rules
