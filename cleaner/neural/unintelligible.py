"""Unintelligible passages: segments an MT system turned into word salad, found with the language model.

Some systems emit, for a whole segment, real words in no order ("In point will of the the the, form blue
link the the points dark"). Punctuation and sentence rules then fire all over it, and none of their
repairs helps: the passage needs translating again. So it is reported once, as a whole, and the session
drops the scattered findings inside it.

Two signals, per chunk of text (a sentence, or short sentences taken together, never across a line):

- surprisal: the mean negative log-probability per token under the language model (the first token,
  scored without context, left out). Word salad is hard to predict, but so is dense technical prose
  full of rare terms and names;
- order gain: how much more probable, per token, the words are in their order than in reverse order.
  Fluent text earns a lot from its order (2–5 nats per token on news, talks and medical abstracts);
  words in no order earn nothing, reversed or not, however rare they are. This is what tells word salad
  from hard but fluent text.

A chunk is unintelligible when it is long enough to judge (``MIN_TOKENS``), its surprisal is at least
``MIN_SURPRISAL`` and its order gain at most ``MAX_ORDER_GAIN``. Neighbouring unintelligible chunks on a
line are one passage. The thresholds come from a sweep on the labelled WMT22 dev set (the 32 word-salad
segments of one ja→en system against the fluent segments of the others) checked against the MQM TED and
Bio-MQM documents: as set, 17 of the 32 are caught and nothing else is, neither in the dev set nor in the
65 TED and 300 Bio-MQM documents. A surprisal of 7.0 would catch 20, but also report a garbled product
listing whose broken sentence the rules repair, and a citation fragment in a Bio-MQM abstract.
``bench/eval.py --neural`` measures the detector as users run it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cleaner.findings import Category, Finding, Severity, Source
from cleaner.neural import WORD_SALAD_RULE
from cleaner.neural.models import LanguageModel

RULE = WORD_SALAD_RULE
MIN_TOKENS = 10
"""Shorter chunks say too little: a five-token phrase can be as surprising as word salad."""
MIN_SURPRISAL = 7.5
"""Nats per token. Fluent segments of the dev set: median 4.3, 95th percentile 6.7; word salad: median 8.4.
The most surprising fluent chunk with little order gain in the dev, TED and Bio sets scores 7.1."""
MAX_ORDER_GAIN = 0.75
"""Nats per token. Fluent dev, TED and Bio segments: 5th percentile 0.9–2.2; word salad: median 0.2."""
CHUNK_WORDS = 12
"""Sentences shorter than this are judged together with their neighbours on the line."""

_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*[ \t]+(?=[\"“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Reading:
    """What the model makes of one chunk of text."""

    start: int
    end: int
    tokens: int
    surprisal: float
    order_gain: float | None = None
    """Only computed where the surprisal is high enough to matter."""


class UnintelligibleDetector:
    def __init__(
        self,
        model: LanguageModel,
        min_surprisal: float = MIN_SURPRISAL,
        max_order_gain: float = MAX_ORDER_GAIN,
        min_tokens: int = MIN_TOKENS,
    ) -> None:
        self.model = model
        self.min_surprisal = min_surprisal
        self.max_order_gain = max_order_gain
        self.min_tokens = min_tokens

    def read(self, text: str) -> list[Reading]:
        """The model's reading of every chunk of ``text``; the order gain only for surprising chunks."""
        spans = list(chunks(text))
        if not spans:
            return []
        readings = []
        totals = []
        for (start, end), log_probs in zip(
            spans, self.model.token_log_probs([text[s:e] for s, e in spans]), strict=True
        ):
            surprisal = -sum(log_probs[1:]) / max(1, len(log_probs) - 1)
            readings.append(Reading(start, end, len(log_probs), surprisal))
            totals.append(sum(log_probs))
        suspects = [
            index
            for index, r in enumerate(readings)
            if r.tokens >= self.min_tokens and r.surprisal >= self.min_surprisal
        ]
        if suspects:
            reversed_texts = [
                " ".join(reversed(text[readings[i].start : readings[i].end].split())) for i in suspects
            ]
            for index, behind in zip(suspects, self.model.score(reversed_texts), strict=True):
                reading = readings[index]
                gain = (totals[index] - behind) / reading.tokens
                readings[index] = Reading(reading.start, reading.end, reading.tokens, reading.surprisal, gain)
        return readings

    def unintelligible(self, reading: Reading) -> bool:
        return (
            reading.tokens >= self.min_tokens
            and reading.surprisal >= self.min_surprisal
            and reading.order_gain is not None
            and reading.order_gain <= self.max_order_gain
        )

    def find(self, text: str) -> list[Finding]:
        """One finding per unintelligible passage (neighbouring chunks on a line taken together)."""
        passages: list[list[Reading]] = []
        previous_end = -1
        for reading in self.read(text):
            if not self.unintelligible(reading):
                previous_end = -1
                continue
            if passages and "\n" not in text[previous_end : reading.start] and previous_end >= 0:
                passages[-1].append(reading)
            else:
                passages.append([reading])
            previous_end = reading.end
        return [self._finding(passage) for passage in passages]

    @staticmethod
    def _finding(passage: Sequence[Reading]) -> Finding:
        tokens = sum(r.tokens for r in passage)
        surprisal = sum(r.surprisal * r.tokens for r in passage) / tokens
        gain = sum((r.order_gain or 0.0) * r.tokens for r in passage) / tokens
        return Finding(
            rule=RULE,
            category=Category.UNINTELLIGIBLE,
            severity=Severity.WARNING,
            message=(
                f"Unintelligible passage: the language model finds it {surprisal:.1f} nats per token "
                f"surprising, and its word order no more probable than the reverse ({gain:.1f} nats per "
                "token): word salad from the translation system? It needs translating again."
            ),
            start=passage[0].start,
            end=passage[-1].end,
            source=Source.MODEL,
        )


def chunks(text: str) -> Iterator[tuple[int, int]]:
    """Spans of whole sentences within each line, at least ``CHUNK_WORDS`` words each where the line has
    them (a short last sentence joins the chunk before it), without the spaces around them."""
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        yield from _line_chunks(body, offset)
        offset += len(line)


def _line_chunks(line: str, offset: int) -> Iterator[tuple[int, int]]:
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(line)), len(line)]
    groups: list[tuple[int, int]] = []
    start = 0
    for end in bounds[1:]:
        if len(_WORD.findall(line, start, end)) >= CHUNK_WORDS or end == len(line):
            groups.append((start, end))
            start = end
    if len(groups) > 1 and len(_WORD.findall(line, *groups[-1])) < CHUNK_WORDS:
        groups[-2:] = [(groups[-2][0], groups[-1][1])]
    for start, end in groups:
        text = line[start:end]
        stripped = text.strip()
        if stripped:
            lead = len(text) - len(text.lstrip())
            yield offset + start + lead, offset + start + lead + len(stripped)


KEPT_INSIDE = frozenset({Category.TYPOGRAPHY, Category.UNTRANSLATED})
"""Damage to characters (mojibake, untranslated script) stays reported inside word salad: it says
something a retranslation may carry over. Everything about wording and punctuation is moot there."""


def outside_passages(findings: Sequence[Finding], passages: Sequence[Finding]) -> list[Finding]:
    """``findings`` less those that start inside an unintelligible passage: the passage is reported once,
    not as scattered punctuation and sentence findings whose repairs cannot help it."""
    if not passages:
        return list(findings)
    return [
        finding
        for finding in findings
        if finding.category in KEPT_INSIDE or not any(p.start <= finding.start < p.end for p in passages)
    ]
