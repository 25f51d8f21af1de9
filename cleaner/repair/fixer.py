"""The fix loop: check, apply the chosen repairs, check again, until nothing more applies.

As in ruff and textlint, overlapping repairs are not merged: the first (higher-priority) one is applied
and the other is re-proposed by a fresh check of the repaired text, if it still stands. Every pass
applies all the repairs that do not overlap, so most texts settle in two or three passes; only repairs
that each uncover the next (a run of stray stops, where a rule sees the next stop only once its
neighbour is gone) take a pass each. The loop ends at a fixed point, or says why it did not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from cleaner.findings import Applicability, Finding, Fix
from cleaner.repair.edits import apply_fixes, choose_fixes

MAX_PASSES = 100
"""Generous: a chain of repairs needs a pass per link, and a pass costs one check of the text. Past it
the loop stops and says so rather than run on (repairs that keep growing the text never settle)."""


@dataclass
class FixOutcome:
    text: str
    applied: list[Finding] = field(default_factory=list)
    """The findings whose repair was applied, as found in the text of their pass."""
    remaining: list[Finding] = field(default_factory=list)
    """Findings of the final text: what is left for review."""
    problem: str | None = None
    """Why the loop stopped short of a fixed point (allowed repairs still apply), or None."""
    changes: list[Change] = field(default_factory=list)
    """Where ``text`` differs from the original: what a diff of the two shows, known without comparing
    them (``unified_diff``'s ``changes``)."""

    @property
    def changed(self) -> bool:
        return bool(self.applied)

    @property
    def converged(self) -> bool:
        return self.problem is None


def fix_text(
    text: str,
    check: Callable[[str], list[Finding]],
    allowed: Collection[Applicability] = (Applicability.SAFE,),
    max_passes: int = MAX_PASSES,
) -> FixOutcome:
    """Apply every allowed best repair, re-checking after each pass, until none applies.

    Bounded, so it always ends: by ``max_passes``, and by cycle detection (rules whose repairs undo each
    other bring back a text seen before). Either way ``problem`` says so and allowed repairs remain.
    """
    outcome = FixOutcome(text)
    seen = {_digest(text): 0}
    """Each text seen, and how many repairs had been applied when it was."""
    findings = check(text)
    for _ in range(max_passes):
        chosen, _deferred = choose_fixes(findings, allowed)
        if not chosen:
            break
        outcome.applied.extend(chosen)
        fixes = [finding.fixes[0] for finding in chosen]
        outcome.text = apply_fixes(outcome.text, fixes)
        outcome.changes = compose(outcome.changes, fixes)
        findings = check(outcome.text)
        digest = _digest(outcome.text)
        if digest in seen:
            rules = sorted({finding.rule for finding in outcome.applied[seen[digest] :]})
            outcome.problem = (
                f"the repairs of {', '.join(rules)} undo each other (the text came back to an earlier "
                "state); stopped there"
            )
            break
        seen[digest] = len(outcome.applied)
    else:
        if choose_fixes(findings, allowed)[0]:
            outcome.problem = f"repairs still apply after {max_passes} passes; stopped there"
    outcome.remaining = findings
    return outcome


Change = tuple[int, int, int, int]
"""(start, end) in the original text and (start, end) in the repaired one of a stretch that differs."""


def compose(changes: list[Change], fixes: list[Fix]) -> list[Change]:
    """``changes`` (original -> current text, sorted, disjoint) followed by ``fixes`` (non-overlapping
    edits of the current text): the changes from the original to the text after the fixes.

    Changes and fixes that touch are merged, so a stretch the loop repaired twice is one change.
    Costs n log n in the number of changes and fixes, nothing in the length of the text.
    """
    items = sorted(
        [(c[2], c[3], 0, c) for c in changes] + [(f.start, f.end, 1, f) for f in fixes],
        key=lambda item: (item[0], item[1], item[2]),
    )
    result: list[Change] = []
    drift = 0
    """Original minus current position, after the changes passed so far."""
    shift = 0
    """Repaired minus current position, after the fixes passed so far."""
    index = 0
    while index < len(items):
        low, high = items[index][0], items[index][1]
        group_drift, group_shift = 0, 0
        while index < len(items) and items[index][0] <= high:
            start, end, kind, item = items[index]
            high = max(high, end)
            if kind == 0:
                group_drift += (item[1] - item[0]) - (item[3] - item[2])
            else:
                group_shift += len(item.replacement) - (end - start)
            index += 1
        result.append((low + drift, high + drift + group_drift, low + shift, high + shift + group_shift))
        drift += group_drift
        shift += group_shift
    return result


def _digest(text: str) -> bytes:
    """A text's fingerprint: the loop remembers every text it saw, and texts may be megabytes long."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
