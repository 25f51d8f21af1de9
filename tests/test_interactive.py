"""``cleaner fix --interactive`` driven like a person would, through a real pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import REPO, SEEDS

PROMPT = r"Apply this repair \[[^\]]*\]\? "
SEED_TEXT = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    return path


def spawn(path: Path) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "cleaner", "fix", "--interactive", str(path)],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )


def answer(child: pexpect.spawn, *keys: str) -> None:
    for key in keys:
        child.expect(PROMPT)
        child.sendline(key)


def test_accept_reject_pick_an_alternative_then_quit(article: Path) -> None:
    child = spawn(article)
    child.expect(r"\(1/5\) .*tense\.day-after-report")
    answer(child, "y", "n")
    child.expect(r"1\) 'them\. They'.*2\) 'them, they'.*3\) 'them they'")
    answer(child, "2")  # pick the second candidate: the hunk is shown again with it
    child.expect(r"\+.*without them,.they participate")  # a changed space shows as "·"
    answer(child, "y", "q")
    child.expect(pexpect.EOF)
    text = article.read_text(encoding="utf-8")
    assert "Biden will tell his Russian counterpart" in text
    assert "it would not. Accept anything" in text
    assert "without them, they participate" in text
    assert "Russian gas. pipeline" in text and "possible attack. ." in text


def test_apply_all_then_nothing_left(article: Path) -> None:
    child = spawn(article)
    answer(child, "a")
    child.expect("5 repairs applied")
    child.expect(pexpect.EOF)
    text = article.read_text(encoding="utf-8")
    for phrase in (
        "will tell",
        "would not accept anything",
        "them. They participate",
        "gas pipeline,",
        "possible attack.\n",
    ):
        assert phrase in text


def test_edit_by_hand_skip_the_rest_and_help(article: Path) -> None:
    child = spawn(article)
    answer(child, "?")
    child.expect("e - edit the replacement text by hand")
    answer(child, "e")
    child.expect("Edit 'will tell'")  # prefilled: Ctrl-A Ctrl-K clears it (a tty still cooked eats Ctrl-U)
    child.sendcontrol("a")
    child.sendcontrol("k")
    child.sendline("is going to tell")
    answer(child, "j", "k", "d")
    child.expect("1 repair applied")
    child.expect(pexpect.EOF)
    text = article.read_text(encoding="utf-8")
    assert text == SEED_TEXT.replace("Biden told his", "Biden is going to tell his")


def test_end_of_input_quits_without_writing(article: Path) -> None:
    child = spawn(article)
    child.expect(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    assert article.read_text(encoding="utf-8") == SEED_TEXT
