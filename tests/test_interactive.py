"""``cleaner fix --interactive`` driven like a person would, through a real pseudo-terminal."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from cleaner.repair.interactive import CONFIRM_PROMPT, EDIT_PROMPT
from tests.conftest import REPO, SEEDS

PROMPT = r"Apply this repair \[[^\]]*\]\? "
SEED_TEXT = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    return path


def spawn(path: Path, *more: Path, term: str = "dumb", columns: int = 200) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": term, "COLUMNS": str(columns)}
    paths = [str(path), *map(str, more)]
    return pexpect.spawn(
        sys.executable,
        # The review's mechanics, on the seed's five single-sentence artefacts (its article-level finding,
        # tense.scheduled-event-narrated-past, would add a sixth hunk to every count below).
        ["-m", "cleaner", "fix", "--interactive", "--ignore", "tense.scheduled-event-narrated-past", *paths],
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
    answer(child, "a")  # the later safe ones too; the unsafe joins and "them..they" are still shown
    child.expect(r"\(2/5\) .*clause-split")
    answer(child, "y")
    child.expect(r"\(3/5\) .*doubled-stop-between-words")
    answer(child, "y")
    child.expect(r"\(4/5\) .*noun-phrase-split")
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


FIRST_SENTENCE = SEED_TEXT.splitlines()[0]


def test_edit_by_hand_skip_the_rest_and_help(article: Path) -> None:
    child = spawn(article)
    answer(child, "?")
    child.expect(r"e - edit the whole sentence \(prefilled, previewed; an empty line cancels\)")
    answer(child, "e")
    child.expect(re.escape(EDIT_PROMPT))  # it says how to finish and how to cancel
    child.sendcontrol("a")  # Ctrl-A Ctrl-K clears it (a tty still cooked eats Ctrl-U)
    child.sendcontrol("k")
    edited = FIRST_SENTENCE.replace("Biden told his", "Biden is going to tell his")
    child.sendline(edited)
    child.expect("Your edit:")
    child.expect(r"\+.*is·going·to·tell")  # the preview marks what changes
    child.expect(re.escape(CONFIRM_PROMPT))
    child.sendline("y")
    answer(child, "j", "k", "d")
    child.expect("1 repair applied")
    child.expect(pexpect.EOF)
    assert article.read_text(encoding="utf-8") == SEED_TEXT.replace(FIRST_SENTENCE, edited)


STRAY_STOP = "Sales rose to 3 million euros. in the first quarter, the firm said.\n"


def test_edit_reaches_beyond_the_flagged_span_and_an_empty_line_cancels(tmp_path: Path) -> None:
    article = tmp_path / "euros.txt"
    article.write_text(STRAY_STOP, encoding="utf-8")
    child = spawn(article)
    child.expect(r"\(1/1\) .*stop-before-preposition")
    answer(child, "e")
    child.expect(re.escape(EDIT_PROMPT))
    child.sendcontrol("a")
    child.sendcontrol("k")
    child.sendline("")  # an emptied line cancels: it never deletes the sentence
    child.expect("Edit cancelled: the sentence is left as it was.")
    child.expect(r"\(1/1\) .*stop-before-preposition")  # the hunk again
    answer(child, "e")
    child.expect(re.escape(EDIT_PROMPT))
    child.sendline("")  # Enter on the prefilled line: the whole sentence as the repair leaves it
    child.expect(r"-Sales rose to 3 million euros\..in the first quarter, the firm said\.")
    child.expect(r"\+Sales rose to 3 million euros.in the first quarter, the firm said\.")
    child.expect(re.escape(CONFIRM_PROMPT))
    child.sendline("n")  # a preview turned down changes nothing
    child.expect("Edit discarded")
    answer(child, "e")
    child.expect(re.escape(EDIT_PROMPT))
    child.sendcontrol("a")
    child.sendcontrol("k")
    child.sendline("Sales rose to 3 million euros in the first three months, the firm said.")
    child.expect(r"-.*euros\..in.the.first.quarter")
    child.expect(r"\+.*euros.in.the.first.three.months")
    child.expect(re.escape(CONFIRM_PROMPT))
    child.sendline("y")
    child.expect("1 repair applied, 0 skipped, 0 undecided")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert article.read_text(encoding="utf-8") == (
        "Sales rose to 3 million euros in the first three months, the firm said.\n"
    )


def test_files_left_unreviewed_after_quit_are_counted_undecided(article: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.txt"
    second.write_text(SEED_TEXT, encoding="utf-8")
    child = spawn(article, second)
    answer(child, "y", "q")
    child.expect(r"article\.txt: 1 repair applied, 0 skipped, 4 undecided")
    child.expect(r"second\.txt: not reviewed, left as it was \(undecided\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert second.read_text(encoding="utf-8") == SEED_TEXT


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
    child.expect(r"a - apply this and the file's later safe repairs \(unsafe ones are shown\)")
    answer(child, "n")
    child.expect(r"\(2/5\) .*clause-split \[broken-sentence\] unsafe repair")  # a join is for review
    answer(child, "n")
    child.expect(r"\(3/5\) .*doubled-stop-between-words \[punctuation\] unsafe repair")
    answer(child, "n")
    child.expect(r"\(4/5\) .*noun-phrase-split \[broken-sentence\] unsafe repair")
    answer(child, "a")  # and the later safe " ." after "attack.", applied unseen
    child.expect("2 repairs applied, 3 skipped, 0 undecided")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0  # nothing left undecided
    text = article.read_text(encoding="utf-8")
    assert "Biden told his" in text and "without them..they" in text and "would not. Accept" in text
    assert "gas pipeline," in text and "possible attack.\n" in text


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


def test_a_skipped_repair_is_not_proposed_again_after_a_repair_beside_it(tmp_path: Path) -> None:
    """The re-check after the first round finds the skipped finding again, 23 characters from the
    accepted repair: it was decided on, so it is not proposed a second time."""
    article = tmp_path / "near.txt"
    text = "The minister spoke on Friday , and the talks ended.. They left at noon.\n"
    article.write_text(text, encoding="utf-8")
    child = spawn(article)
    child.expect(r"\(1/2\) .*space-before-punctuation")
    answer(child, "n")
    child.expect(r"\(2/2\) .*doubled-stop")
    answer(child, "y")
    child.expect("1 repair applied, 1 skipped, 0 undecided")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert article.read_text(encoding="utf-8") == text.replace("ended..", "ended.")
