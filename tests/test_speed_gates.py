"""Shortcuts that must change no finding (issue 16): the gate before ftfy, the scan shared by rules of
one pattern, and the quote-spacing tests asked of the text rather than of a copy of the line.

Each is checked against what it replaces: ftfy itself (it changes no line the gate lets pass), ftfy's
own mojibake pattern (the gate's windowed search agrees with a search of the whole line), each rule run
alone, and the slices the quote detector used to take.
"""

from __future__ import annotations

import difflib

import ftfy
import pytest
from ftfy import badness, chardata
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner.analysis import TextAnalysis
from cleaner.detectors.patterns import PatternDetector
from cleaner.detectors.quote_spacing import _on_line
from cleaner.detectors.unicode_damage import TYPOGRAPHY, _badness_clues, _ftfy, _set_characters
from cleaner.ruleset import load_rules

_CLUES = _badness_clues(badness.BADNESS_RE)
_FIXER_CODES = {
    *range(0x80, 0xA0),
    0x1B,
    ord("&"),
    *chardata.LIGATURES,
    *chardata.WIDTH_MAP,
    *chardata.CONTROL_CHARS,
}


def _pattern_characters() -> list[str]:
    """Every character ftfy's mojibake pattern names in a literal or a set, but the fixers' own."""
    from re import _parser

    found: set[str] = set()

    def walk(items: list) -> None:
        for op, value in items:
            found.update(_set_characters((op, value)) or ())
            if op is _parser.BRANCH:
                for branch in value[1]:
                    walk(list(branch))

    walk(list(_parser.parse(badness.BADNESS_RE.pattern, badness.BADNESS_RE.flags)))
    return sorted(char for char in found if ord(char) not in _FIXER_CODES)


_MOJIBAKE_PARTS = [*_pattern_characters(), " ", "\t", "a", "z", "A", "Z", ".", ",", "1"]
_FIXER_PARTS = ["&amp;", "&", "\x1b[1m", "\ufb01", "\uff01", "\u3000", "\x85", "\x07", "\ufeff", "\ud800"]


def test_the_gate_is_read_off_ftfy_and_is_not_the_fallback() -> None:
    """ftfy's pattern is one the gate can window (no lookaround, short matches); the clues hold no
    ASCII and none of an English article's typography, so a clean article is never searched."""
    assert _CLUES is not None
    characters, width, _ = _CLUES
    assert 2 <= width <= 16
    assert not any(char.isascii() or char in TYPOGRAPHY for char in characters)
    may_change = _ftfy()[2]
    line = "The dose was 5 \u00b1 1 mg \u2265 twice \u2014 \u201cas planned\u201d."
    assert not may_change(line, 0, len(line))  # a "±" and a "≥" beside ASCII: no mojibake
    assert may_change("caf\u00c3\u00a9", 0, 5)


@settings(deadline=None, max_examples=1500)
@given(
    st.lists(st.sampled_from(_MOJIBAKE_PARTS + _FIXER_PARTS), max_size=14),
    st.text(alphabet=st.sampled_from(_MOJIBAKE_PARTS), max_size=8),
    st.text(alphabet=st.sampled_from(_MOJIBAKE_PARTS), max_size=8),
)
@example(["\u00c3", " "], "x", "y")  # "^[ÃÂ][ ]": a match at the line's start only
@example(["\u00c3", "\u00a9"], "", "")
def test_the_gate_lets_through_every_line_ftfy_changes(parts, before, after) -> None:
    line = "".join(parts)
    text = f"{before}\n{line}\n{after}"
    start = len(before) + 1
    fixed, _ = ftfy.fix_and_explain(line, config=_ftfy()[1])
    if fixed != line:
        assert _ftfy()[2](text, start, start + len(line))


