"""An optional detector: sentence boundaries the language model finds implausible.

At each full stop followed by a capitalised word inside a line, the model scores the text as written
and with the stop removed and the word lower-cased. Where the joined text is far more probable (the
model finds "Accept" after "would not." about 12 nats surprising), the stop probably splits a clause.
Such findings are ``info``, with the join as a display-only suggestion, and the detector is off by
default: its precision on real MT text is measured by ``bench/eval.py --boundaries``.
"""

from __future__ import annotations

import re

from cleaner.analysis import TextAnalysis
from cleaner.findings import Applicability, Category, Finding, Fix, Severity, Source
from cleaner.lexicon import is_known_word
from cleaner.neural.models import LanguageModel

RULE = "broken-sentence.model-boundary"
MARGIN = 8.0
"""Nats by which the joined text must beat the split one."""
CONTEXT = 40

_BOUNDARY = re.compile(r"(?<=[a-z])\.[ \t]+(?P<next>[A-Z][a-z]+)\b")


class BoundaryDetector:
    def __init__(self, model: LanguageModel, margin: float = MARGIN) -> None:
        self.model = model
        self.margin = margin

    def find(self, text: str) -> list[Finding]:
        analysis = TextAnalysis(text)
        candidates = [
            m
            for m in _BOUNDARY.finditer(text)
            if not analysis.is_protected(m.start(), m.start() + 1) and is_known_word(m.group("next").lower())
        ]
        if not candidates:
            return []
        pairs = []
        for match in candidates:
            left = text[max(0, match.start() - CONTEXT) : match.start()].split("\n")[-1]
            right = text[match.end("next") : match.end("next") + CONTEXT].split("\n")[0]
            word = match.group("next")
            pairs += [f"{left}. {word}{right}", f"{left} {word.lower()}{right}"]
        scores = self.model.score(pairs)
        findings = []
        for index, match in enumerate(candidates):
            split, joined = scores[2 * index], scores[2 * index + 1]
            if joined - split < self.margin:
                continue
            start, end = match.start(), match.end("next")
            findings.append(
                Finding(
                    rule=RULE,
                    category=Category.BROKEN_SENTENCE,
                    severity=Severity.INFO,
                    message=f"The language model finds this sentence boundary implausible "
                    f"({joined - split:.1f} nats against it): the stop may split a clause.",
                    start=start,
                    end=end,
                    source=Source.MODEL,
                    fixes=(
                        Fix(
                            start,
                            end,
                            " " + match.group("next").lower(),
                            Applicability.DISPLAY,
                            round(joined, 2),
                        ),
                    ),
                )
            )
        return findings
