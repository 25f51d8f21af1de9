"""Issue 12: a status on stderr while LanguageTool starts, a hint to keep one running after a run that
paid for the start, and excerpts that fit the terminal with the carets under the span."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from itertools import pairwise
from pathlib import Path

import pexpect
import pytest
from rich.cells import cell_len
from rich.console import Console

from cleaner import cli
from cleaner.document import Document
from cleaner.findings import Category, Finding, Severity
from cleaner.grammar import engine as engine_module
from cleaner.grammar.engine import GrammarEngine, GrammarSettings
from cleaner.grammar.server import ServerHandle
from cleaner.report.text_report import MIN_WIDTH, PIPED_WIDTH, excerpt, excerpt_width
from cleaner.session import Session
from tests.conftest import REPO, SEEDS, URL_ENV, run_cli

SEED = next(SEEDS.glob("*.txt"))

# -- waiting for LanguageTool ------------------------------------------------------------------------


@pytest.fixture
def no_server_running(monkeypatch: pytest.MonkeyPatch, languagetool_url: str) -> list[str]:
    """No configured URL and no long-lived server: the engine must start one. Starting is faked by
    handing over the suite's real server (a JVM start costs 10-50 s); the list records each start."""
    starts: list[str] = []

    def start_server(install: object, **_: object) -> ServerHandle:
        starts.append("start")
        return ServerHandle(languagetool_url)

    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.setattr(engine_module, "running_server", lambda: None)
    monkeypatch.setattr(engine_module, "start_server", start_server)
    return starts


def recording_hook(events: list[str]) -> Callable[[], AbstractContextManager[None]]:
    @contextmanager
    def starting() -> Iterator[None]:
        events.append("enter")
        yield
        events.append("exit")

    return starting


def test_engine_enters_the_hook_around_a_start_and_remembers_it(no_server_running: list[str]) -> None:
    events: list[str] = []
    with GrammarEngine(GrammarSettings(use_cache=False), starting=recording_hook(events)) as grammar:
        assert not grammar.started_server
        grammar.findings("He go to school yesterday.")
        assert grammar.started_server
    assert events == ["enter", "exit"] and no_server_running == ["start"]


def test_engine_with_a_configured_url_neither_starts_nor_calls_the_hook(languagetool_url: str) -> None:
    events: list[str] = []
    settings = GrammarSettings(url=languagetool_url, use_cache=False)
    with GrammarEngine(settings, starting=recording_hook(events)) as grammar:
        grammar.findings("He go to school yesterday.")
        assert not grammar.started_server
    assert events == []


def test_session_passes_the_hook_on_and_reports_the_start(
    no_server_running: list[str], tmp_path: Path
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("He go to school yesterday.\n", encoding="utf-8")
    events: list[str] = []
    with Session(use_cache=False, starting_server=recording_hook(events)) as session:
        session.check_paths([str(article)])
        assert session.started_server
    assert events == ["enter", "exit"]


def terminal(force: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=force, width=100, no_color=True), out


def test_status_shows_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    console, out = terminal(force=True)
    with cli._starting_status(lambda: console)():
        pass
    assert "starting LanguageTool" in out.getvalue() and "cleaner server start" in out.getvalue()

    piped, out = terminal(force=False)
    with cli._starting_status(lambda: piped)():
        pass
    assert out.getvalue() == ""

    monkeypatch.setenv("CI", "true")
    console, out = terminal(force=True)
    with cli._starting_status(lambda: console)():
        pass
    assert out.getvalue() == ""


class _Ran:
    def __init__(self, started: bool) -> None:
        self.started_server = started


@pytest.mark.parametrize(
    ("started", "tty", "pre_commit", "shown"),
    [
        (True, True, False, True),
        (True, False, True, True),  # a hook: pre-commit shows its output to the user
        (True, False, False, False),  # another pipe or CI
        (False, True, True, False),  # a long-lived server or a configured URL was used
    ],
)
def test_hint_after_a_run_that_paid_the_start(
    monkeypatch: pytest.MonkeyPatch, started: bool, tty: bool, pre_commit: bool, shown: bool
) -> None:
    if pre_commit:
        monkeypatch.setenv("PRE_COMMIT", "1")
    else:
        monkeypatch.delenv("PRE_COMMIT", raising=False)
    console, out = terminal(force=tty)
    cli._server_hint(lambda: console, _Ran(started))  # type: ignore[arg-type]
    assert ("cleaner server start" in out.getvalue()) is shown
    assert out.getvalue().count("\n") == (1 if shown else 0)


def test_piped_run_with_a_server_says_nothing_about_starting() -> None:
    result = run_cli("check", str(SEED))
    assert result.returncode == 1
    assert "starting LanguageTool" not in result.stderr and "hint:" not in result.stderr


def test_a_terminal_sees_the_status_while_languagetool_starts_then_the_hint(tmp_path: Path) -> None:
    """The real thing: no server anywhere, a pseudo-terminal, a JVM start."""
    article = tmp_path / "article.txt"
    article.write_text("He go to school yesterday.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in (URL_ENV, "CI", "PRE_COMMIT")}
    env.update(NO_COLOR="1", TERM="xterm", COLUMNS="120")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "cleaner", "check", "--no-cache", str(article)],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=180,
        dimensions=(40, 120),
    )
    child.expect("starting LanguageTool")
    child.expect(r"hint: .*`cleaner server start`")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1


