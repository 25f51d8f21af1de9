"""Inline suppressions: a region of an article where some rules are silenced.

    <!-- cleaner: disable=punctuation.doubled-stop -->   (an HTML comment; any file)
    # cleaner: disable=typography                        (a line of its own; plain text)
    … text the rules leave alone …
    <!-- cleaner: enable=punctuation.doubled-stop -->

Without ``=…`` every rule is silenced. A region runs to the matching ``enable`` or to the end of the
file. With ``--report-unused-suppressions``, a suppression that silenced nothing is itself reported, as
ruff's RUF100 reports an unused ``noqa``.
"""

from __future__ import annotations

import bisect
import heapq
import re
from dataclasses import dataclass, field

from cleaner.analysis import Span
from cleaner.findings import Applicability, Category, Finding, Fix, Severity
from cleaner.selectors import matches_selector

UNUSED_RULE = "suppression.unused"

_COMMENT_BODY = re.compile(r"cleaner:[ \t]*(?P<action>disable|enable)(?:[ \t]*=[ \t]*(?P<rules>[\w.,\s-]+))?")
"""A marker comment's text between ``<!--`` and ``-->``, stripped: matched whole, so it cannot
backtrack however long the comment is."""
_LINE_MARKER = re.compile(
    r"^[ \t]*\#[ \t]*cleaner:[ \t]*(?P<action>disable|enable)(?:=(?P<rules>[\w.,-]+))?[ \t]*\r?$",
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
        """The findings no region silences (and none on a marker itself), in their order; marks the
        regions that silenced something used.

        One sweep over findings and regions by position, so thousands of markers over thousands of
        findings cost (n + m) log m, not n * m: only the regions open at a finding are looked at, and
        of those only the ones whose selector is the rule, a dotted prefix of it, or everything.
        """
        markers = sorted(self.markers)
        marker_starts = [start for start, _ in markers]
        regions = sorted(self.regions, key=lambda region: region.start)
        open_by_key: dict[str, list[Suppression]] = {}
        closing: list[tuple[int, int, Suppression]] = []  # a heap of (end, order, region)
        following = 0
        silenced: set[int] = set()
        for index in sorted(range(len(findings)), key=lambda i: findings[i].start):
            finding = findings[index]
            at = bisect.bisect_right(marker_starts, finding.start) - 1
            if at >= 0 and finding.start < markers[at][1]:
                silenced.add(index)
                continue
            while following < len(regions) and regions[following].start <= finding.start:
                region = regions[following]
                open_by_key.setdefault(_key(region.selector), []).append(region)
                heapq.heappush(closing, (region.end, following, region))
                following += 1
            while closing and closing[0][0] <= finding.start:
                _, _, region = heapq.heappop(closing)
                open_by_key[_key(region.selector)].remove(region)
            for key in (_ALL, *_prefixes(finding.rule)):
                for region in open_by_key.get(key, ()):
                    if region.covers(finding):
                        region.used = True
                        silenced.add(index)
        return [finding for index, finding in enumerate(findings) if index not in silenced]

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
    """The suppression regions of ``text``, in one pass that takes time linear in its length.

    A marker counts only where it is a directive: an HTML comment that is closed, or a ``# cleaner:``
    line of its own outside any comment. A marker inside a code fence, an indented code block, a code
    span or front matter is quoted, an example for the reader, and silences nothing: a quoted marker
    that silenced the rest of an article would hide exactly the damage cleaner is for. Code is found by
    Markdown's rules in every file, plain text included; in the rare plain-text article that indents
    a marker by four spaces, the marker is ignored and the findings stay visible, which is the safe way
    to be wrong.
    """
    if "cleaner:" not in text:  # every marker says it: most articles need no Markdown layout at all
        return Suppressions()
    from cleaner.markdown import inside, layout, normalise_line_breaks  # nor load the module

    found = layout(text)
    quoted = _merge([*found.code, *found.comments])
    markers: list[tuple[int, int, str, str | None]] = []
    for comment in found.comments:
        if not text.startswith("-->", comment.end - 3):
            continue  # unclosed (it runs to the end of the text): not a marker, whatever it says
        body = _COMMENT_BODY.fullmatch(text[comment.start + 4 : comment.end - 3].strip())
        if body is not None:
            markers.append((comment.start, comment.end, body.group("action"), body.group("rules")))
    for match in _LINE_MARKER.finditer(normalise_line_breaks(text)):
        if not inside(match.start(), quoted):
            end = match.end() - (text[match.end() - 1 : match.end()] == "\r")
            markers.append((match.start(), end, match.group("action"), match.group("rules")))
    markers.sort()

    result = Suppressions()
    open_regions: dict[str, Suppression] = {}
    for start, end, action, rules in markers:
        selectors = [s.strip() for s in rules.split(",") if s.strip()] if rules else [_ALL]
        result.markers.append((start, end))
        for selector in selectors:
            if action == "disable" and selector not in open_regions:
                region = Suppression(selector, end, len(text), start, end)
                open_regions[selector] = region
                result.regions.append(region)
            elif action == "enable" and selector in open_regions:
                open_regions.pop(selector).end = start
    return result


def _key(selector: str) -> str:
    """The rule id or prefix a selector names ("punctuation." and "punctuation" name the same family)."""
    return selector if selector == _ALL else selector.rstrip(".")


def _prefixes(rule: str) -> list[str]:
    """The rule id and each dotted prefix of it: the keys of the selectors that can name the rule."""
    parts = rule.split(".")
    return [".".join(parts[:count]) for count in range(1, len(parts) + 1)]


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted, disjoint spans covering the same text as ``spans``."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(span.end, merged[-1].end))
        else:
            merged.append(span)
    return merged
