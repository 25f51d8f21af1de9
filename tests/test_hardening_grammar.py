"""Hardening of the grammar stage (issue 14, points 6, 9, 10, 11, 12): hostile LanguageTool servers,
paragraphs over the server's limit, the background server's bookkeeping, and damaged result caches.

Fault servers are small HTTP servers on 127.0.0.1 in a thread of the test; each wait they make is
bounded and ends when the test does. Tests of real servers (parent death, concurrent starts) use the
installed LanguageTool through a cache folder of their own.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.grammar import server as lt_server
from cleaner.grammar import transport
from cleaner.grammar.cache import ResultCache
from cleaner.grammar.engine import (
    LEAD,
    MAX_CHUNK,
    SEPARATOR,
    TAIL,
    GrammarEngine,
    GrammarSettings,
    chunks,
    paragraphs,
)
from cleaner.grammar.errors import DeadlineExceeded
from cleaner.grammar.install import installation
from cleaner.grammar.mapping import RawMatch
from tests.conftest import REPO, URL_ENV, run_cli

LANGUAGES = [{"name": "English (US)", "code": "en", "longCode": "en-US"}]
WAIT = 30.0
"""The longest any fake server stalls: long enough to outlast the deadlines under test, short enough
that a server thread never outlives the test by much."""

Behaviour = Callable[[BaseHTTPRequestHandler, str, threading.Event], None]


# -- fake servers ----------------------------------------------------------------------------------


def sent_text(fields: dict[str, str]) -> str:
    """The text a check request carries, plain or as annotated text (markup included)."""
    if "text" in fields:
        return fields["text"]
    parts = json.loads(fields["data"])["annotation"]
    return "".join(part.get("text", part.get("markup", "")) for part in parts)


def unwrapped(text: str) -> str:
    """The paragraphs of a check request without the plain paragraphs the client puts around them
    (``engine.LEAD`` and ``engine.TAIL``); a fake server's matches are offsets into the whole text."""
    head, tail = LEAD + SEPARATOR, SEPARATOR + TAIL
    return text[len(head) : -len(tail)] if text.startswith(head) and text.endswith(tail) else text


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def a_match(offset: int, length: int, rule: str = "FAKE_RULE") -> dict[str, Any]:
    return {
        "offset": offset,
        "length": length,
        "message": "fake",
        "replacements": [{"value": "x"}],
        "rule": {"id": rule, "issueType": "grammar", "category": {"id": "GRAMMAR"}},
    }


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes | str | Any) -> None:
    payload = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body))
    data = payload.encode() if isinstance(payload, str) else payload
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def marks(text: str, word: str = "ERR") -> list[dict[str, Any]]:
    """A match on every ``word`` in ``text``, in UTF-16 offsets as LanguageTool gives them."""
    found, start = [], text.find(word)
    while start >= 0:
        found.append(a_match(utf16(text[:start]), utf16(word)))
        start = text.find(word, start + 1)
    return found


