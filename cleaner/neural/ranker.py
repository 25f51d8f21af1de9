"""Ranking a finding's candidate repairs with the language model, and guarding their meaning.

All candidates of a finding are applied to one and the same stretch of text, the sentence (or
sentences) the finding touches, and each result is scored by its mean log-probability per token: a
sum would reward whatever has fewer tokens (a join over a comma, a deletion over anything), and
windows of different extent would not be comparable at all. The rule's order stands unless the model
is clearly more confident, and a candidate that deletes words may lose its place but never climb. A
candidate that changes a negation, number, date or name, or whose sentence embedding drifts too far
from the original's, is demoted to ``display``: shown, never applied by a tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cleaner.analysis import SENTENCE_END
from cleaner.findings import Applicability, Finding, Fix
from cleaner.neural.insertion import WordInsertion
from cleaner.neural.meaning import content_words, keeps_content, meaning_change
from cleaner.neural.models import LanguageModel, SentenceEncoder
from cleaner.repair.edits import apply_fixes

GUARD_WINDOW = 80
"""Characters of context on each side of a repair for the meaning guard: about a clause."""
SCORE_LIMIT = 80
"""At most this many characters of the finding's sentence on each side of it are scored: a sentence
is what a reader judges a repair by, but a run-on line of hundreds of words only costs time (on the
dev set, 80 ranks exactly as 160 does, in about two thirds of the time)."""
RULE_ORDER_PRIOR = 6.0
"""Nats a candidate must gain over each candidate it climbs over in the rule's order, on the scale of
the whole sentence (the difference of mean log-probabilities per token times the sentence's length in
tokens). The model's preferences between punctuation candidates are mostly a few nats and right only
about half the time (a comma or a plain join before "in"), where the rule's word-class evidence is the
better guide; larger ones are mostly right (a verbless tagline kept as a sentence of its own, a split
clause joined). ``bench/ranking.py`` measures it on two halves of the labelled dev set and on the
rules' own examples: no margin, way of normalising (per token or whole sentence) or context (the
sentence alone or with the one before) puts the labelled repair first more often than the rule's order
on either held-out half; below 6 the model overturns right rule orders (at 5, "design, in" over
"design in" by 5.2 nats), and from 6 up it changes nothing on the dev set."""
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


def sentence_window(text: str, fixes: Sequence[Fix]) -> tuple[int, int]:
    """The sentence (or sentences) holding all of ``fixes``, at most ``SCORE_LIMIT`` characters on each
    side of them: one stretch of text that every candidate of a finding is scored on.

    A sentence end inside the fixes' span (the very stop a repair may remove) is not a boundary.
    """
    low, high = min(fix.start for fix in fixes), max(fix.end for fix in fixes)
    start, end = window(text, Fix(low, high, ""), SCORE_LIMIT)
    for match in SENTENCE_END.finditer(text, start, low):
        start = match.end()
    following = SENTENCE_END.search(text, high, end)
    if following is not None:
        end = following.end()
    while start < low and text[start].isspace():
        start += 1
    return start, end


def _apply_in_window(text: str, fix: Fix, size: int = GUARD_WINDOW) -> tuple[str, str]:
    start, end = window(text, fix, size)
    before = text[start:end]
    after = apply_fixes(before, [Fix(fix.start - start, fix.end - start, fix.replacement)])
    return before, after


def _candidate_texts(text: str, fixes: Sequence[Fix]) -> list[str]:
    """The finding's sentence once with each candidate applied."""
    start, end = sentence_window(text, fixes)
    sentence = text[start:end]
    return [apply_fixes(sentence, [Fix(f.start - start, f.end - start, f.replacement)]) for f in fixes]


class Ranker:
    def __init__(
        self, model: LanguageModel, encoder: SentenceEncoder | None = None, insertions: bool = True
    ) -> None:
        self.model = model
        self.encoder = encoder
        self.insertion = WordInsertion(model) if insertions else None

    def rank(self, text: str, findings: Sequence[Finding]) -> list[Finding]:
        """The findings with their fixes guarded and, where there are several, ordered by the model.

        All windows of a document go to each model in one batched call: per-call overhead, not
        arithmetic, is what a handful of short windows costs. A link word the model proposes at a broken
        boundary (``insertion``) is guarded and scored like the rule's candidates, kept only where it
        scores above all of them, and listed after them.
        """
        proposed = self.insertion.propose(text, findings) if self.insertion else [[] for _ in findings]
        own = [len(finding.fixes) for finding in findings]
        findings = [
            replace(finding, fixes=(*finding.fixes, *extra)) if extra else finding
            for finding, extra in zip(findings, proposed, strict=True)
        ]
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
        several = [finding for finding in findings if len(finding.fixes) > 1]
        texts = [candidate for finding in several for candidate in _candidate_texts(text, finding.fixes)]
        scored = iter(self.model.token_log_probs(texts) if texts else [])
        ranked = []
        for finding, rules in zip(findings, own, strict=True):
            fixes = [self._guard(fix, *windows[fix], similarity.get(fix)) for fix in finding.fixes]
            if len(fixes) > 1:
                log_probs = [next(scored) for _ in fixes]
                means = [sum(tokens) / max(1, len(tokens)) for tokens in log_probs]
                length = sum(len(tokens) for tokens in log_probs[:rules]) / rules
                ordered = self._order(
                    fixes[:rules],
                    [windows[fix] for fix in finding.fixes[:rules]],
                    means[:rules],
                    RULE_ORDER_PRIOR / max(1.0, length),
                )
                # A proposed word is worth a reviewer's look only where the model finds it better than
                # every candidate of the rule; it never climbs over them (it adds a word to the text).
                totals = [sum(tokens) for tokens in log_probs]
                added = [
                    replace(fix, score=round(mean, 3))
                    for fix, mean, total in zip(fixes[rules:], means[rules:], totals[rules:], strict=True)
                    if total > max(totals[:rules])
                ]
                fixes = [*ordered, *added]
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
    def _order(
        fixes: list[Fix], windows: list[tuple[str, str]], scores: list[float], prior: float
    ) -> list[Fix]:
        """The rule's order, revised by the model where it is clearly more confident.

        A rule lists its candidates in the order its evidence supports (a comma before "who", the
        deletion of an orphaned fragment first); the model moves a candidate ahead only by beating
        each place it climbs by ``prior`` (nats per token: ``RULE_ORDER_PRIOR`` spread over the sentence's
        tokens, since one local edit moves a longer sentence's mean less). A candidate that deletes words
        never climbs over one that keeps them (even per token, the model likes shorter text), but it
        falls behind one that the model clearly prefers.
        """
        adjusted = [score - prior * index for index, score in enumerate(scores)]
        keeps = [keeps_content(before, after) for before, after in windows]
        effective = []
        for index, score in enumerate(adjusted):
            ahead = [adjusted[i] for i in range(index) if keeps[i]]
            effective.append(score if keeps[index] or not ahead else min(score, *ahead))
        order = sorted(range(len(fixes)), key=lambda index: (-effective[index], index))
        return [replace(fixes[index], score=round(scores[index], 3)) for index in order]
