"""Ranking a finding's candidate repairs with the language model, and guarding their meaning.

Each candidate is applied to a window of text around it and the window scored; candidates that keep
every word of the original are ordered by score (summed and mean log-probability both favour deleting
words, so a deleting candidate is never moved ahead). A candidate that changes a negation, number, date
or name, or whose sentence embedding drifts too far from the original's, is demoted to ``display``:
shown, never applied by a tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cleaner.findings import Applicability, Finding, Fix
from cleaner.neural.meaning import content_words, keeps_content, meaning_change
from cleaner.neural.models import LanguageModel, SentenceEncoder
from cleaner.repair.edits import apply_fixes

GUARD_WINDOW = 80
"""Characters of context on each side of a repair for the meaning guard: about a clause."""
SCORE_WINDOW = 40
"""Context for the language model: candidates of one finding share it, so a few words on each side
decide between them, and scoring costs grow with every token."""
RULE_ORDER_PRIOR = 3.0
"""Nats a candidate must gain on the model's scale for each place it moves ahead of the rule's order:
on the labelled dev set the model's preference between a comma and a plain join is under 3 nats, where
the rule's word-class evidence is the better guide."""
MIN_SIMILARITY = 0.8
"""Below this cosine similarity between the text before and after, a repair has moved the meaning.
(Dropping "not" barely moves an embedding, about 0.92 in a short clause: the rule check catches that.)"""


def window(text: str, fix: Fix, size: int) -> tuple[int, int]:
    """Up to ``size`` characters on each side of the fix, within its line, cut at word boundaries."""
    line_start = text.rfind("\n", 0, fix.start) + 1
    line_end = text.find("\n", fix.end)
    line_end = len(text) if line_end == -1 else line_end
    start = max(line_start, fix.start - size)
    end = min(line_end, fix.end + size)
    if start > line_start:
        space = text.find(" ", start, fix.start)
        start = space + 1 if space != -1 else start
    if end < line_end:
        space = text.rfind(" ", fix.end, end)
        end = space if space != -1 else end
    return start, end


def _apply_in_window(text: str, fix: Fix, size: int = GUARD_WINDOW) -> tuple[str, str]:
    start, end = window(text, fix, size)
    before = text[start:end]
    after = apply_fixes(before, [Fix(fix.start - start, fix.end - start, fix.replacement)])
    return before, after


class Ranker:
    def __init__(self, model: LanguageModel, encoder: SentenceEncoder | None = None) -> None:
        self.model = model
        self.encoder = encoder

    def rank(self, text: str, findings: Sequence[Finding]) -> list[Finding]:
        """The findings with their fixes guarded and, where there are several, ordered by the model.

        All windows of a document go to each model in one batched call: per-call overhead, not
        arithmetic, is what a handful of short windows costs.
        """
        windows = {fix: _apply_in_window(text, fix) for finding in findings for fix in finding.fixes}
        # Only a repair that changes words can move the meaning: punctuation, spacing and case cannot.
        guarded = [
            fix
            for fix in windows
            if fix.applicability is not Applicability.DISPLAY
            and content_words(windows[fix][0]) != content_words(windows[fix][1])
        ]
        similarity = (
            dict(zip(guarded, self.encoder.similarities([windows[f] for f in guarded]), strict=True))
            if self.encoder is not None and guarded
            else {}
        )
        ranked_fixes = [fix for finding in findings if len(finding.fixes) > 1 for fix in finding.fixes]
        short = [_apply_in_window(text, fix, SCORE_WINDOW)[1] for fix in ranked_fixes]
        scores = dict(zip(ranked_fixes, self.model.score(short), strict=True)) if ranked_fixes else {}
        ranked = []
        for finding in findings:
            fixes = [self._guard(fix, *windows[fix], similarity.get(fix)) for fix in finding.fixes]
            if len(fixes) > 1:
                fixes = self._order(
                    fixes, [windows[fix] for fix in finding.fixes], [scores[fix] for fix in finding.fixes]
                )
            ranked.append(replace(finding, fixes=tuple(fixes)) if fixes != list(finding.fixes) else finding)
        return ranked

    @staticmethod
    def _guard(fix: Fix, before: str, after: str, similarity: float | None) -> Fix:
        if fix.applicability is Applicability.DISPLAY:
            return fix
        drifted = similarity is not None and similarity < MIN_SIMILARITY
        if meaning_change(before, after) or drifted:
            return replace(fix, applicability=Applicability.DISPLAY)
        return fix

    @staticmethod
    def _order(fixes: list[Fix], windows: list[tuple[str, str]], scores: list[float]) -> list[Fix]:
        """The rule's order, revised by the model where it is clearly more confident.

        A rule lists its candidates in the order its evidence supports (a comma before "who", the
        deletion of an orphaned fragment first); the model moves a candidate ahead only by beating
        each place it climbs by ``RULE_ORDER_PRIOR`` nats. A candidate that deletes words keeps its
        place: the model likes deletions, so it may neither promote nor demote them.
        """
        scored = [replace(fix, score=round(score, 2)) for fix, score in zip(fixes, scores, strict=True)]
        keeps = [keeps_content(before, after) for before, after in windows]
        keeping = sorted(
            (index for index, keep in enumerate(keeps) if keep),
            key=lambda index: -(scores[index] - RULE_ORDER_PRIOR * index),
        )
        slots = iter(keeping)
        return [scored[next(slots)] if keep else scored[index] for index, keep in enumerate(keeps)]
