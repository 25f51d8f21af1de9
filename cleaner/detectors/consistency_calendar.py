"""English weekdays and months that the source does not support: "on Monday" for a source that says
"12日" (a Sunday), "Wednesday" for "четверга", a weekday the source never names.

Machine translation turns a bare date into a weekday, and gets it wrong: the English alone reads fine,
only the source shows it. A weekday is supported when the source names it (in any CLDR language, see
``cleaner.consistency.calendar``) or gives a date that falls on it (completed by the article's dateline
when the source gives only a day). A day in a name ("Good Friday", "Black Friday") is left alone. A
language CLDR does not know keeps the detectors quiet: an unread source proves nothing.

Three rules: a weekday that contradicts what the source names or dates (with the right day as an unsafe
repair when only one is left over), a weekday the source gives no ground for at all, and a month
beside a number that the source's months contradict.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cleaner.analysis import TextAnalysis
from cleaner.consistency.calendar import (
    english_month_abbreviations,
    month_names,
    relative_days,
    source_dates,
    source_months,
    weekday_names,
)
from cleaner.consistency.segments import AlignedSegment, aligned_segments
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.lexicon import MONTHS, WEEKDAYS, word_class
from cleaner.ruleset import Rule

_SHORT_MONTHS = english_month_abbreviations()
_MONTH_INDEX = {name: index for index, name in enumerate(MONTHS, 1)} | _SHORT_MONTHS
_MONTH_NAME = "|".join(sorted(_MONTH_INDEX, key=len, reverse=True))
_WEEKDAY = re.compile(rf"\b(?P<name>{'|'.join(WEEKDAYS)})(?P<plural>s)?\b")
_MONTH = re.compile(
    rf"(?<=\d)(?:th|st|nd|rd)?(?:\s+of)?\s+(?P<after>{_MONTH_NAME})\b"
    rf"|\b(?P<before>{_MONTH_NAME})\b\.?,?\s+(?=\d)"
)
_WORD_BEFORE = re.compile(r"(?P<word>[A-Z][\w'’-]*)\s+$")
_FUNCTION_WORDS = frozenset().union(
    *(
        word_class(name)
        for name in ("articles", "determiners", "prepositions", "coordinators", "subordinators")
    )
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(\[—–-])\s*$")


@dataclass(frozen=True, slots=True)
class Written:
    """A weekday or month in the target: its index, its span in the document, and the plural ending."""

    index: int
    start: int
    end: int
    plural: str
    abbreviated: bool = False


def _in_a_name(target: str, start: int) -> bool:
    """Whether the word before the day is a capitalised word inside a sentence: "Good Friday", "Super
    Tuesday", "Black Friday" name days; "On Monday" opens a sentence, and "At Saturday" in the middle of
    one is still a preposition."""
    before = _WORD_BEFORE.search(target, max(0, start - 30), start)
    if before is None or before.group("word").lower() in _FUNCTION_WORDS:
        return False
    return not _SENTENCE_START.search(target, max(0, before.start() - 3), before.start())


def _written_weekdays(aligned: AlignedSegment) -> list[Written]:
    found = []
    for match in _WEEKDAY.finditer(aligned.target):
        if _in_a_name(aligned.target, match.start()):
            continue
        start, end = (aligned.segment.start + offset for offset in match.span("name"))
        found.append(Written(WEEKDAYS.index(match.group("name")), start, end, match.group("plural") or ""))
    return found


def _describe(resolved: datetime.date, written: str) -> str:
    day = f"{resolved.day} {MONTHS[resolved.month - 1]} {resolved.year}"
    return f"{written.strip()}, {day}, a {WEEKDAYS[resolved.weekday()]}"


@dataclass(frozen=True, slots=True)
class _SourceDays:
    named: dict[int, str]
    """Weekdays the source names, each with the word it uses."""
    dated: dict[int, str]
    """Weekdays of the source's dates that resolve, each described."""
    unresolved: bool
    """The source gives a date that no dateline completes."""
    relative: bool
    """The source names a day relative to the article's ("вчера", "昨日") and no dateline says which."""


