"""Ordering a finding's candidate repairs by what its source says, where the text has a source.

A rule orders its candidates by what the English alone shows, and some damage the English cannot
tell apart: "is too hard.." may be a doubled full stop (the first candidate, as in scientific prose)
or an ellipsis cut short (chat and dialogue), and only the source knows which. Each candidate is
applied to its segment and counted for ellipses (``…``, ``...``); where the source has an ellipsis
(``…``, ``...``, ``・・・``, ``‥``), candidates that bring the segment's count closer to the source's
move ahead of those that do not, and where it has none, those that add one fall behind.

Candidates the count does not tell apart keep the rule's order, and so does every finding outside a
segment with a source. Only the order changes: each candidate keeps its own applicability, so where
the source moves an ``unsafe`` candidate first, a plain ``cleaner fix`` (safe repairs only) leaves
the text for review instead of applying the repair the source contradicts.

Sentence counts were tried as a second signal (a source with one sentence fewer supporting a join
over a capital) and dropped: chat sources end sentences with a space or a stop without one ("知らなかった
この記事", "ранку.Засобів"), so on the labelled dev set the count put a join before the capital for a
third of the real sentence ends that only lost their capital.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from cleaner.alignment import Alignment, Segment
from cleaner.findings import Finding, Fix
from cleaner.repair.edits import apply_fixes

_SOURCE_ELLIPSIS = re.compile(r"[…‥⋯]+|\.{3,}|．{2,}|・{2,}|。{3,}")
"""An ellipsis in a source of any script: the characters, or runs of full stops, full-width stops or
Japanese middle dots. Two ASCII stops are left out: in a source they are as often a doubled stop."""
_ELLIPSIS = re.compile(r"…+|\.{3,}")
"""An ellipsis in English: the character, or three stops or more."""


def order_by_source(text: str, findings: Sequence[Finding], alignment: Alignment) -> list[Finding]:
    """The findings, each with several candidates inside one segment in the order its source supports."""
    return [_ordered(text, finding, alignment) for finding in findings]


def _ordered(text: str, finding: Finding, alignment: Alignment) -> Finding:
    if len(finding.fixes) < 2:
        return finding
    segment = alignment.segment_at(finding.start)
    if segment is None or not _inside(segment, finding.fixes):
        return finding
    target = text[segment.start : segment.end]
    wanted = len(_SOURCE_ELLIPSIS.findall(segment.source))
    costs = [
        abs(len(_ELLIPSIS.findall(_applied(target, fix, segment.start))) - wanted) for fix in finding.fixes
    ]
    order = sorted(range(len(costs)), key=lambda index: (costs[index], index))
    if order == list(range(len(costs))):
        return finding
    return replace(finding, fixes=tuple(finding.fixes[index] for index in order))


def _applied(target: str, fix: Fix, offset: int) -> str:
    return apply_fixes(target, [replace(fix, start=fix.start - offset, end=fix.end - offset)])


def _inside(segment: Segment, fixes: Sequence[Fix]) -> bool:
    return all(segment.start <= fix.start and fix.end <= segment.end for fix in fixes)