# -- excerpts ----------------------------------------------------------------------------------------

LINE = (
    "Ukrainian President Volodymyr Zelensky said on Wednesday that the talks, which had been planned "
    "for weeks, would go ahead in Geneva despite what officials called a possible attack. . on the "
    "border, and that the delegation would travel with the foreign minister."
)


def finding_at(text: str, needle: str) -> Finding:
    start = text.index(needle)
    return Finding("punctuation.x", Category.PUNCTUATION, Severity.ERROR, "m", start, start + len(needle))


def check_fits(text: str, finding: Finding, width: int) -> list[str]:
    shown, carets = excerpt(Document("a.txt", text), finding, width).plain.split("\n")
    assert cell_len(shown) <= width and cell_len(carets) <= width, (shown, carets)
    column = len(carets) - len(carets.lstrip(" "))  # in screen cells
    first = next(i for i in range(len(shown) + 1) if cell_len(shown[:i]) >= column)
    assert cell_len(shown[:first]) == column, (shown, carets)
    last = next(i for i in range(first, len(shown) + 1) if cell_len(shown[first:i]) >= len(carets.strip()))
    marked = shown[first:last]
    assert carets.strip() == "^" * cell_len(marked)
    assert marked and marked == text[finding.start : finding.end][: len(marked)], (shown, carets)
    return [shown, carets]


@pytest.mark.parametrize("width", [MIN_WIDTH, 40, 60, 80, 100, 160, 300])
@pytest.mark.parametrize("needle", ["Ukrainian", "attack. .", "minister.", "said on Wednesday"])
def test_excerpt_fits_the_width_and_carets_sit_under_the_span(width: int, needle: str) -> None:
    shown, _ = check_fits(LINE, finding_at(LINE, needle), width)
    if width >= len(LINE) + 4:
        assert "…" not in shown  # the whole line when it fits
    else:
        assert cell_len(shown) >= width - 1  # and otherwise as much of it as fits


def test_a_span_wider_than_the_terminal_is_marked_as_far_as_it_is_shown() -> None:
    needle = LINE[20:150]
    shown, carets = check_fits(LINE, finding_at(LINE, needle), 60)
    assert shown.endswith("…") and set(carets.strip()) == {"^"}


def test_wide_characters_keep_the_carets_aligned() -> None:
    text = "東京 " * 30 + "the stray . stop " + "漢字 " * 30
    check_fits(text, finding_at(text, "stray ."), 50)


@pytest.mark.parametrize("width", [MIN_WIDTH, 80, 300])
def test_a_line_of_megabytes_shows_the_same_window_as_its_neighbourhood(width: int) -> None:
    """A file with no line breaks: the excerpt reads only what its window can show, and shows exactly
    what it shows for the same words on a line of their own, ellipses included."""
    around = LINE[:60] + " the stray . stop " + LINE[60:]
    huge = "word " * 200_000 + around + " word" * 200_000
    finding = finding_at(huge, "stray .")
    near = "word " * 500 + around + " word" * 500
    shown = check_fits(huge, finding, width)
    assert shown == check_fits(near, finding_at(near, "stray ."), width)
    assert shown[0].strip().startswith("…") and shown[0].endswith("…")
    long_span = Finding("punctuation.x", Category.PUNCTUATION, Severity.ERROR, "m", 10, len(huge) - 10)
    assert check_fits(huge, long_span, width)[0].endswith("…")


def test_piped_output_uses_a_fixed_width_unless_columns_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert excerpt_width(Console(file=io.StringIO(), force_terminal=False)) == PIPED_WIDTH
    monkeypatch.setenv("COLUMNS", "60")
    assert excerpt_width(Console(file=io.StringIO(), force_terminal=False)) == 60
    assert excerpt_width(Console(file=io.StringIO(), force_terminal=True, width=72)) == 72


@pytest.mark.parametrize("columns", ["60", None])
def test_check_output_keeps_excerpt_and_carets_within_the_columns(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    env = {"COLUMNS": columns} if columns else {}
    result = run_cli("check", "--no-grammar", str(SEED), env=env)
    lines = result.stdout.splitlines()
    excerpts = [(a, b) for a, b in pairwise(lines) if b.strip() and set(b.strip()) == {"^"}]
    assert len(excerpts) >= 4
    width = int(columns) if columns else PIPED_WIDTH
    for shown, carets in excerpts:
        assert cell_len(shown) <= width and cell_len(carets) <= width
    assert any(shown[len(c) - len(c.lstrip()) :].startswith("not. Accept") for shown, c in excerpts)
