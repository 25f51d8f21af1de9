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
from cleaner.neural.meaning import keeps_content, meaning_change
from cleaner.neural.models import LanguageModel, SentenceEncoder
from cleaner.repair.edits import apply_fixes

WINDOW = 150
MIN_SIMILARITY = 0.8
"""Below this cosine similarity between the text before and after, a repair has moved the meaning.
(Dropping "not" barely moves an embedding, about 0.92 in a short clause: the rule check catches that.)"""


def window(text: str, fix: Fix) -> tuple[int, int]:
    """Up to WINDOW characters on each side of the fix, within its line, cut at word boundaries."""
    line_start = text.rfind("\n", 0, fix.start) + 1
    line_end = text.find("\n", fix.end)
    line_end = len(text) if line_end == -1 else line_end
    start = max(line_start, fix.start - WINDOW)
    end = min(line_end, fix.end + WINDOW)
    if start > line_start:
        space = text.find(" ", start, fix.start)
        start = space + 1 if space != -1 else start
    if end < line_end:
        space = text.rfind(" ", fix.end, end)
        end = space if space != -1 else end
    return start, end


def _apply_in_window(text: str, fix: Fix) -> tuple[str, str]:
    start, end = window(text, fix)
    before = text[start:end]
    after = apply_fixes(before, [Fix(fix.start - start, fix.end - start, fix.replacement)])
    return before, after


class Ranker:
    def __init__(self, model: LanguageModel, encoder: SentenceEncoder | None = None) -> None:
        self.model = model
        self.encoder = encoder

    def rank(self, text: str, findings: Sequence[Finding]) -> list[Finding]:
        ranked = []
        for finding in findings:
            fixes = [self._guard(text, fix) for fix in finding.fixes]
            if len(fixes) > 1:
                fixes = self._order(text, fixes)
            ranked.append(replace(finding, fixes=tuple(fixes)) if fixes != list(finding.fixes) else finding)
        return ranked

    def _guard(self, text: str, fix: Fix) -> Fix:
        if fix.applicability is Applicability.DISPLAY:
            return fix
        before, after = _apply_in_window(text, fix)
        drifted = self.encoder is not None and self.encoder.similarity(before, after) < MIN_SIMILARITY
        if meaning_change(before, after) or drifted:
            return replace(fix, applicability=Applicability.DISPLAY)
        return fix

    def _order(self, text: str, fixes: list[Fix]) -> list[Fix]:
        windows = [_apply_in_window(text, fix) for fix in fixes]
        scores = self.model.score([after for _, after in windows])
        scored = [replace(fix, score=round(score, 2)) for fix, score in zip(fixes, scores, strict=True)]
        keeping = [
            fix for fix, (before, after) in zip(scored, windows, strict=True) if keeps_content(before, after)
        ]
        deleting = [fix for fix in scored if fix not in keeping]
        return sorted(keeping, key=lambda fix: -(fix.score or 0.0)) + deleting
