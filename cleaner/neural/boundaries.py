"""A model detector: sentence boundaries the language model finds implausible.

At each full stop followed by a capitalised word inside a line, the model scores the text as written
and with the stop removed and the word lower-cased. Where the joined text is far more probable (the
model finds "Accept" after "would not." about 12 nats surprising), the stop probably splits a clause:
"the government will. Not negotiate", "the talks had. Made little progress".

It runs whenever ``--neural`` does (``[tool.cleaner.neural] boundaries = false`` turns it off). The
margin was set by a sweep on the labelled WMT22 dev set (``bench/eval.py --dataset artefacts
--boundaries``): 8 nats is the lowest margin at which it flags none of the 143 look-alikes (at 7.6 it
flags a real sentence end, at 5 two), and on the MQM TED and Bio-MQM documents its one finding at that
margin lies on a rater's span. A lower-cased word after the stop is the rules' business, so the
detector mostly adds what they cannot see; the join is offered as an unsafe repair.
"""

from __future__ import annotations

import re

from cleaner.analysis import TextAnalysis
from cleaner.findings import Applicability, Category, Finding, Fix, Severity, Source
from cleaner.lexicon import is_known_word
from cleaner.neural import BOUNDARY_RULE
from cleaner.neural.models import LanguageModel

RULE = BOUNDARY_RULE
MARGIN = 8.0
"""Nats by which the joined text must beat the split one (see the sweep above)."""
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
                    severity=Severity.WARNING,
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
                            Applicability.UNSAFE,
                            round(joined, 2),
                        ),
                    ),
                )
            )
        return findings