@settings(deadline=None, max_examples=1500)
@given(st.text(alphabet=st.sampled_from(_MOJIBAKE_PARTS), max_size=30), st.integers(0, 6))
@example("\u00c2 x", 3)
@example("a\u00c3 ", 0)
def test_the_windowed_search_is_ftfys_own_verdict(line, offset) -> None:
    """Without a fixer's character the gate says exactly what ``ftfy.badness.is_bad`` says of the line,
    wherever the line stands in the text."""
    text = "x" * offset + "\n" + line + "\nend"
    start = offset + 1
    assert _ftfy()[2](text, start, start + len(line)) == badness.is_bad(line)


def _shared_rules() -> list:
    rules = [rule for rule in load_rules() if rule.pattern is not None]
    by_pattern: dict = {}
    for rule in rules:
        by_pattern.setdefault((rule.pattern, rule.anchor), []).append(rule)
    return next(group for group in by_pattern.values() if len(group) > 1)


def test_rules_of_one_pattern_find_together_what_each_finds_alone() -> None:
    """Rules of one pattern and anchor share one scan of the text: each finds what it finds alone."""
    rules = _shared_rules()
    texts = [example.text for rule in rules for example in (*rule.flag_examples, *rule.pass_examples)]
    texts.append("\n".join(texts))
    together = PatternDetector(rules)
    for text in texts:
        alone = [finding for rule in rules for finding in PatternDetector([rule]).find(TextAnalysis(text))]
        shared = list(together.find(TextAnalysis(text)))
        key = lambda f: (f.rule, f.start, f.end, f.message)  # noqa: E731
        assert sorted(map(key, shared)) == sorted(map(key, alone))
    assert any(list(together.find(TextAnalysis(text))) for text in texts)


@given(st.text(alphabet=st.sampled_from("ab \n“”"), max_size=30), st.integers(0, 30))
def test_a_quote_is_on_the_line_where_a_slice_of_the_line_holds_it(text, position) -> None:
    position = min(position, len(text))
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line_end = len(text) if line_end == -1 else line_end
    assert _on_line(text, text.find("”", position), position) == ("”" in text[position:line_end])
    assert _on_line(text, text.rfind("“", 0, position), position) == ("“" in text[line_start:position])


@pytest.mark.parametrize("line", ["caf\u00c3\u00a9 au lait", "AT&amp;T", "\ufb01ne", "x\x1b[31mred"])
def test_lines_with_damage_are_still_checked_by_ftfy(line: str) -> None:
    from cleaner.pipeline import Checker, Selection

    checker = Checker(Selection(select=("typography.unicode-damage",)))
    assert [finding.rule for finding in checker.check_text(f"Clean line.\n{line}\n")]


def test_a_long_line_is_diffed_piece_by_piece_to_the_same_changes_as_whole() -> None:
    """A one-line address with entities and mojibake spread over it: the pieces' diffs, put together,
    give the changes the whole line's diff gives (ftfy's repairs never reach across a cut), in a
    fraction of its time; a re-decoding that would read across a cut falls back to the whole line."""
    from cleaner.detectors.unicode_damage import _LONG_DIFF, _opcodes

    ftfy_module, config, _ = _ftfy()

    def fix(text: str) -> str:
        return ftfy_module.fix_and_explain(text, config=config)[0]

    sentence = (
        "The Secretary reported that the &quot;surplus&quot; was large, and the caf\u00c3\u00a9 closed. "
    )
    line = "".join(f"{number} {sentence}" for number in range(2 * _LONG_DIFF // len(sentence)))
    fixed = fix(line)
    pieces = _opcodes(line, fixed, fix)
    whole = difflib.SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes()

    def changes(opcodes: list) -> list:
        return [(line[i1:i2], fixed[j1:j2], i1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]

    assert changes(pieces) == changes(whole) and len(changes(pieces)) == 3 * (2 * _LONG_DIFF // len(sentence))
    assert "".join(fixed[j1:j2] if tag != "equal" else line[i1:i2] for tag, i1, i2, j1, j2 in pieces) == fixed
    assert _opcodes(line, fixed, lambda piece: piece) == whole  # pieces that disagree: the whole line
