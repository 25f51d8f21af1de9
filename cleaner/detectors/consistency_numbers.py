"""A number the source gives that its translation lost or changed: "25" for "52", "2,5 Mio." gone.

Numbers are compared by value in every reading (see ``cleaner.consistency.numbers``), so formats,
separators, scale words and spelt-out small numbers meet. When exactly one source number is missing and
exactly one target number matches nothing in the source, the finding points at that target number (a
changed number); otherwise at the segment, since there is nothing in the target to point at. No repair
is offered: the right English form of a number (words or digits, scale) is a writer's choice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.consistency.numbers import (
    Quantity,
    missing,
    percent_lost,
    source_quantities,
    target_quantities,
    target_values,
    vague_magnitudes,
)
from cleaner.consistency.segments import aligned_segments
from cleaner.detectors import single_rule
from cleaner.findings import Finding
from cleaner.ruleset import Rule


class NumberMissingDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "number-missing")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for aligned in aligned_segments(analysis):
            quantities = source_quantities(aligned.source, aligned.language)
            lost = missing(quantities, target_values(aligned.target), vague_magnitudes(aligned.target))
            offset = aligned.segment.start
            if lost:
                source_values = {value for quantity in quantities for value in quantity.values}
                extra = [q for q in target_quantities(aligned.target) if not q.values & source_values]
                if len(lost) == 1 and len(extra) == 1:
                    start, end = offset + extra[0].start, offset + extra[0].end
                    detail = f"is not in the translation, which has {extra[0].written} instead"
                else:
                    start, end = _whole(aligned.target, offset)
                    detail = "is not in the translation"
                yield self._finding(lost, detail, start, end)
            unmarked = percent_lost(quantities, aligned.target)
            if unmarked:
                yield self._finding(
                    unmarked,
                    "is a percentage; the translation keeps the number but not the percent",
                    *_whole(aligned.target, offset),
                )

    def _finding(self, quantities: list[Quantity], detail: str, start: int, end: int) -> Finding:
        numbers = ", ".join(f"“{quantity.written}”" for quantity in quantities)
        return self.rule.finding(self.rule.message.format(numbers=numbers, detail=detail), start, end)


def _whole(target: str, offset: int) -> tuple[int, int]:
    """The segment's span without its surrounding white space: where a finding about all of it goes."""
    stripped = target.strip()
    start = offset + (target.find(stripped[:1]) if stripped else 0)
    return start, start + len(stripped)
