"""The findings a person has already decided on in a review, carried through the edits that follow.

A finding that was rejected (or skipped, or already proposed) must not come back when the text is
checked again after another repair, however close that repair lands. A finding is therefore kept by
where it is — its rule, its span and its first repair — and the span is moved through every later edit
of the text. An edit that changes the text the finding judged forgets it: that text is new, and so is
whatever is found in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.bilingual.textdiff import map_offset, text_edits
from cleaner.findings import Finding

Mark = tuple[str, int, int, str]
"""(rule, start, end, first repair's replacement) of a decided finding, in ``Decided.text``."""


@dataclass(frozen=True)
class Decided:
    """Decided findings of one version of a text; immutable, so a review's undo simply goes back to an
    earlier one."""

    text: str
    marks: frozenset[Mark] = frozenset()

    def __contains__(self, finding: Finding) -> bool:
        """Whether ``finding`` (of ``self.text``) was decided on."""
        return _mark(finding) in self.marks

    def add(self, finding: Finding) -> Decided:
        return Decided(self.text, self.marks | {_mark(finding)})

    def moved(self, text: str) -> Decided:
        """The decisions carried over to ``text``, an edited version of ``self.text``."""
        if text == self.text or not self.marks:
            return Decided(text, self.marks)
        edits = text_edits(self.text, text)
        marks = set()
        for rule, start, end, replacement in self.marks:
            if any(_touches(edit_start, edit_end, start, end) for edit_start, edit_end, _ in edits):
                continue
            new_start = map_offset(edits, start)
            new_end = new_start if end == start else map_offset(edits, end, before=True)
            marks.add((rule, new_start, new_end, replacement))
        return Decided(text, frozenset(marks))


def _touches(edit_start: int, edit_end: int, start: int, end: int) -> bool:
    """An edit that changes the text of ``[start, end)``: it replaces some of it, or inserts inside it
    (an insertion at either end leaves it as it was)."""
    if edit_start == edit_end:
        return start < edit_start < end
    return edit_start < end and edit_end > start if end > start else edit_start < start < edit_end


def _mark(finding: Finding) -> Mark:
    replacement = finding.fixes[0].replacement if finding.fixes else ""
    return finding.rule, finding.start, finding.end, replacement
