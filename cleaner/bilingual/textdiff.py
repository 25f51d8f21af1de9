"""The edits that turn one text into another, and offsets carried across them.

Repairs are applied to the checked text as a whole (the fix loop, the interactive review); a bilingual
file needs them back as edits to know which target each one changed, and the fix loop's later passes
need the units' bounds in the repaired text. Repairs are small and far apart, so lines are compared
first and characters only inside the lines that changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

Edit = tuple[int, int, str]
"""Replace ``old[start:end]`` with the string."""


@lru_cache(maxsize=8)
def text_edits(old: str, new: str) -> tuple[Edit, ...]:
    """Sorted, disjoint edits of ``old`` that give ``new``.

    Cached: one check of a repaired text carries the units' bounds over and confines the repairs, and
    each needs the same edits. Lines are matched with difflib's default heuristic, which does not let
    a line repeated all over the text (the blank line between units) anchor a match, so a file of
    thousands of units is compared in linear time; each changed block is then compared character by
    character, after its common start and end are set aside.
    """
    if old == new:
        return ()
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    old_starts, new_starts = _starts(old_lines), _starts(new_lines)
    edits: list[Edit] = []
    lines = SequenceMatcher(None, old_lines, new_lines)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        base, block_old = old_starts[i1], old[old_starts[i1] : old_starts[i2]]
        block_new = new[new_starts[j1] : new_starts[j2]]
        head = _common_length(block_old, block_new)
        tail = _common_length(block_old[head:][::-1], block_new[head:][::-1])
        middle_old, middle_new = (
            block_old[head : len(block_old) - tail],
            block_new[head : len(block_new) - tail],
        )
        chars = SequenceMatcher(None, middle_old, middle_new, autojunk=False)
        for kind, a1, a2, b1, b2 in chars.get_opcodes():
            if kind != "equal":
                edits.append((base + head + a1, base + head + a2, middle_new[b1:b2]))
    return tuple(edits)


def _common_length(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share at their start."""
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def map_offset(edits: Sequence[Edit], offset: int, before: bool = False) -> int:
    """Where ``offset`` of the old text is in the new one. Text inserted exactly at ``offset`` lies
    after it when ``before`` (the offset starts a span that keeps the insertion), else before it."""
    delta = 0
    for start, end, replacement in edits:
        if start > offset or (start == offset and (end > start or before)):
            break
        if end <= offset:
            delta += len(replacement) - (end - start)
            continue
        return start + delta + (0 if before else len(replacement))
    return offset + delta