def _source_days(aligned: AlignedSegment) -> _SourceDays | None:
    names = weekday_names(aligned.language)
    if names is None:
        return None
    named = {index: aligned.source[start:end] for index, start, end in names.find(aligned.source)}
    for index, day in enumerate(WEEKDAYS):  # an English name kept in the source: "die Sunday Times"
        if re.search(rf"\b{day}\b", aligned.source):
            named.setdefault(index, day)
    dated: dict[int, str] = {}
    unresolved = False
    for day in source_dates(aligned.source, aligned.language):
        resolved = day.resolve(aligned.dateline)
        if resolved is None:
            unresolved = True
        else:
            dated.setdefault(resolved.weekday(), _describe(resolved, day.written))
    relative = False
    for shift, word in relative_days(aligned.source, aligned.language):
        if aligned.dateline is None:
            relative = True
        else:
            resolved = aligned.dateline + datetime.timedelta(days=shift)
            dated.setdefault(resolved.weekday(), _describe(resolved, word))
    return _SourceDays(named, dated, unresolved, relative)


def _weekday_verdicts(analysis: TextAnalysis) -> Iterator[tuple[Written, _SourceDays, list[Written]]]:
    """Each English weekday the source does not support, with what the source has, and the segment's
    other written weekdays."""
    for aligned in aligned_segments(analysis):
        written = _written_weekdays(aligned)
        if not written:
            continue
        source = _source_days(aligned)
        if source is None:
            continue
        for day in written:
            if day.index not in source.named and day.index not in source.dated:
                yield day, source, written


class WeekdayMismatchDetector:
    """A weekday other than the one the source names, or than its date's."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "weekday-mismatch")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for day, source, written in _weekday_verdicts(analysis):
            supported = {**source.dated, **source.named}
            if not supported:
                continue
            if source.named:
                evidence = "it names " + ", ".join(
                    f"{WEEKDAYS[i]} ({word})" for i, word in source.named.items()
                )
            else:
                dates = list(source.dated.values())
                evidence = ("its date is " if len(dates) == 1 else "its dates are ") + "; ".join(dates)
            left_over = set(supported) - {other.index for other in written}
            fixes = ()
            if len(left_over) == 1:
                right = WEEKDAYS[left_over.pop()] + day.plural
                fixes = (Fix(day.start, day.end + len(day.plural), right, Applicability.UNSAFE),)
            yield self.rule.finding(
                self.rule.message.format(written=WEEKDAYS[day.index], evidence=evidence),
                day.start,
                day.end + len(day.plural),
                fixes,
            )


class WeekdayUnsupportedDetector:
    """A weekday the source neither names nor dates: invented, or a date turned into a guessed day."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "weekday-unsupported")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for day, source, _ in _weekday_verdicts(analysis):
            if source.named or source.dated or source.relative:
                continue  # "вчера" may well have been a Monday: only a dateline can tell
            detail = (
                "the source gives a date but no weekday, and without the article's dateline the day "
                "cannot be checked"
                if source.unresolved
                else "the source names no weekday and gives no date"
            )
            yield self.rule.finding(
                self.rule.message.format(written=WEEKDAYS[day.index], detail=detail),
                day.start,
                day.end + len(day.plural),
            )


class MonthMismatchDetector:
    """A month beside a number ("December 11", "11 December") other than every month in the source."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "month-mismatch")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for aligned in aligned_segments(analysis):
            if month_names(aligned.language) is None:
                continue
            written = []
            for match in _MONTH.finditer(aligned.target):
                group = "after" if match.group("after") else "before"
                start, end = (aligned.segment.start + offset for offset in match.span(group))
                name = match.group(group)
                abbreviated = name in _SHORT_MONTHS and name not in MONTHS
                written.append(Written(_MONTH_INDEX[name], start, end, "", abbreviated))
            if not written:
                continue
            months = source_months(aligned.source, aligned.language)
            if not months:
                continue
            left_over = set(months) - {month.index for month in written}
            for month in written:
                if month.index in months:
                    continue
                fixes = ()
                if len(left_over) == 1:
                    index = next(iter(left_over))
                    right = MONTHS[index - 1]
                    if month.abbreviated:
                        right = next(short for short, i in _SHORT_MONTHS.items() if i == index)
                    fixes = (Fix(month.start, month.end, right, Applicability.UNSAFE),)
                evidence = ", ".join(f"{MONTHS[index - 1]} ({word})" for index, word in months.items())
                yield self.rule.finding(
                    self.rule.message.format(written=MONTHS[month.index - 1], evidence=evidence),
                    month.start,
                    month.end,
                    fixes,
                )
