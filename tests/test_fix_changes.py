"""The fix loop knows where it changed the text, and the diff is built from that (issue 17): the
changes composed over passes map the original onto the repaired text, and the diff built from them
applies exactly, for any text and any sequence of repairs."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.findings import Applicability, Finding, Fix
from cleaner.pipeline import Checker
from cleaner.repair.diff import unified_diff
from cleaner.repair.edits import apply_fixes
from cleaner.repair.fixer import compose, fix_text
from tests.test_properties import apply_patch

_PIECES = st.sampled_from(["a", "b", "c\n", "\n", "dd ", "e.", "\n\n", "ff", "\r\n", "🎉"])
_REPLACEMENTS = st.sampled_from(["", "x", "\n", "y\n", "zz", "\n\n", "🎉"])


@st.composite
def repaired(draw: st.DrawFn) -> tuple[str, list[list[Fix]]]:
    """A text and up to three passes of non-overlapping fixes, each pass on the text the last left."""
    text = "".join(draw(st.lists(_PIECES, max_size=30)))
    passes, current = [], text
    for _ in range(draw(st.integers(1, 3))):
        fixes, position = [], 0
        for _ in range(draw(st.integers(0, 4))):
            if position > len(current):
                break
            start = draw(st.integers(position, len(current)))
            end = draw(st.integers(start, min(len(current), start + 4)))
            fixes.append(Fix(start, end, draw(_REPLACEMENTS), Applicability.SAFE))
            position = end + 1  # the next fix starts after this one: never two at one point
        passes.append(fixes)
        current = apply_fixes(current, fixes)
    return text, passes


@settings(deadline=None, max_examples=400)
@given(case=repaired(), bom=st.booleans(), context=st.integers(0, 3))
def test_the_diff_built_from_composed_changes_applies_exactly(case, bom: bool, context: int) -> None:
    text, passes = case
    current, changes = text, []
    for fixes in passes:
        current = apply_fixes(current, fixes)
        changes = compose(changes, fixes)
    for old_start, old_end, new_start, new_end in changes:  # between the changes, nothing differs
        assert 0 <= old_start <= old_end <= len(text) and 0 <= new_start <= new_end <= len(current)
    kept = [(0, 0, 0, 0), *changes, (len(text), len(text), len(current), len(current))]
    for before, after in itertools.pairwise(kept):
        assert text[before[1] : after[0]] == current[before[3] : after[2]]
    patch = unified_diff("a.txt", text, current, context, bom=bom, changes=changes)
    prefix = "\ufeff" if bom else ""
    assert (patch == "") == (text == current)
    if patch:
        assert apply_patch(prefix + text, patch) == prefix + current


def test_the_fix_loop_diff_is_the_same_as_a_search_on_an_article() -> None:
    """On a real damaged article the hunks from the known edits are exactly those a search finds."""
    text = (
        "The talks ended. . Then it rained on Monday.\n\nNothing else here.\n\n"
        "The minister said that that the plan works ,and left.\nAnother line.\n"
    )
    outcome = fix_text(text, Checker().check_text)
    assert outcome.applied and outcome.changes
    assert unified_diff("a.txt", text, outcome.text, changes=outcome.changes) == unified_diff(
        "a.txt", text, outcome.text
    )


def test_the_loop_records_where_its_repairs_are() -> None:
    """The changes are where the applied repairs are, in both texts. (Every pass re-checks the text
    through ``check``; the grammar engine behind it answers unchanged paragraphs from its memory of
    the run: see test_grammar_client.)"""
    text = "Fine words.\n\nIt ended. . Then.\n\nMore fine words.\n"
    seen: list[str] = []

    def check(current: str) -> list[Finding]:
        seen.append(current)
        return Checker().check_text(current)

    outcome = fix_text(text, check)
    assert [text[a:b] for a, b, _, _ in outcome.changes] == [" ."]
    assert [outcome.text[c:d] for _, _, c, d in outcome.changes] == [""]
    assert len(seen) == 2
