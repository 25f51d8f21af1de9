"""``cleaner review`` in a real headless browser: Debian's chromium (installed by the ``chromium``
fixture when missing) driven by Playwright, against the real command (``python -m cleaner review``)
serving the real engine, and the files on disk checked byte for byte afterwards.

Screenshots of the page on the seed article, wide and narrow, are left in ``build/artifacts/`` (not
committed) for a person to look at.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import REPO, SEEDS, run_cli

SEED_TEXT = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
ARTIFACTS = REPO / "build" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 400, "height": 800}


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]


@contextmanager
def review(cwd: Path, *args: str, grammar: bool = False) -> Iterator[Server]:
    """``cleaner review --no-browser ARGS`` running in ``cwd``; stopped with Ctrl-C (SIGINT) at the end,
    which must end it cleanly."""
    command = [
        sys.executable,
        "-m",
        "cleaner",
        "review",
        "--no-browser",
        *([] if grammar else ["--no-grammar"]),
    ]
    process = subprocess.Popen(
        [*command, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        yield Server(_address(process), process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def _address(process: subprocess.Popen[str], timeout: float = 180) -> str:
    """The page's address, from the line the command prints once the socket is bound."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if selector.select(timeout=1):
                line = process.stdout.readline()
                if line.startswith("review at "):
                    return line.split()[2]
                if not line:
                    break
    process.kill()
    _, errors = process.communicate()
    raise AssertionError(f"cleaner review printed no address; stderr: {errors}")


def stop(server: Server) -> tuple[int, str, str]:
    """Ctrl-C, as a person stops the review; the exit code and output."""
    server.process.send_signal(signal.SIGINT)
    out, err = server.process.communicate(timeout=60)
    return server.process.returncode, out, err


@pytest.fixture
def page(chromium: Path, tmp_path: Path) -> Iterator[Page]:
    """A fresh headless chromium (its own profile folder) and one page, 1280×800."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=WIDE,
            accept_downloads=True,
        )
        try:
            opened = context.new_page()
            errors: list[str] = []
            opened.on("pageerror", lambda error: errors.append(str(error)))
            yield opened
            assert not errors, errors  # no script error on the page, whatever the test did
        finally:
            context.close()


def articles(tmp_path: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_text(SEED_TEXT, encoding="utf-8")
        paths.append(path)
    return paths


def open_review(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200
    page.wait_for_selector("body[data-ready]")


def decided(page: Page, action: Callable[[], object]) -> None:
    """Do ``action`` (a click, a key) and wait for the page to draw the file's next version."""
    before = page.evaluate("document.body.dataset.version")
    action()
    page.wait_for_function("v => document.body.dataset.version !== v", arg=before)


def showing(page: Page, rule: str) -> None:
    expect(page.locator("#finding .rule")).to_have_text(rule)


def highlight(page: Page, text: str):
    return page.locator("#article mark.f").get_by_text(text, exact=True)


