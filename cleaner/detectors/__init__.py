"""Detectors find damage and only find: each turns a text into findings and never edits it.

A detector serves the rules that name it (``detector:`` in a rule file; ``pattern`` by default), so a
rule's id, category, severity, message and examples always come from its file in ``rules/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from cleaner.analysis import TextAnalysis
from cleaner.findings import Finding
from cleaner.ruleset import Rule


class Detector(Protocol):
    def find(self, analysis: TextAnalysis) -> Iterable[Finding]: ...


DetectorFactory = Callable[[Sequence[Rule]], Detector]


def registry() -> dict[str, DetectorFactory]:
    """Detector name -> factory. Imported lazily so that loading rules does not load every detector."""
    from cleaner.detectors.patterns import PatternDetector
    from cleaner.detectors.tense_day import TenseDayDetector
    from cleaner.detectors.unicode_damage import UnicodeDamageDetector
    from cleaner.detectors.weekday_date import WeekdayDateDetector

    return {
        "pattern": PatternDetector,
        "tense-day": TenseDayDetector,
        "weekday-date": WeekdayDateDetector,
        "unicode-damage": UnicodeDamageDetector,
    }


def single_rule(rules: Sequence[Rule], detector: str) -> Rule:
    """Code detectors serve exactly one rule file each; say so clearly if a rule set has more."""
    if len(rules) != 1:
        names = ", ".join(rule.id for rule in rules)
        raise ValueError(f"detector {detector!r} serves one rule, got: {names}")
    return rules[0]