def marking(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
    reply(handler, 200, {"matches": marks(text)})


@contextmanager
def fake_languagetool(check: Behaviour) -> Iterator[tuple[str, list[str]]]:
    """(URL, texts received) of a server that lists English and answers /v2/check with ``check``."""
    stop = threading.Event()
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            reply(self, 200, LANGUAGES) if self.path.startswith("/v2/languages") else reply(self, 404, {})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            fields = {key: values[0] for key, values in parse_qs(body.decode("utf-8")).items()}
            text = sent_text(fields)
            received.append(unwrapped(text))
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                check(self, text, stop)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


def trickling(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
    """Headers, then one byte of a long body every tenth of a second: each read is quick, the whole never
    comes (a timeout per read never fires)."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.flush()
    for _ in range(int(WAIT * 10)):
        if stop.wait(0.1):
            return
        handler.wfile.write(b" ")
        handler.wfile.flush()


def trickling_headers(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
    for _ in range(int(WAIT * 10)):
        if stop.wait(0.1):
            return
        handler.wfile.write(b"X-Slow: 1\r\n" if _ else b"HTTP/1.1 200 OK\r\n")
        handler.wfile.flush()


def silent(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
    stop.wait(WAIT)


def engine_for(url: str, **options: Any) -> GrammarEngine:
    return GrammarEngine(GrammarSettings(url=url, use_cache=False, **options))


# -- 6: no hang --------------------------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", [trickling, trickling_headers, silent], ids=lambda b: b.__name__)
def test_a_stalled_server_costs_one_deadline_then_rules_only(behaviour: Behaviour) -> None:
    with fake_languagetool(behaviour) as (url, received), engine_for(url, request_timeout=1.5) as grammar:
        assert grammar.findings("He go home.\n\nShe go home.\n\nThey goes home.\n") == []
        assert grammar.problem is not None and "no whole answer within 1.5 s" in grammar.problem
        assert len(received) == 1  # given up for the run: the other paragraphs were not sent
        assert not grammar.available


def test_a_british_spelling_is_not_reported_when_the_british_speller_cannot_be_asked() -> None:
    """Under load the second speller's request can run out of time: the US speller's match on "colour"
    is then withheld and the run says why, never reported as a misspelling because the machine was busy."""

    def us_speller_only(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
        if unwrapped(text) == "colour":  # the request to the British speller, with the word alone
            stop.wait(WAIT)
            return
        start = text.find("colour")
        reply(handler, 200, {"matches": [a_match(utf16(text[:start]), 6, "MORFOLOGIK_RULE_EN_US")]})

    with (
        fake_languagetool(us_speller_only) as (url, received),
        engine_for(url, request_timeout=1.5) as grammar,
    ):
        assert grammar.findings("The colour of the sky.\n") == []
        assert received == ["The colour of the sky.", "colour"]
        assert grammar.problem is not None
        assert "could not be asked about a word" in grammar.problem and "“colour”" in grammar.problem


def test_the_run_budget_ends_grammar_for_a_server_that_answers_just_in_time() -> None:
    def slow(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
        stop.wait(0.4)
        marking(handler, text, stop)

    text = "\n\n".join(f"Paragraph {n} has an ERR." for n in range(40))
    with fake_languagetool(slow) as (url, received), engine_for(url, run_budget=1.0) as grammar:
        found = grammar.findings(text)
        assert grammar.problem is not None and "whole budget of 1 s" in grammar.problem
        assert 0 < len(found) < 40 and len(received) < 40
        assert all(text[f.start : f.end] == "ERR" for f in found)


def test_transport_deadline_is_for_the_whole_answer() -> None:
    with fake_languagetool(trickling) as (url, _), pytest.raises(DeadlineExceeded):
        transport.post_form(url + "/v2/check", {"text": "x"}, time.monotonic() + 1.0)


def test_cli_goes_on_with_rules_only_when_the_server_never_answers(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The talks ended. . Then it rained.\n", encoding="utf-8")
    with fake_languagetool(silent) as (url, _):
        env = {URL_ENV: url, "CLEANER_LANGUAGETOOL_TIMEOUT": "1"}
        result = run_cli(
            "check", "--no-cache", "--format", "json", "--languagetool-url", url, str(article), env=env
        )
    data = json.loads(result.stdout)
    assert result.returncode == 1, result.stderr
    assert [f["rule"] for f in data["files"][0]["findings"]] == ["punctuation.repeated-stop"]
    assert data["warnings"] and "no whole answer within 1 s" in data["warnings"][0]


# -- 9: paragraphs over the limit ------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab .!?\n\r\t🎉é\u2028"), max_size=400),
    st.integers(min_value=5, max_value=60),
    st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30)), max_size=5),
)
def test_chunks_cover_the_paragraph_within_the_limit(text: str, limit: int, spans: list) -> None:
    markup = sorted({(s, min(s + n, len(text))) for s, n in spans if s < len(text)})
    markup = [span for i, span in enumerate(markup) if i == 0 or span[0] >= markup[i - 1][1]]
    pieces = chunks(text, markup, limit)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    assert all(0 < end - start <= limit for start, end in pieces) or text == ""


def test_chunks_cut_after_sentences_then_at_spaces_then_anywhere() -> None:
    prose = "One two three. Four five six. Seven eight nine."
    assert [prose[s:e] for s, e in chunks(prose, limit=32)] == [
        "One two three. Four five six. ",
        "Seven eight nine.",
    ]
    words = "aaaa bbbb cccc"
    assert [words[s:e] for s, e in chunks(words, limit=10)] == ["aaaa bbbb ", "cccc"]
    assert chunks("x" * 25, limit=10) == [(0, 10), (10, 20), (20, 25)]
    linked = "See it. [a long link text](http://example.com) here."
    markup = [(8, 46)]
    assert all(not (8 < end < 46) for _, end in chunks(linked, markup, limit=40))


def test_cr_only_articles_are_split_into_lines_at_sentence_ends() -> None:
    text = "First line.\rSecond line.\r\rThird\rwrapped.\r\nFourth.\r\n\r\nFifth"
    assert [p for _, p in paragraphs(text)] == [
        "First line.",
        "Second line.",
        "Third\rwrapped.",
        "Fourth.",
        "Fifth",
    ]
    assert all(text[offset : offset + len(p)] == p for offset, p in paragraphs(text))


def test_a_long_paragraph_goes_in_pieces_with_exact_offsets() -> None:
    """One line of 35,000 characters with emoji (two UTF-16 units each) before every error: LanguageTool
    sees pieces within the limit, and every finding lands on its word in the document."""
    sentences = (f"Fireworks 🎉 number {n} went up and the ERR came 𝔘 down. " for n in range(700))
    text = "Title\n\n" + "".join(sentences) + "Last ERR"  # no two pieces alike: each is sent
    with fake_languagetool(marking) as (url, received), engine_for(url) as grammar:
        found = grammar.findings(text)
    assert grammar.problem is None
    assert len(received) > 3 and all(len(piece) <= MAX_CHUNK for piece in received)
    assert len(found) == text.count("ERR")
    assert all(text[f.start : f.end] == "ERR" for f in found)


def test_a_refused_paragraph_is_a_warning_not_the_end_of_grammar() -> None:
    def limited(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
        if len(unwrapped(text)) > 50:
            reply(handler, 413, "Error: Your text exceeds the limit of 50 characters")
        else:
            marking(handler, text, stop)

    text = "An ERR here.\n\n" + "A paragraph far longer than this fake server takes. " * 3 + "\n\nThen ERR."
    with fake_languagetool(limited) as (url, _), engine_for(url) as grammar:
        found = grammar.findings(text)
        assert [text[f.start : f.end] for f in found] == ["ERR", "ERR"]
        assert grammar.available
        assert grammar.problem is not None
        assert "refused a paragraph (HTTP 413: Error: Your text exceeds the limit" in grammar.problem


@pytest.mark.languagetool
def test_a_one_line_article_over_the_servers_limit_is_checked_to_its_end(languagetool_url: str) -> None:
    """The real server takes 200,000 characters at most: a longer single line is checked whole."""
    filler = "Item 12345. "  # prose LanguageTool reads quickly: the length is what is under test
    text = filler * (205_000 // len(filler)) + "He go to the the market."
    with engine_for(languagetool_url) as grammar:
        found = grammar.findings(text)
    assert grammar.problem is None
    assert "languagetool.ENGLISH_WORD_REPEAT_RULE" in {f.rule for f in found}
    assert all(f.start > len(text) - 30 for f in found)


def test_a_lone_surrogate_goes_as_a_replacement_character_with_offsets_kept() -> None:
    text = "A broken \udc80 byte 🎉 and an ERR."
    with fake_languagetool(marking) as (url, received), engine_for(url) as grammar:
        found = grammar.findings(text)
    assert [text[f.start : f.end] for f in found] == ["ERR"]
    assert "\ufffd" in received[0]


# -- 12: answers of the wrong shape ----------------------------------------------------------------

BAD_ANSWERS = {
    "error object": {"error": "something broke"},
    "null matches": {"matches": None},
    "a list": [],
    "match without rule": {"matches": [{"offset": 0, "length": 2, "message": "m", "replacements": []}]},
    "offset out of range": {"matches": [a_match(500, 3)]},
    "negative offset": {"matches": [a_match(-1, 3)]},
    "length not a number": {"matches": [a_match(0, "3")]},  # type: ignore[arg-type]
    "matches not objects": {"matches": ["x"]},
    "not json": "<html>Bad gateway</html>",
}


@pytest.mark.parametrize("answer", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_an_unexpected_answer_costs_that_paragraph_only(answer: Any) -> None:
    def odd(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
        reply(handler, 200, answer) if "BAD" in text else marking(handler, text, stop)

    text = "A BAD ERR here.\n\nAnother BAD one.\n\nA good ERR."
    with fake_languagetool(odd) as (url, _), engine_for(url) as grammar:
        found = grammar.findings(text)
        assert [f.start for f in found] == [text.rindex("ERR")]
        assert grammar.available
        problem = grammar.problem
    assert problem is not None and problem.count("LanguageTool") == 1  # said once, for both
    assert problem.startswith("LanguageTool gave an unusable answer for 2 paragraphs")


def test_cli_survives_an_unexpected_answer(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("He go home.\n", encoding="utf-8")

    def null(handler: BaseHTTPRequestHandler, text: str, stop: threading.Event) -> None:
        reply(handler, 200, {"matches": None})

    with fake_languagetool(null) as (url, _):
        result = run_cli("check", "--no-cache", "--format", "json", "--languagetool-url", url, str(article))
    assert result.returncode == 0, result.stderr
    assert "unusable answer for a paragraph (no list of matches" in json.loads(result.stdout)["warnings"][0]


# -- 11: damaged caches ------------------------------------------------------------------------------

A_MATCH = RawMatch(0, 2, "RULE", "GRAMMAR", "grammar", "message", ("x",))


def filled_cache(path: Path, entries: int) -> None:
    cache = ResultCache(path)
    for n in range(entries):
        cache.put(f"key{n}", [A_MATCH] * 5)
    cache.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_a_damaged_cache_is_moved_aside_and_rebuilt(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "cache.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"not a database at all " * 100)
    elif damage == "truncated":
        filled_cache(path, 500)
        with open(path, "r+b") as file:
            file.truncate(path.stat().st_size // 3)
    else:
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE results (id INTEGER)")
    cache = ResultCache(path)
    for n in range(500):
        assert cache.get(f"key{n}") in (None, [A_MATCH] * 5)
    cache.put("new", [A_MATCH])
    assert cache.get("new") == [A_MATCH]
    assert len(cache.warnings) == 1 and "moved it aside" in cache.warnings[0]
    assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
    cache.close()


def test_unreadable_entries_are_dropped_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path, 1)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO results VALUES ('bad1', 'not json'), ('bad2', '[{\"start\": 1}]')")
    cache = ResultCache(path)
    assert cache.get("bad1") is None and cache.get("bad2") is None and cache.get("key0") == [A_MATCH] * 5
    assert len(cache.warnings) == 1 and "unreadable entries" in cache.warnings[0]
    cache.close()


def test_a_read_only_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path, 1)
    if os.geteuid() == 0:  # root writes through file modes: open it read-only the way SQLite would see it
        real = sqlite3.connect
        monkeypatch.setattr(
            sqlite3, "connect", lambda p, **kw: real(f"file:{p}?mode=ro", uri=True, **kw), raising=True
        )
    else:
        path.chmod(0o444)
        tmp_path.chmod(0o555)
    try:
        cache = ResultCache(path)
        assert cache.get("key0") is None
        cache.put("key1", [A_MATCH])
        assert not cache.enabled
        assert len(cache.warnings) == 1 and "is not used for this run" in cache.warnings[0]
    finally:
        tmp_path.chmod(0o755)
    assert not list(tmp_path.glob("*.corrupt-*"))  # read-only is not damage: nothing moved


def test_a_cache_folder_that_cannot_be_made_turns_the_cache_off(
    tmp_path: Path, languagetool_url: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    cache = ResultCache(blocker / "cache" / "languagetool-cache.sqlite3")
    assert not cache.enabled and "its folder cannot be created" in cache.warnings[0]
    article = tmp_path / "a.txt"
    article.write_text("The talks ended. . Then it rained.\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", str(article), env={"CLEANER_CACHE_DIR": str(blocker / "c")})
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["files"][0]["findings"]


def test_cli_with_a_corrupt_cache_file_does_not_crash(tmp_path: Path, languagetool_url: str) -> None:
    cache_folder = tmp_path / "cache"
    cache_folder.mkdir()
    (cache_folder / "languagetool").symlink_to(installation().folder.parent, target_is_directory=True)
    (cache_folder / "languagetool-cache.sqlite3").write_bytes(b"\x00garbage" * 500)
    article = tmp_path / "a.txt"
    article.write_text("He go to the the market.\n", encoding="utf-8")
    env = {"CLEANER_CACHE_DIR": str(cache_folder)}
    for _ in range(2):
        result = run_cli("check", "--format", "json", str(article), env=env)
        assert result.returncode == 1, result.stderr
        assert any(f["source"] == "languagetool" for f in json.loads(result.stdout)["files"][0]["findings"])
    assert len(list(cache_folder.glob("languagetool-cache.sqlite3.corrupt-*"))) == 1


# -- 10: the background server's bookkeeping -------------------------------------------------------


def languagetool_processes(marker: str) -> list[int]:
    """Live (not zombie) LanguageTool servers whose command line mentions ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if lt_server.MAIN_CLASS in args and marker in args and state != "Z":
            found.append(int(entry.name))
    return found


def wait_for(condition: Callable[[], Any], limit: float) -> Any:
    """Poll ``condition`` until it holds or ``limit`` seconds pass; its last value."""
    end = time.monotonic() + limit
    while not (value := condition()) and time.monotonic() < end:
        time.sleep(0.1)
    return value


@pytest.fixture
def own_cache(tmp_path: Path) -> Path:
    """A cache folder of the test's own, with the installed LanguageTool, and no configured URL."""
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "languagetool").symlink_to(installation().folder.parent, target_is_directory=True)
    return folder


linux_only = pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc (Linux)")


@linux_only
@pytest.mark.languagetool
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "kill-TERM"])
def test_a_server_started_by_a_run_dies_with_the_run(own_cache: Path, tmp_path: Path, sig: int) -> None:
    article = tmp_path / "a.txt"
    article.write_text("\n\n".join(f"He go to school number {n}." for n in range(300)), encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "CLEANER_CACHE_DIR": str(own_cache)}
    env.pop(URL_ENV, None)
    run = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "check", "--no-cache", str(article)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        servers = wait_for(lambda: languagetool_processes(str(own_cache)), 180)
        assert servers, "the run started no LanguageTool server"
        run.send_signal(signal.SIGSTOP)  # frozen: it cannot finish (and stop its server) on its own now
        assert run.poll() is None, "the run ended before it could be killed; the test proves nothing"
        run.send_signal(sig)
        run.send_signal(signal.SIGCONT)
        assert run.wait(timeout=60) == -sig
        assert wait_for(lambda: not languagetool_processes(str(own_cache)), 60), "the server outlived its run"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in languagetool_processes(str(own_cache)):
            os.kill(pid, signal.SIGKILL)


