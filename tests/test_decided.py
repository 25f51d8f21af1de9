"""Decisions of a review carried through later edits (``cleaner.repair.decided``): a decided finding
is recognised wherever the edits moved it, and forgotten once an edit changes the text it judged."""

from __future__ import annotations

from cleaner.findings import Applicability, Category, Finding, Fix, Severity
from cleaner.repair.decided import Decided

TEXT = "Prices rose ,  the minister said.. He left."


def finding(start: int, end: int, replacement: str = "", rule: str = "punctuation.x") -> Finding:
    fixes = (Fix(start, end, replacement, Applicability.SAFE),)
    return Finding(rule, Category.PUNCTUATION, Severity.WARNING, "m", start, end, fixes=fixes)


def shifted(found: Finding, delta: int) -> Finding:
    fixes = tuple(Fix(f.start + delta, f.end + delta, f.replacement, f.applicability) for f in found.fixes)
    return Finding(
        found.rule,
        found.category,
        found.severity,
        found.message,
        found.start + delta,
        found.end + delta,
        fixes=fixes,
    )


def test_a_finding_is_recognised_after_edits_before_after_and_beside_it() -> None:
    space = finding(11, 12)  # the space before the comma
    decided = Decided(TEXT).add(space)
    assert space in decided
    assert finding(11, 12, "x") not in decided and finding(11, 12, rule="punctuation.y") not in decided
    earlier = "Oil prices rose ,  the minister said.. He left."  # 4 characters inserted before it
    assert shifted(space, 4) in decided.moved(earlier)
    assert space not in decided.moved(earlier)
    beside = "Prices rose ,  the minister said. He left."  # a repair 21 characters after it
    assert space in decided.moved(beside)
    touching = TEXT[:11] + "!" + TEXT[11:]  # an insertion right at its start
    assert shifted(space, 1) in decided.moved(touching)
    at_end = TEXT[:12] + "!" + TEXT[12:]  # and one right at its end
    assert space in decided.moved(at_end)


def test_an_edit_of_the_judged_text_forgets_the_decision() -> None:
    spaces = finding(13, 15)  # the doubled space after the comma
    decided = Decided(TEXT).add(spaces)
    inside = "Prices rose , - the minister said.. He left."
    assert not decided.moved(inside).marks
    inserted_within = TEXT[:14] + "x" + TEXT[14:]
    assert not decided.moved(inserted_within).marks
    # a zero-width finding (a missing space) stays unless an edit replaces text around its point
    point = finding(13, 13, " ")
    kept = Decided(TEXT).add(point).moved("Prices rose;  the minister said.. He left.")
    assert shifted(point, -1) in kept
    assert not Decided(TEXT).add(point).moved("Prices rose X the minister said.. He left.").marks


def test_moving_to_the_same_text_and_back_keeps_everything() -> None:
    decided = Decided(TEXT).add(finding(11, 12)).add(finding(32, 34, "."))
    assert decided.moved(TEXT) == decided
    assert decided.moved("Prices rose ,  the minister said.. He left. More.").marks == decided.marks
