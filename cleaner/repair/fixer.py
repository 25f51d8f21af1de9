"""The fix loop: check, apply the chosen repairs, check again, until nothing more applies.

As in ruff and textlint, overlapping repairs are not merged: the first (higher-priority) one is applied
and the other is re-proposed by a fresh check of the repaired text, if it still stands.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from cleaner.findings import Applicability, Finding
from cleaner.repair.edits import apply_fixes, choose_fixes

MAX_PASSES = 10


@dataclass
class FixOutcome:
    text: str
    applied: list[Finding] = field(default_factory=list)
    """The findings whose repair was applied, as found in the text of their pass."""
    remaining: list[Finding] = field(default_factory=list)
    """Findings of the final text: what is left for review."""

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def fix_text(
    text: str,
    check: Callable[[str], list[Finding]],
    allowed: Collection[Applicability] = (Applicability.SAFE,),
    max_passes: int = MAX_PASSES,
) -> FixOutcome:
    """Apply every allowed best repair, re-checking after each pass (bounded, so it always ends)."""
    outcome = FixOutcome(text)
    findings = check(text)
    for _ in range(max_passes):
        chosen, _deferred = choose_fixes(findings, allowed)
        if not chosen:
            break
        outcome.applied.extend(chosen)
        outcome.text = apply_fixes(outcome.text, [finding.fixes[0] for finding in chosen])
        findings = check(outcome.text)
    outcome.remaining = findings
    return outcome
