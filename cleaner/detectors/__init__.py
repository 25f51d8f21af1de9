"""Detectors find damage and only find: each turns a text into findings and never edits it.

A detector serves the rules that name it (``detector:`` in a rule file; ``pattern`` by default), so a
rule's id, category, severity, message and examples always come from its file in ``rules/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from importlib import import_module
from typing import Protocol

from cleaner.analysis import TextAnalysis
from cleaner.findings import Finding
from cleaner.ruleset import Rule, RuleError


class Detector(Protocol):
    def find(self, analysis: TextAnalysis) -> Iterable[Finding]: ...


DetectorFactory = Callable[[Sequence[Rule]], Detector]


_DETECTORS: dict[str, str] = {
    "pattern": "cleaner.detectors.patterns:PatternDetector",
    "tense-day": "cleaner.detectors.tense_day:TenseDayDetector",
    "tense-time": "cleaner.detectors.tense_time:TenseTimeDetector",
    "scheduled-event": "cleaner.detectors.scheduled_event:ScheduledEventDetector",
    "weekday-date": "cleaner.detectors.weekday_date:WeekdayDateDetector",
    "unicode-damage": "cleaner.detectors.unicode_damage:UnicodeDamageDetector",
    "foreign-script": "cleaner.detectors.foreign_script:ForeignScriptDetector",
    "look-alike": "cleaner.detectors.look_alike:LookAlikeDetector",
    "doubled-space": "cleaner.detectors.doubled_space:DoubledSpaceDetector",
    "quote-spacing": "cleaner.detectors.quote_spacing:QuoteSpacingDetector",
    "doubled-conjunct": "cleaner.detectors.doubled_conjunct:DoubledConjunctDetector",
    "weekday-mismatch": "cleaner.detectors.consistency_calendar:WeekdayMismatchDetector",
    "weekday-unsupported": "cleaner.detectors.consistency_calendar:WeekdayUnsupportedDetector",
    "month-mismatch": "cleaner.detectors.consistency_calendar:MonthMismatchDetector",
    "number-missing": "cleaner.detectors.consistency_numbers:NumberMissingDetector",
    "verbatim-missing": "cleaner.detectors.consistency_verbatim:VerbatimMissingDetector",
    "copied-source": "cleaner.detectors.consistency_copied:CopiedSourceDetector",
    "sentence-count": "cleaner.detectors.consistency_structure:SentenceCountDetector",
    "unbalanced-quotes": "cleaner.detectors.consistency_structure:UnbalancedQuotesDetector",
}
"""Detector name -> ``module:class``. A detector's module is imported only when a rule names it."""

SOURCE_AWARE = frozenset(
    [
        "weekday-mismatch",
        "weekday-unsupported",
        "month-mismatch",
        "number-missing",
        "verbatim-missing",
        "copied-source",
        "sentence-count",
        "unbalanced-quotes",
    ]
)
"""Detectors that compare a translation with its source. The pipeline builds them on the first text
that has a source, so a run on plain articles never loads them (nor Babel's CLDR tables)."""


def known_detectors() -> list[str]:
    return sorted(_DETECTORS)


def factory(name: str) -> DetectorFactory:
    """The factory of the detector ``name`` (a KeyError for an unknown one), its module imported now."""
    module, _, attribute = _DETECTORS[name].partition(":")
    factory: DetectorFactory = getattr(import_module(module), attribute)
    return factory


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
