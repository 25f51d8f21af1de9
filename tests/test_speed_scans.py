"""Anchored searches find exactly what the plain ``finditer`` of their pattern finds, and a rule is
skipped only on a text where it cannot match.

``analysis.protected_spans`` tries the protected-span pattern only before the characters every such
span holds (the speed issue: the plain search was a third of all scanning), and the weekday-date
detector tries its pattern only where a weekday's name stands. Same matches, in the same order, on
real machine-translated text and on generated text dense with what the patterns look for.
"""

from __future__ import annotations

import json
import re
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import analysis
from cleaner.analysis import _PROTECTED, TextAnalysis, protected_spans
from cleaner.detectors.patterns import required_characters
from cleaner.detectors.scheduled_event import ScheduledEventDetector
from cleaner.detectors.tense_words import sentence_around
from cleaner.detectors.unicode_damage import _MAYBE_DAMAGED, _PLAIN_ASCII
from cleaner.detectors.weekday_date import _DATED_WEEKDAY, _dated_weekdays
from cleaner.ruleset import Rule, load_rules
from tests.conftest import SEEDS, SHARED_EVAL


def plain(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _PROTECTED.finditer(text)]


_PIECES = st.sampled_from(
    [
        "http://", "https://x.org/a.b", "ftp://", "www.", "www.x", ".com", ".co.uk", "x.html", "a@b.de",
        "@", "U.S.", "e.g.", "i.e.,", "Ph.D.", "J. ", "J.Smith", "A.", " Smith", "3.14", "1,000.5", "1.2.3",
        "1,", ",2", "...", "..", "…", ". . .", ".\u00a0.\u00a0.", ". .", " . ", ".", ",", ":", "//", " ",
        "\n", "\t", "\u00a0", "\u3000", "word", "Word", "x", "Z", "9", "-", "+", "_", '"', "“", "”", ")", "]",
        "<", ">", "é", "字", "٣",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
@example("See https://x.org/a.b, www.x.com. or a@b.de; U.S. e.g. J. Smith 1,000.5 … . . . end.")
def test_same_spans_as_finditer_on_generated_text(text: str) -> None:
    assert protected_spans(text) == plain(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ9.,@…:/ \u00a0\nw-+ch字"), max_size=60))
def test_same_spans_as_finditer_on_random_characters(text: str) -> None:
    assert protected_spans(text) == plain(text)


def test_same_spans_as_finditer_on_the_seed() -> None:
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert protected_spans(text) == plain(text)


@pytest.mark.skipif(not SHARED_EVAL.exists(), reason="the shared dev data is not in this checkout")
def test_same_spans_as_finditer_on_the_dev_texts() -> None:
    count = 0
    for name in ("mqm_ted_zhen_docs.jsonl", "biomqm_x2en_docs.jsonl", "artefacts_dev_wmt22.jsonl"):
        for line in (SHARED_EVAL / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            spans = protected_spans(text)
            assert spans == plain(text)
            count += len(spans)
    assert count > 1000  # the dev texts do hold URLs, numbers and initials


_SENTENCE_PIECES = st.sampled_from(
    [
        "word", "Word", "U.S.", "Dr.", "e.g.", "J. Smith", "3.14", "...", "…", ". ", "! ", "? ", ".", "\n",
        "\n\n", " ", "\t", '"', "”", ")", "A", "9", "www.x.com", "took place", "occurred",
    ]
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(_SENTENCE_PIECES, max_size=40).map("".join), st.sampled_from([2, 5, 512]))
@example("Dr. Smith said it occurred. The U.S. talks took place…\n\n“Really?” He left. 3.14 is pi.", 2)
def test_the_sentence_at_a_position_is_the_whole_splits(text: str, back_scan: int) -> None:
    """``sentence_at`` finds a sentence from the text just before it (the scheduled-event detector asks
    for a few of a long text's sentences): the span the whole text's split gives. A short first window
    (``BACK_SCAN``) has the search widen over and over, as it does on a long sentence."""
    sentences = list(TextAnalysis(text).sentences())
    with mock.patch.object(analysis, "BACK_SCAN", back_scan):
        for position, char in enumerate(text):
            if not char.isspace():
                expected = next(s for s in sentences if s.start <= position < s.end)
                assert TextAnalysis(text).sentence_at(position) == expected


def _sentence_around_from_the_line_start(text: str, start: int, end: int) -> tuple[int, int]:
    """``tense_words.sentence_around`` as it was first written: a scan from the line's start (reading on
    past ``start``, so that the capital after a stop just before it is in view)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    sentence_start = line_start
    for match in analysis.SENTENCE_END.finditer(text, line_start, line_end):
        if match.end() > start:
            break
        sentence_start = match.end()
    following = analysis.SENTENCE_END.search(text, end, line_end)
    return sentence_start, following.end() if following else line_end


@settings(max_examples=1000, deadline=None)
@given(st.lists(_SENTENCE_PIECES, max_size=40).map("".join), st.sampled_from([2, 5, 512]))
@example("It occurred. \nThe talks took place!  \n\nThen “Really?” Word word", 2)
def test_the_sentence_around_a_word_is_the_one_a_scan_from_its_line_start_finds(
    text: str, back_scan: int
) -> None:
    """The tense rules' sentence around a time expression reads only the text near it (a file with no
    line breaks made it quadratic): the same span as a scan from the line's start."""
    with mock.patch.object(analysis, "BACK_SCAN", back_scan):
        for word in re.finditer(r"\w+", text):
            expected = _sentence_around_from_the_line_start(text, word.start(), word.end())
            assert sentence_around(text, word.start(), word.end()) == expected, word


_DATE_PIECES = st.sampled_from(
    [
        "Monday", "Tuesday", "Sunday", "Friday,", "xMonday", "Mondays", "on ", " ", "  ", "\n", ",", "the ",
        "of ", "March", "Mar.", "Sept.", "Sep", "May", "1", "12", "31", "3rd", "21st", "2024", "1999", "1589",
        "2024x", "day", "Mon", "é",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(_DATE_PIECES, max_size=30).map("".join))
@example("On Monday, March 3rd, 2024 and Sunday the 1 of May 1999, xFriday 2 May 2020.")
def test_dated_weekdays_are_the_plain_finditer(text: str) -> None:
    expected = [match.span() for match in _DATED_WEEKDAY.finditer(text)]
    assert [match.span() for match in _dated_weekdays(text)] == expected


_NARRATION_PIECES = st.sampled_from(
    [
        "occurred",
        "took place",
        "took",
        "place",
        "was held",
        "held",
        "happened",
        "x",
        "é",
        "_",
        " ",
        ".",
        "\n",
        "1",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_NARRATION_PIECES, max_size=20).map("".join))
@example("it reoccurred, xhappened; took placex took place. was held_ occurred1 happenedhappened")
def test_narrations_are_the_plain_finditer(text: str) -> None:
    """The scheduled-event detector finds its past occurrence verbs without a leading word boundary in
    its pattern (which would cost ``re``'s scan for their first letters), testing it where a match
    starts: the matches the pattern with the boundary finds."""
    (rule,) = [rule for rule in load_rules() if rule.detector == "scheduled-event"]
    detector = ScheduledEventDetector([rule])
    expected = [match.span() for match in re.finditer(r"\b" + detector.narration.pattern, text)]
    assert [match.span() for match in detector._narrations(text)] == expected


def _patterns() -> list[tuple[Rule, re.Pattern[str]]]:
    """Every bundled rule's pattern."""
    return [(rule, rule.pattern) for rule in load_rules() if isinstance(rule.pattern, re.Pattern)]


@pytest.mark.parametrize(
    ("rule", "pattern"), _patterns(), ids=lambda item: item.id if isinstance(item, Rule) else item.pattern
)
def test_a_text_without_the_required_characters_has_no_match(rule: Rule, pattern: re.Pattern[str]) -> None:
    """The pattern detector skips a rule on a text holding none of the required characters of its
    pattern: it must indeed match nothing there, whatever else the text holds."""
    required = required_characters(pattern)
    if required is None:
        return  # no shortcut for this rule: it scans every text
    examples = [example.text for example in (*rule.flag_examples, *rule.pass_examples)]
    assert any(char in text for text in examples for char in required)
    alphabet = sorted({char for text in examples for char in text} - required) or ["x"]
    stripped = ["".join(char for char in text if char not in required) for text in examples]
    for text in stripped:
        assert pattern.search(text) is None, text

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=st.sampled_from(alphabet), max_size=80))
    def no_match(text: str) -> None:
        assert pattern.search(text) is None

    no_match()


def test_required_characters_of_typical_patterns() -> None:
    assert required_characters(re.compile("⁇+")) == {"⁇"}
    assert required_characters(re.compile(r",(?P<stray>[ \t]*,)")) == {","}
    assert required_characters(re.compile(r"(?:\.{3}|…)(?P<stray>[ \t]+\.)")) == {".", "…"}
    assert required_characters(re.compile(r"(?i:a)")) is None
    assert required_characters(re.compile(r"(?i)abc")) is None
    assert required_characters(re.compile(r"[^a]b?")) is None
    assert required_characters(re.compile(r"\w+")) is None
    assert required_characters(re.compile(r"[.。](?<=[?!？！][.。])")) == {"?", "!", "？", "！"}
    assert required_characters(re.compile(r"\.(?<![?!]\.)")) == {"."}


def test_plain_ascii_is_what_the_unicode_damage_scan_never_matches() -> None:
    """The unicode-damage detector skips a text of ``_PLAIN_ASCII`` characters without its scan: each
    ASCII character is in that set exactly when the scan cannot match at it."""
    for code in range(128):
        assert (bytes([code]) in _PLAIN_ASCII) == (_MAYBE_DAMAGED.search(f"{chr(code)}#1;") is None), code
