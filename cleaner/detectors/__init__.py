"""Detectors find damage and only find: each turns a text into findings and never edits it.

A detector serves the rules that name it (``detector:`` in a rule file; ``pattern`` by default), so a
rule's id, category, severity, message and examples always come from its file in ``rules/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from cleaner.analysis import TextAnalysis
from cleaner.findings import Finding
from cleaner.ruleset import Rule, RuleError


class Detector(Protocol):
    def find(self, analysis: TextAnalysis) -> Iterable[Finding]: ...


DetectorFactory = Callable[[Sequence[Rule]], Detector]


def registry() -> dict[str, DetectorFactory]:
    """Detector name -> factory. Imported lazily so that loading rules does not load every detector."""
    from cleaner.detectors.consistency_calendar import (
        MonthMismatchDetector,
        WeekdayMismatchDetector,
        WeekdayUnsupportedDetector,
    )
    from cleaner.detectors.consistency_copied import CopiedSourceDetector
    from cleaner.detectors.consistency_numbers import NumberMissingDetector
    from cleaner.detectors.consistency_structure import SentenceCountDetector, UnbalancedQuotesDetector
    from cleaner.detectors.consistency_verbatim import VerbatimMissingDetector
    from cleaner.detectors.foreign_script import ForeignScriptDetector
    from cleaner.detectors.look_alike import LookAlikeDetector
    from cleaner.detectors.patterns import PatternDetector
    from cleaner.detectors.scheduled_event import ScheduledEventDetector
    from cleaner.detectors.tense_day import TenseDayDetector
    from cleaner.detectors.tense_time import TenseTimeDetector
    from cleaner.detectors.unicode_damage import UnicodeDamageDetector
    from cleaner.detectors.weekday_date import WeekdayDateDetector

    return {
        "pattern": PatternDetector,
        "tense-day": TenseDayDetector,
        "tense-time": TenseTimeDetector,
        "scheduled-event": ScheduledEventDetector,
        "weekday-date": WeekdayDateDetector,
        "unicode-damage": UnicodeDamageDetector,
        "foreign-script": ForeignScriptDetector,
        "look-alike": LookAlikeDetector,
        "weekday-mismatch": WeekdayMismatchDetector,
        "weekday-unsupported": WeekdayUnsupportedDetector,
        "month-mismatch": MonthMismatchDetector,
        "number-missing": NumberMissingDetector,
        "verbatim-missing": VerbatimMissingDetector,
        "copied-source": CopiedSourceDetector,
        "sentence-count": SentenceCountDetector,
        "unbalanced-quotes": UnbalancedQuotesDetector,
    }


def single_rule(rules: Sequence[Rule], detector: str) -> Rule:
    """Code detectors serve exactly one rule file each (the rule's message and examples describe what the
    code does); a second file naming one, a user rule most likely, is a rule error naming both files."""
    if len(rules) != 1:
        files = "; ".join(f"{rule.origin} ({rule.id})" for rule in rules)
        raise RuleError(
            f"{rules[-1].origin}: detector {detector!r} serves exactly one rule, but {len(rules)} rule files "
            f"name it: {files}. Give your rule a 'pattern' instead, or --ignore the other rule"
        )
    return rules[0]
