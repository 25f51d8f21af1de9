"""Applying non-overlapping edits to a text; nothing outside an edit changes."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from cleaner.findings import Finding, Fix, spans_overlap


class OverlappingEdits(ValueError):
    """Two edits touch the same text; the caller must choose one."""


def apply_fixes(text: str, fixes: Iterable[Fix]) -> str:
    """Return ``text`` with every fix applied. Fixes must not overlap (two insertions at one point do)."""
    ordered = sorted(fixes, key=lambda fix: (fix.start, fix.end))
    pieces: list[str] = []
    position = 0
    previous: Fix | None = None
    for fix in ordered:
        if fix.end > len(text):
            raise ValueError(f"fix {fix.start}..{fix.end} lies beyond the text ({len(text)} characters)")
        if previous is not None and (fix.start < previous.end or fix.start == previous.start == previous.end):
            raise OverlappingEdits(
                f"fixes {previous.start}..{previous.end} and {fix.start}..{fix.end} overlap"
            )
        pieces.append(text[position : fix.start])
        pieces.append(fix.replacement)
        position = fix.end
        previous = fix
    pieces.append(text[position:])
    return "".join(pieces)


def choose_fixes(findings: Sequence[Finding], allowed: Iterable[str]) -> tuple[list[Finding], list[Finding]]:
    """The findings whose best fix is allowed, skipping any whose fix overlaps one already chosen.

    Only the best fix is considered: when the best repair is not allowed, a worse one is not applied in
    its place. Findings come in priority order (the checker's); a skipped finding is returned so that the
    caller can check again after applying and see whether it still stands. Every repair that overlaps
    none chosen before it is chosen, so one pass applies all independent repairs.

    The chosen spans are kept sorted and only the two neighbours of a new span are compared with it
    (chosen spans never overlap, so nothing further away can): a large file with tens of thousands of
    repairs costs n log n, not n².
    """
    allowed = set(allowed)
    chosen: list[Finding] = []
    deferred: list[Finding] = []
    spans: list[tuple[int, int]] = []
    for finding in findings:
        fix = finding.best_fix
        if fix is None or fix.applicability not in allowed:
            continue
        span = (fix.start, fix.end)
        index = bisect.bisect_left(spans, span)
        neighbours = spans[max(0, index - 1) : index + 1]
        if any(spans_overlap(fix.start, fix.end, start, end) for start, end in neighbours):
            deferred.append(finding)
            continue
        spans.insert(index, span)
        chosen.append(finding)
    return chosen, deferred
