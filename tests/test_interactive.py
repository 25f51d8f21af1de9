"""``cleaner fix --interactive`` driven like a person would, through a real pseudo-terminal."""

from __future__ import annotations

import os
import re
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


def spawn(path: Path, term: str = "dumb", columns: int = 200) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": term, "COLUMNS": str(columns)}
    return pexpect.spawn(
        sys.executable,
        # The review's mechanics, on the seed's five single-sentence artefacts (its article-level finding,
        # tense.scheduled-event-narrated-past, would add a sixth hunk to every count below).
        [
            "-m",
            "cleaner",
            "fix",
            "--interactive",
            "--ignore",
            "tense.scheduled-event-narrated-past",
            str(path),
        ],
        cwd=str(REPO),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, columns),
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
    answer(child, "a")  # the later safe ones too; the unsafe "them..they" is still shown
    child.expect(r"\(3/5\) .*doubled-stop-between-words")
    answer(child, "y")
    child.expect("5 repairs applied, 0 skipped, 0 undecided")
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


# --- issue 12: the review says what it does, and loses nothing ------------------------------------------


def test_hunk_says_safe_or_unsafe_and_a_applies_only_the_later_safe_ones(article: Path) -> None:
    child = spawn(article)
    child.expect(r"\(1/5\) .*tense\.day-after-report \[tense\] unsafe repair \(error\)")
    answer(child, "?")
    child.expect("a - apply this repair and the later safe ones in the file")
    answer(child, "n")
    child.expect(r"\(2/5\) .*clause-split \[broken-sentence\] safe repair")
    answer(child, "a")
    child.expect(r"\(3/5\) .*doubled-stop-between-words \[punctuation\] unsafe repair")  # not applied unseen
    answer(child, "n")
    child.expect("3 repairs applied, 2 skipped, 0 undecided")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0  # nothing left undecided
    text = article.read_text(encoding="utf-8")
    assert "Biden told his" in text and "without them..they" in text
    assert "would not accept anything" in text and "gas pipeline," in text and "possible attack.\n" in text


def test_ctrl_c_writes_the_accepted_repairs_and_says_so(article: Path) -> None:
    child = spawn(article)
    answer(child, "y", "n")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(r"1 accepted repair written; review stopped \(1 skipped, 3 undecided\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert article.read_text(encoding="utf-8") == SEED_TEXT.replace("Biden told his", "Biden will tell his")


def test_missing_candidate_and_k_on_the_first_hunk_say_so(article: Path) -> None:
    child = spawn(article)
    answer(child, "k")
    child.expect("No earlier undecided repair.")
    answer(child, "5")
    child.expect("No candidate 5: this repair has only one.")
    answer(child, "n", "n")
    child.expect(r"\(3/5\)")
    answer(child, "9")
    child.expect(r"No candidate 9: pick 1-3\.")
    answer(child, "n", "n")
    child.expect(r"\(5/5\)")
    answer(child, "j")
    child.expect("No later undecided repair.")
    answer(child, "q")
    child.expect(pexpect.EOF)
    assert article.read_text(encoding="utf-8") == SEED_TEXT


def test_final_message_counts_and_undecided_errors_exit_1(article: Path) -> None:
    child = spawn(article)
    answer(child, "y", "n", "q")
    child.expect("1 repair applied, 1 skipped, 3 undecided")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1  # error-level findings were left undecided


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.mark.parametrize("columns", [160, 60])
def test_the_whole_sentence_is_shown_wrapped_to_the_terminal(article: Path, columns: int) -> None:
    child = spawn(article, term="xterm", columns=columns)
    child.expect(PROMPT)
    shown = ANSI.sub("", child.before).replace("\r", "")
    child.sendline("q")
    child.expect(pexpect.EOF)
    lines = shown.splitlines()
    assert all(len(line) <= columns for line in lines), lines
    joined = " ".join(line.strip() for line in lines)
    # the evidence for the tense hunk, at the end of a sentence longer than any fixed window
    assert "-US President Joe Biden told his Russian counterpart" in joined
    assert "if Russia invades Ukraine, the White House said Wednesday." in joined
    assert "Biden will·tell his" in joined
    if columns == 160:  # a wide terminal is used, not cut at ~75 characters
        assert any(len(line) > 100 for line in lines), lines


def test_later_hunks_are_shown_against_the_text_with_the_accepted_repairs(article: Path) -> None:
    child = spawn(article, term="xterm", columns=250)
    answer(child, "n", "y")  # "would not. Accept" becomes "would not accept"
    child.expect(PROMPT)
    shown = ANSI.sub("", child.before)
    assert re.search(r"\(3/5\) \S*:6:277 ", shown), shown  # the column in the text as it now reads
    joined = " ".join(line.strip() for line in shown.splitlines())
    assert "-At the press conference" in joined
    assert "it would not accept anything about friendly third countries without them..they" in joined
    child.sendline("q")
    child.expect("1 repair applied, 1 skipped, 3 undecided")
    child.expect(pexpect.EOF)
