"""The engine behind every rule that is a pattern: a regular expression plus word conditions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.findings import Finding, Fix, Source
from cleaner.ruleset import Rule, render


class PatternDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = [rule for rule in rules if rule.pattern is not None]

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for rule in self.rules:
            if rule.cased_text_only and not analysis.is_cased:
                continue
            yield from self._find_rule(rule, analysis)

    @staticmethod
    def _find_rule(rule: Rule, analysis: TextAnalysis) -> Iterator[Finding]:
        assert rule.pattern is not None
        text = analysis.text
        spans = analysis.lines_with(rule.anchor) if rule.anchor is not None else [(0, len(text))]
        matches = (match for start, end in spans for match in rule.pattern.finditer(text, start, end))
        for match in matches:
            start, end = match.span(rule.flag or 0)
            if rule.protect and analysis.is_protected(*match.span()):
                continue
            if not all(cond.holds(match.group(cond.group) or "") for cond in rule.where):
                continue
            fixes = []
            for template in rule.fixes:
                if template.span is None:
                    fix_start, fix_end = start, end
                else:
                    fix_start, fix_end = match.span(0 if template.span == "match" else template.span)
                replacement = render(template.replacement, match)
                if replacement != analysis.text[fix_start:fix_end]:
                    fixes.append(Fix(fix_start, fix_end, replacement, template.applicability))
            yield Finding(
                rule=rule.id,
                category=rule.category,
                severity=rule.severity,
                message=render(rule.message, match),
                start=start,
                end=end,
                source=Source.RULES,
                fixes=tuple(fixes),
            )