@linux_only
@pytest.mark.languagetool
def test_concurrent_server_starts_leave_one_server(own_cache: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "CLEANER_CACHE_DIR": str(own_cache), URL_ENV: ""}
    starts = [
        subprocess.Popen(
            [sys.executable, "-m", "cleaner", "server", "start"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        outputs = [start.communicate(timeout=300) for start in starts]
        assert [start.returncode for start in starts] == [0, 0], outputs
        assert outputs[0][0] == outputs[1][0]  # both name the same server
        assert len(languagetool_processes(str(own_cache))) == 1
        status = run_cli("server", "status", env={"CLEANER_CACHE_DIR": str(own_cache), URL_ENV: ""})
        assert status.returncode == 0 and "running at" in status.stdout
    finally:
        stopped = run_cli("server", "stop", env={"CLEANER_CACHE_DIR": str(own_cache), URL_ENV: ""})
        for pid in languagetool_processes(str(own_cache)):
            os.kill(pid, signal.SIGKILL)
    assert "stopped the server" in stopped.stdout
    assert wait_for(lambda: not languagetool_processes(str(own_cache)), 30)


@contextmanager
def busy_languagetool() -> Iterator[tuple[subprocess.Popen, str]]:
    """A process that looks like a LanguageTool server (its command line) on a port where the kernel
    accepts connections nobody ever answers: a server too busy for a health check."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        code = f"import time; time.sleep({WAIT * 4})"
        fake = subprocess.Popen([sys.executable, "-c", code, lt_server.MAIN_CLASS, "--port", str(port)])
        try:
            yield fake, f"http://127.0.0.1:{port}"
        finally:
            fake.kill()
            fake.wait()


def record(url: str, pid: int) -> None:
    lt_server.state_file().write_text(json.dumps({"url": url, "pid": pid, "version": "6.7"}), "utf-8")


def test_status_keeps_a_busy_server_and_forgets_a_dead_one(own_cache: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(own_cache))
    with busy_languagetool() as (fake, url):
        record(url, fake.pid)
        status = lt_server.server_status(timeout=0.5, tries=2)
        assert status.handle is not None and status.handle.pid == fake.pid and not status.answering
        assert lt_server.state_file().exists()
        assert lt_server.running_server(timeout=0.5) is None  # a run does not wait for it…
        assert lt_server.state_file().exists()  # …nor forget it
        fake.kill()
        fake.wait()
        assert lt_server.server_status(timeout=0.5, tries=1).handle is None
        assert not lt_server.state_file().exists()


def test_a_recorded_pid_that_is_not_languagetool_is_forgotten_not_killed(
    own_cache: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(own_cache))
    record("http://127.0.0.1:9", os.getpid())  # the number went to another process: this one
    assert lt_server.server_status(timeout=0.5, tries=1).handle is None
    assert not lt_server.state_file().exists()
    record("http://127.0.0.1:9", os.getpid())
    assert lt_server.stop_persistent() is None  # and still alive to say so


def test_stop_stops_a_busy_server(own_cache: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(own_cache))
    with busy_languagetool() as (fake, url):
        record(url, fake.pid)
        stopped = lt_server.stop_persistent()
        assert stopped is not None and stopped.pid == fake.pid
        assert fake.wait(timeout=30) is not None
        assert not lt_server.state_file().exists()
