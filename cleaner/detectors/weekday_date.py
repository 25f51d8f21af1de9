"""A weekday that contradicts the explicit date beside it: "Monday, February 9, 2023" (a Thursday).

MT systems translate weekdays and dates separately and get one of them wrong. Only a full date with its
year is checked, so the calendar can say for certain which weekday it was. The repair swaps the weekday
and is unsafe: the date may be the wrong half.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.lexicon import MONTHS, WEEKDAYS, weekday_names
from cleaner.ruleset import Rule

_DAY = "|".join(WEEKDAYS)
_MONTH = "|".join(MONTHS) + "|" + "|".join(m[:3] + r"\.?" for m in MONTHS) + r"|Sept\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATED_WEEKDAY = re.compile(
    rf"\b(?P<weekday>{_DAY}),?\s+(?:the\s+)?"
    rf"(?:(?P<month1>{_MONTH})\s+(?P<day1>\d{{1,2}}){_ORDINAL}"
    rf"|(?P<day2>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month2>{_MONTH}))"
    rf",?\s+(?P<year>(?:1[6-9]|2\d)\d\d)\b"
)


def _dated_weekdays(text: str) -> Iterator[re.Match[str]]:
    """``_DATED_WEEKDAY.finditer(text)``, tried only where a weekday's name stands: a match opens with
    one, and ``_DATED_WEEKDAY``, led by ``\\b``, would be tried at every position."""
    done = 0
    for start, _ in weekday_names(text):
        if start >= done and (match := _DATED_WEEKDAY.match(text, start)) is not None:
            done = match.end()
            yield match


class WeekdayDateDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "weekday-date")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for match in _dated_weekdays(analysis.text):
            month_name = (match.group("month1") or match.group("month2")).rstrip(".")
            month = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(month_name[:3]))
            day = int(match.group("day1") or match.group("day2"))
            try:
                date = datetime.date(int(match.group("year")), month, day)
            except ValueError:
                continue  # an impossible date is another rule's business
            actual = WEEKDAYS[date.weekday()]
            written = match.group("weekday")
            if actual == written:
                continue
            start, end = match.span("weekday")
            yield self.rule.finding(
                self.rule.message.format(
                    written=written, actual=actual, date=match.group()[len(written) :].lstrip(", ")
                ),
                start,
                end,
                (Fix(start, end, actual, Applicability.UNSAFE),),
            )