def test_accept_reject_edit_then_save_writes_exactly_that(page: Page, tmp_path: Path) -> None:
    first, second = articles(tmp_path, "a.txt", "b.txt")
    with review(tmp_path, "a.txt", "b.txt") as server:
        open_review(page, server.url)
        expect(page.get_by_role("heading", name="a.txt")).to_be_visible()
        files = page.get_by_role("navigation", name="Files under review")
        expect(files).to_contain_text("broken sentence: 2")
        expect(files).to_contain_text("punctuation: 2")
        expect(files).to_contain_text("tense: 2")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-seed-1280x800.png"))

        highlight(page, "not. Accept").click()
        showing(page, "broken-sentence.clause-split")
        expect(page.locator("#candidate-list")).to_contain_text("unsafe")  # a join is for review
        decided(page, page.get_by_role("button", name="Accept", exact=True).click)

        highlight(page, "told his Russian counterpart Vladimir Putin on Thursday").click()
        showing(page, "tense.day-after-report")
        expect(page.locator("#candidate-list")).to_contain_text("unsafe")
        decided(page, page.get_by_role("button", name="Reject").click)

        highlight(page, "..").click()
        showing(page, "punctuation.doubled-stop-between-words")
        page.get_by_role("button", name="Edit sentence").click()
        editor = page.get_by_label("Edit the sentence")
        sentence = editor.input_value()
        assert sentence.startswith("At the press conference") and "would not accept anything" in sentence
        editor.fill(sentence.replace("them..they participate", "them, as they participate"))
        decided(page, page.get_by_role("button", name="Apply edit").click)

        expect(page.locator("#file-state")).to_contain_text("nothing is written before Save")
        assert first.read_text(encoding="utf-8") == SEED_TEXT
        decided(page, page.get_by_role("button", name="Save", exact=True).click)
        expect(page.locator("#saved")).to_contain_text("Wrote a.txt: 1 accepted, 1 rejected, 1 edited")

        expected = SEED_TEXT.replace("would not. Accept", "would not accept").replace(
            "them..they participate", "them, as they participate"
        )
        assert first.read_bytes() == expected.encode("utf-8")
        assert second.read_bytes() == SEED_TEXT.encode("utf-8")  # listed, never saved: untouched
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt", "profile"]

        with page.expect_download() as download:
            page.get_by_role("button", name="Download the diff").click()
        patch = Path(download.value.path()).read_bytes()
        copy = tmp_path / "copy"
        copy.mkdir()
        (copy / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
        subprocess.run(["git", "apply", "-"], input=patch, cwd=copy, check=True)
        assert (copy / "a.txt").read_bytes() == first.read_bytes()

        # Each file keeps its own review: the second is as loaded, the first as saved.
        page.get_by_role("button", name="b.txt").click()
        expect(page.get_by_role("heading", name="b.txt")).to_be_visible()
        expect(page.locator("#file-state")).to_contain_text("6 findings")
        page.get_by_role("button", name="a.txt").click()
        expect(page.locator("#saved")).to_contain_text("Wrote a.txt")

        code, out, err = stop(server)
    assert code == 0 and "review stopped" in out and "Traceback" not in err, (out, err)
    port = urlsplit(server.url).port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_keyboard_alone(page: Page, tmp_path: Path) -> None:
    (article,) = articles(tmp_path, "a.txt")
    with review(tmp_path, "a.txt") as server:
        open_review(page, server.url)
        keys = page.keyboard
        showing(page, "tense.day-after-report")
        decided(page, lambda: keys.press("n"))
        showing(page, "broken-sentence.clause-split")
        keys.press("j")
        showing(page, "punctuation.doubled-stop-between-words")
        keys.press("k")
        showing(page, "broken-sentence.clause-split")
        keys.press("j")
        keys.press("2")
        expect(page.get_by_role("radio").nth(1)).to_be_checked()
        decided(page, lambda: keys.press("y"))
        showing(page, "tense.scheduled-event-narrated-past")
        keys.press("j")
        showing(page, "broken-sentence.noun-phrase-split")
        keys.press("2")
        decided(page, lambda: keys.press("y"))
        expect(page.locator("#article")).to_contain_text("Russian gas. Pipeline")
        decided(page, lambda: keys.press("u"))
        expect(page.locator("#article")).to_contain_text("Russian gas. pipeline")
        while page.locator("#finding .rule").inner_text() != "punctuation.repeated-stop":
            keys.press("j")
        keys.press("e")
        editor = page.get_by_label("Edit the sentence")
        expect(editor).to_be_focused()
        sentence = editor.input_value()
        keys.press("Control+a")
        keys.type(sentence.replace("attack. .", "attack."))
        decided(page, lambda: keys.press("Enter"))
        for _ in range(40):  # Save is reachable with Tab
            if page.evaluate("document.activeElement.id") == "save":
                break
            keys.press("Tab")
        assert page.evaluate("document.activeElement.id") == "save"
        decided(page, lambda: keys.press("Enter"))
        expect(page.locator("#saved")).to_be_visible()
    expected = SEED_TEXT.replace("them..they participate", "them, they participate").replace(
        "attack. .", "attack."
    )
    assert article.read_text(encoding="utf-8") == expected


def test_a_file_changed_on_disk_is_refused_and_the_page_says_so(page: Page, tmp_path: Path) -> None:
    (article,) = articles(tmp_path, "a.txt")
    with review(tmp_path, "a.txt") as server:
        open_review(page, server.url)
        decided(page, page.get_by_role("button", name="Accept all safe in file").click)
        expect(page.get_by_role("status")).to_contain_text("1 safe repair accepted")  # joins are for review
        changed = SEED_TEXT.replace("Geneva", "Genf", 1)
        article.write_text(changed, encoding="utf-8")
        page.get_by_role("button", name="Save", exact=True).click()  # refused: the file stays as it is
        alert = page.get_by_role("alert")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("changed on disk since it was checked; not written")
        expect(page.locator("#file-state")).to_contain_text("changes not saved yet")
        expect(page.locator("#saved")).to_be_hidden()
        assert article.read_text(encoding="utf-8") == changed


def test_without_the_token_nothing_is_shown(page: Page, tmp_path: Path) -> None:
    articles(tmp_path, "a.txt")
    with review(tmp_path, "a.txt") as server:
        address = urlsplit(server.url)
        response = page.goto(f"{address.scheme}://{address.netloc}/")
        assert response is not None and response.status == 403
        assert SEED_TEXT[:40] not in page.content()
        api = page.request.get(f"{address.scheme}://{address.netloc}/api/files/0")
        assert api.status == 403 and "Biden" not in api.text()


def test_readable_wide_and_narrow(page: Page, tmp_path: Path) -> None:
    articles(tmp_path, "a.txt")
    with review(tmp_path, "a.txt") as server:
        open_review(page, server.url)

        def box(selector: str) -> dict[str, float]:
            found = page.locator(selector).bounding_box()
            assert found is not None
            return found

        overflow = "document.documentElement.scrollWidth > window.innerWidth"
        article, panel = box("#article"), box("#panel")
        assert panel["x"] >= article["x"] + article["width"]  # side by side at 1280×800
        assert panel["y"] < WIDE["height"] and article["y"] < WIDE["height"]
        assert not page.evaluate(overflow)
        page.set_viewport_size(NARROW)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-seed-400x800.png"), full_page=True)
        article, panel = box("#article"), box("#panel")
        assert panel["y"] + panel["height"] <= article["y"]  # stacked: the panel, then the article
        assert panel["width"] <= NARROW["width"] and article["width"] <= NARROW["width"]
        assert not page.evaluate(overflow)
        # Every control has a name a screen reader can say; the current finding is marked for it too.
        for button in page.get_by_role("button").all():
            assert button.get_attribute("aria-label") or button.inner_text().strip()
        expect(page.locator("#article mark[aria-current=true]").first).to_be_attached()
        expect(page.get_by_role("complementary", name="Finding")).to_be_visible()


@pytest.mark.languagetool
def test_grammar_findings_from_the_real_server_repaired_in_the_browser(page: Page, tmp_path: Path) -> None:
    article = tmp_path / "g.txt"
    article.write_text(
        "The minister said that the the talks would begin on Monday.\nShe recieved the letter.\n",
        encoding="utf-8",
    )
    with review(tmp_path, "g.txt", grammar=True) as server:
        open_review(page, server.url)
        files = page.get_by_role("navigation", name="Files under review")
        expect(files).to_contain_text("grammar: 1")
        expect(files).to_contain_text("spelling: 1")
        showing(page, "languagetool.ENGLISH_WORD_REPEAT_RULE")
        decided(page, page.get_by_role("button", name="Accept", exact=True).click)
        showing(page, "languagetool.MORFOLOGIK_RULE_EN_US")
        expect(page.get_by_role("radio").first).to_be_checked()
        expect(page.locator("#candidate-list .candidate-row").first.locator("ins")).to_contain_text(
            "received"
        )
        decided(page, page.get_by_role("button", name="Accept", exact=True).click)
        expect(page.locator("#panel")).to_contain_text("No finding left in this file.")
        decided(page, page.get_by_role("button", name="Save", exact=True).click)
    assert article.read_text(encoding="utf-8") == (
        "The minister said that the talks would begin on Monday.\nShe received the letter.\n"
    )


def test_neural_scores_shown_as_check_reports_them(page: Page, tmp_path: Path) -> None:
    (article,) = articles(tmp_path, "a.txt")
    reported = run_cli("check", "--neural", "--no-grammar", "--format", "json", "a.txt", cwd=tmp_path)
    findings = json.loads(reported.stdout)["files"][0]["findings"]
    scored = next(f for f in findings if f["rule"] == "broken-sentence.noun-phrase-split")["fixes"]
    assert all(fix.get("score") is not None for fix in scored)
    with review(tmp_path, "--neural", "a.txt") as server:
        open_review(page, server.url)
        highlight(page, "gas. pipeline").click()
        showing(page, "broken-sentence.noun-phrase-split")
        scores = page.locator("#candidate-list .score")
        expect(scores).to_have_text([f"score {fix['score']:.2f}" for fix in scored])
        decided(page, page.get_by_role("button", name="Accept", exact=True).click)
        decided(page, page.get_by_role("button", name="Save", exact=True).click)
    assert article.read_text(encoding="utf-8") == SEED_TEXT.replace("gas. pipeline", scored[0]["replacement"])
