"""Inline suppressions: a region of an article where some rules are silenced.

    <!-- cleaner: disable=punctuation.doubled-stop -->   (Markdown; any file)
    # cleaner: disable=typography                        (a line of its own; plain text)
    … text the rules leave alone …
    <!-- cleaner: enable=punctuation.doubled-stop -->

Without ``=…`` every rule is silenced. A region runs to the matching ``enable`` or to the end of the
file. With ``--report-unused-suppressions``, a suppression that silenced nothing is itself reported, as
ruff's RUF100 reports an unused ``noqa``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleaner.findings import Applicability, Category, Finding, Fix, Severity
from cleaner.selectors import matches_selector

UNUSED_RULE = "suppression.unused"

_MARKER = re.compile(
    r"<!--[ \t]*cleaner:[ \t]*(?P<html_action>disable|enable)(?:=(?P<html_rules>[\w.,\s-]+?))?[ \t]*-->"
    r"|^[ \t]*\#[ \t]*cleaner:[ \t]*(?P<line_action>disable|enable)(?:=(?P<line_rules>[\w.,-]+))?[ \t]*$",
    re.MULTILINE,
)
_ALL = "*"


@dataclass
class Suppression:
    selector: str
    start: int
    """Where the silenced region starts: the end of the marker."""
    end: int
    marker_start: int
    marker_end: int
    used: bool = False

    def covers(self, finding: Finding) -> bool:
        return self.start <= finding.start < self.end and (
            self.selector == _ALL or matches_selector(finding.rule, self.selector)
        )


@dataclass
class Suppressions:
    regions: list[Suppression] = field(default_factory=list)
    markers: list[tuple[int, int]] = field(default_factory=list)

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """The findings no region silences (and none on a marker itself); marks regions used."""
        kept = []
        for finding in findings:
            if any(start <= finding.start < end for start, end in self.markers):
                continue
            silencing = [region for region in self.regions if region.covers(finding)]
            for region in silencing:
                region.used = True
            if not silencing:
                kept.append(finding)
        return kept

    def unused(self) -> list[Finding]:
        return [
            Finding(
                rule=UNUSED_RULE,
                category=Category.STYLE,
                severity=Severity.WARNING,
                message=f"Suppression of “{region.selector}” silenced nothing; remove it.",
                start=region.marker_start,
                end=region.marker_end,
                fixes=(Fix(region.marker_start, region.marker_end, "", Applicability.UNSAFE),),
            )
            for region in self.regions
            if not region.used
        ]


def parse(text: str) -> Suppressions:
    result = Suppressions()
    open_regions: dict[str, Suppression] = {}
    for match in _MARKER.finditer(text):
        action = match.group("html_action") or match.group("line_action")
        rules = match.group("html_rules") or match.group("line_rules")
        selectors = [s.strip() for s in rules.split(",") if s.strip()] if rules else [_ALL]
        result.markers.append(match.span())
        for selector in selectors:
            if action == "disable" and selector not in open_regions:
                region = Suppression(selector, match.end(), len(text), match.start(), match.end())
                open_regions[selector] = region
                result.regions.append(region)
            elif action == "enable" and selector in open_regions:
                open_regions.pop(selector).end = match.start()
    return result
