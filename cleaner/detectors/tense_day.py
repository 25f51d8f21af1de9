"""Tense/day contradictions: a past-tense event dated after the day the report itself gives.

"Biden told Putin on Thursday …, the White House said Wednesday": in news style a bare weekday means the
nearest such day, so an event on the day after the report is still to come, and "told" must be
"will tell". MT systems produce this when the source language marks tense only by context.

The evidence is kept narrow, because a false alarm costs as much as a miss:
- the report day comes from a reporting verb followed by a weekday ("said Wednesday", "announced on
  Monday") in the same sentence as the event;
- the event is an unambiguous simple-past verb (lemminflect), a few words before "on <weekday>", with no
  clause break, modal or "to" between;
- the event day is the day after the report (``days-ahead``), or up to ``corroborated-days-ahead`` days
  after when the same article elsewhere puts a future event on that weekday ("will take place on
  Thursday").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from lemminflect import getInflection

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix, Source
from cleaner.lexicon import WEEKDAYS, past_tense_lemma
from cleaner.ruleset import Rule

_DAY = "|".join(WEEKDAYS)
_REPORT = re.compile(
    rf"\b(?:said|says|announced|announces|reported|reports|stated|states|confirmed|confirms|added|adds"
    rf"|told reporters|wrote|writes)\s+(?:on\s+)?(?P<day>{_DAY})\b"
)
_DATED = re.compile(rf"\bon\s+(?P<day>{_DAY})\b(?!\s*,?\s*(?:\d|[A-Z][a-z]+\s+\d))")
_FUTURE = re.compile(
    rf"\b(?:will|shall|'ll|is to|are to|scheduled|planned|set to|expected to|due to)\b"
    rf"[^.!?\n]{{0,60}}?\bon\s+(?P<day>{_DAY})\b"
)
_WORD = re.compile(r"[A-Za-z’']+")
_CLAUSE_BREAK = re.compile(r"[,;:—–()“”\"]")
_STOP_WORDS = frozenset(
    [
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "to",
        "is",
        "are",
        "am",
        "be",
        "'ll",
    ]
)
_AUXILIARIES = frozenset(
    ["had", "has", "have", "having", "was", "were", "been", "being", "be", "is", "are", "am"]
)


class TenseDayDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "tense-day")
        self.days_ahead = int(self.rule.options.get("days-ahead", 1))
        self.corroborated_days_ahead = int(self.rule.options.get("corroborated-days-ahead", 3))
        self.window = int(self.rule.options.get("window-words", 10))

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        if not _REPORT.search(text):
            return  # no dated report, nothing to contradict: skip the sentence split
        future_days: set[int] | None = None
        for sentence in analysis.sentences:
            body = text[sentence.start : sentence.end]
            reports = list(_REPORT.finditer(body))
            if not reports:
                continue
            report_day = WEEKDAYS.index(reports[0].group("day"))
            report_spans = [match.span("day") for match in reports]
            for dated in _DATED.finditer(body):
                if dated.span("day") in report_spans:
                    continue
                ahead = (WEEKDAYS.index(dated.group("day")) - report_day) % 7
                if ahead == 0 or ahead > max(self.days_ahead, self.corroborated_days_ahead):
                    continue
                if ahead > self.days_ahead:
                    if future_days is None:
                        future_days = _future_days(text)
                    if WEEKDAYS.index(dated.group("day")) not in future_days:
                        continue
                verb = self._event_verb(body, dated.start())
                if verb is None:
                    continue
                yield self._finding(sentence.start, body, verb, dated, reports[0])

    def _event_verb(self, body: str, before: int) -> re.Match[str] | None:
        """The past-tense verb that "on <day>" dates: the nearest one, within the same clause."""
        words = list(_WORD.finditer(body, 0, before))[-self.window :]
        for word in reversed(words):
            if _CLAUSE_BREAK.search(body, word.end(), before):
                return None
            lower = word.group().lower()
            if lower in _STOP_WORDS:
                return None
            if past_tense_lemma(lower):
                return word
        return None

    def _finding(
        self, offset: int, body: str, verb: re.Match[str], dated: re.Match[str], report: re.Match[str]
    ) -> Finding:
        lemma = past_tense_lemma(verb.group())
        assert lemma is not None
        previous = _WORD.findall(body, 0, verb.start())[-1:]
        fixes: tuple[Fix, ...] = ()
        if not previous or previous[0].lower() not in _AUXILIARIES:
            future = f"will {getInflection(lemma, 'VB')[0]}"
            fixes = (Fix(offset + verb.start(), offset + verb.end(), future, Applicability.SAFE),)
        message = self.rule.message.format(
            verb=verb.group(), day=dated.group("day"), report=report.group().strip()
        )
        return Finding(
            rule=self.rule.id,
            category=self.rule.category,
            severity=self.rule.severity,
            message=message,
            start=offset + verb.start(),
            end=offset + dated.end(),
            source=Source.RULES,
            fixes=fixes,
        )


def _future_days(text: str) -> set[int]:
    """Weekdays the article itself puts in the future ("will take place on Thursday")."""
    return {WEEKDAYS.index(match.group("day")) for match in _FUTURE.finditer(text)}
