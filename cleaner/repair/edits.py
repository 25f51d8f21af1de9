"""Applying non-overlapping edits to a text; nothing outside an edit changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cleaner.findings import Finding, Fix


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
    caller can check again after applying and see whether it still stands.
    """
    allowed = set(allowed)
    chosen: list[Finding] = []
    deferred: list[Finding] = []
    for finding in findings:
        fix = finding.best_fix
        if fix is None or fix.applicability not in allowed:
            continue
        if any(fix.overlaps(other.fixes[0]) for other in chosen):
            deferred.append(finding)
            continue
        chosen.append(finding)
    return chosen, deferred
