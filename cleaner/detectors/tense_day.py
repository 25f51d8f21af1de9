"""Tense/day contradictions: an event whose weekday and tense disagree with the day of the report.

"Biden told Putin on Thursday …, the White House said Wednesday": in news style a bare weekday means the
nearest such day, so an event on the day after the report is still to come, and "told" should be "will
tell" — or the day is wrong. The mirror: "the ministers will meet on Friday, the ministry said on
Saturday" puts a future event on the day before the report. MT systems produce both when the source
language marks tense only by context or writes dates that the system turns into weekdays.

The report is found by its shape, for any reporting verb and subject: a reporting verb (the rule's
``reporting-verbs``, with every inflection from lemminflect) and its weekday, with at most an object
("told reporters", for the rule's ``object-verbs``) or a prepositional phrase ("said in a statement")
between. A sentence can hold several such phrases — "He told reporters on Friday that …, the agency said
Thursday" — and the one that dates the others is the attribution set off by a comma; without one, the
first. Every other dated verb of the sentence is an event against it.

The evidence is kept narrow, because a false alarm costs as much as a miss:
- the event verb is the nearest verb group before its weekday, in the same clause (``tense_words``), a
  simple past ("told", "was arrested") or a future ("will meet");
- a past event is flagged on the day after the report (``days-ahead``), or up to
  ``corroborated-days-ahead`` days after when the same article elsewhere puts a future event on that
  weekday ("will take place on Thursday"); a future event on the day before the report;
- weekdays with a date ("Thursday, March 3") or a determiner ("last Thursday") are not bare weekdays,
  nor are weekdays that words beside them put in another week ("Thursday of last week", "a week ago
  Thursday", "Thursday before last": the rule's ``other-week-words``).

Repairs change the tense and are ``unsafe``: the day may be what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.detectors.tense_words import (
    MODALS,
    PREPOSITIONS,
    Tense,
    Token,
    VerbGroup,
    clause_words,
    determiners,
    is_adverb,
    is_boundary,
    is_unambiguous_finite_or_participle,
    modifier_words,
    past_repairs,
    tokenize,
    verb_follows,
    verb_groups,
    verb_lemma,
)
from cleaner.findings import Applicability, Finding, Fix
from cleaner.lexicon import MONTHS, WEEKDAYS, inflection, past_tense_lemma, word_lemmas
from cleaner.ruleset import Rule

_DAY = "|".join(WEEKDAYS)
_ANY_DAY = re.compile(rf"\b(?:{_DAY})\b")
_FUTURE = re.compile(
    rf"\b(?:will|shall|'ll|is to|are to|scheduled|planned|set to|expected to|due to)\b"
    rf"[^.!?\n]{{0,60}}?\bon\s+(?P<day>{_DAY})\b"
)
_DATE_AFTER = re.compile(rf"\s*[,(]?\s*(?:\d|(?:{'|'.join(MONTHS)}|[A-Z][a-z]{{2}}\.?)\s+\d)")
_NOT_BARE = frozenset(["last", "coming", "past"])
_TIME_OF_DAY = frozenset(["late", "early"])
_OPENS_CLAUSE = frozenset(["that", "which", "who", "when", "where", "while", "and", "but", "or", "if", "as"])
_PASSIVE_AUX = frozenset(["was", "were"])
_OTHER_AUX = frozenset(
    "had has have having been being be is are am do does did hadn't hasn't haven't didn't".split()
)


@dataclass(frozen=True, slots=True)
class _Dated:
    """A weekday that dates a verb: its token index and the weekday's number (Monday is 0)."""

    index: int
    day: int


@dataclass(frozen=True, slots=True)
class _Report:
    verb: int
    dated: _Dated
    after_comma: bool


class TenseDayDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "tense-day")
        options = self.rule.options
        self.days_ahead = int(options.get("days-ahead", 1))
        self.corroborated_days_ahead = int(options.get("corroborated-days-ahead", 3))
        self.window = int(options.get("window-words", 10))
        self.report_gap = int(options.get("report-gap-words", 6))
        self.reporting = _verb_forms(options.get("reporting-verbs", ["say"]))
        self.object_verbs = _verb_forms(options.get("object-verbs", ["tell"]))
        self.other_week = frozenset(str(word) for word in options.get("other-week-words", []))
        self.other_week_reach = int(options.get("other-week-reach-words", 3))

    def _dated(self, text: str, tokens: list[Token], index: int) -> _Dated | None:
        """A bare weekday that dates a verb (``_dated``), unless words next to it put it in another week
        than the report's ("Thursday of last week", "a week ago Thursday", "Thursday before last"):
        then it is not the nearest such day, and its distance from the report cannot be told."""
        dated = _dated(text, tokens, index)
        if dated is None:
            return None
        reach = self.other_week_reach
        for step in (-1, 1):
            near = index + step
            while 0 <= near < len(tokens) and abs(near - index) <= reach and tokens[near].is_word:
                word = tokens[near].lower
                if word in self.other_week:
                    return None
                if word in _OPENS_CLAUSE:
                    break  # "on Thursday that last year's talks …": another clause's time
                near += step
        return dated

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        if text.count("day") < 2 or sum(text.count(day) for day in WEEKDAYS) < 2:
            return  # a report and an event need two weekdays: skip the sentence split (counts are cheap)
        future_days: set[int] | None = None
        for sentence in analysis.sentences():
            if len(_ANY_DAY.findall(text, sentence.start, sentence.end)) < 2:
                continue
            tokens = tokenize(text, sentence.start, sentence.end)
            dated = [d for d in (self._dated(text, tokens, i) for i in range(len(tokens))) if d is not None]
            reports = [r for r in (self._report(tokens, d) for d in dated) if r is not None]
            if not reports:
                continue
            report = next((r for r in reversed(reports) if r.after_comma), reports[0])
            for event in dated:
                if event.index == report.dated.index:
                    continue
                ahead = (event.day - report.dated.day) % 7
                group = self._event_group(tokens, event.index)
                if group is None:
                    continue
                if group.tense is Tense.FUTURE:
                    if not 1 <= 7 - ahead <= self.days_ahead:
                        continue
                elif not 1 <= ahead <= max(self.days_ahead, self.corroborated_days_ahead):
                    continue
                elif ahead > self.days_ahead:
                    if future_days is None:
                        future_days = {WEEKDAYS.index(m.group("day")) for m in _FUTURE.finditer(text)}
                    if event.day not in future_days:
                        continue
                yield self._finding(text, tokens, group, event, report)

    def _report(self, tokens: list[Token], dated: _Dated) -> _Report | None:
        """The reporting phrase that ``dated`` closes ("said Thursday", "told reporters on Friday",
        "said in a statement on Monday"), or None."""
        first_word = dated.index - 1 if tokens[dated.index - 1].lower == "on" else dated.index
        if first_word > 0 and tokens[first_word - 1].lower in _TIME_OF_DAY:
            first_word -= 1
        between: list[Token] = []
        index = first_word - 1
        while index >= 0 and len(between) <= self.report_gap:
            token = tokens[index]
            if token.lower in self.reporting:
                break
            if is_boundary(tokens, index) or is_unambiguous_finite_or_participle(token.text):
                return None
            between.insert(0, token)
            index -= 1
        else:
            return None
        if index > 0 and tokens[index - 1].lower in determiners():
            return None  # "in a post on Monday", "the report on Friday": a noun, not a reporting verb
        verb = tokens[index].lower
        if between and verb not in self.object_verbs and between[0].lower not in PREPOSITIONS:
            return None  # "said the meeting on Friday was …": the weekday dates the meeting
        start = index
        while start > 0 and not is_boundary(tokens, start - 1):
            start -= 1
        after_comma = start > 0 and tokens[start - 1].text == "," and index - start <= 8
        return _Report(index, dated, after_comma)

    def _event_group(self, tokens: list[Token], day_index: int) -> VerbGroup | None:
        """The simple-past or future verb group that the weekday at ``day_index`` dates, if any."""
        end = day_index - 1 if tokens[day_index - 1].lower == "on" else day_index
        start = end
        while start > 0 and not is_boundary(tokens, start - 1) and end - start < self.window:
            start -= 1
        groups = verb_groups(tokens, start, end)
        if not groups or verb_follows(tokens, day_index + 1):
            return None
        group = groups[-1]
        if group.tense is Tense.FUTURE:
            return group
        word = tokens[group.last].text
        if word.lower() in _DID and group.first == group.last:
            return _negated(tokens, group.first, end)
        if word.lower() in MODALS or past_tense_lemma(word) is None:
            return None  # "would tell Putin on Thursday" is a future seen from the past: right
        if group.tense is not Tense.OTHER or group.first != group.last:
            return None
        previous = tokens[group.first - 1].lower if group.first > 0 else ""
        if word.lower() in _PASSIVE_AUX and group.last + 1 < end and tokens[group.last + 1].lower == "not":
            return VerbGroup(Tense.OTHER, group.first, group.last + 1)  # "was not at the talks on Tuesday"
        if previous == "not" and group.first > 1:  # "was not arrested on Tuesday"; "had not met": relative
            aux = group.first - 2
            return VerbGroup(Tense.OTHER, aux, group.last) if tokens[aux].lower in _PASSIVE_AUX else None
        if previous in _PASSIVE_AUX:
            return VerbGroup(Tense.OTHER, group.first - 1, group.last)  # "was arrested on Tuesday"
        if previous in _OTHER_AUX:
            return None  # "had met on Tuesday" is relative to another past time
        return group

    def _finding(
        self, text: str, tokens: list[Token], group: VerbGroup, event: _Dated, report: _Report
    ) -> Finding:
        start, end = tokens[group.first].start, tokens[group.last].end
        day = tokens[event.index]
        if group.tense is Tense.FUTURE:
            repairs = past_repairs(tokens, group)
            tense, relation = "future", "has already passed"
        else:
            modal = "would" if report.verb < group.first else "will"
            participle = tokens[group.last].text
            did = tokens[group.first].lower
            if did in _DID:  # "did not meet" -> "will not meet", "didn't attend" -> "won't attend"
                aux = {"did": modal, "didn't": f"{modal}n't".replace("willn't", "won't")}[did]
                repairs = [" ".join([aux, *(t.text for t in tokens[group.first + 1 : group.last + 1])])]
            elif group.first != group.last:  # "was (not) arrested" -> "will (not) be arrested"
                words = [token.text for token in tokens[group.first + 1 : group.last + 1]]
                negation = ["not"] if "not" in words else []
                repairs = [" ".join([modal, *negation, "be", *(w for w in words if w != "not")])]
            else:
                lemma = past_tense_lemma(participle)
                repairs = [f"{modal} {inflection(lemma, 'VB')[0]}"] if lemma else []
            if tokens[group.first].text[:1].isupper():
                repairs = [repair[:1].upper() + repair[1:] for repair in repairs]
            tense, relation = "past tense", "is still to come"
        report_text = text[tokens[report.verb].start : tokens[report.dated.index].end]
        message = self.rule.message.format(
            verb=text[start:end], tense=tense, day=day.text, report=report_text, relation=relation
        )
        return self.rule.finding(
            message,
            start,
            day.end,
            tuple(Fix(start, end, repair, Applicability.UNSAFE) for repair in repairs),
        )


_DID = frozenset(("did", "didn't"))


def _negated(tokens: list[Token], did: int, end: int) -> VerbGroup | None:
    """The negated simple past that starts at ``tokens[did]`` ("did not meet", "didn't even attend"), up
    to its base form before ``end``; None for any other "did" ("did so", "did it")."""
    first = did + 1
    if tokens[did].lower == "did":
        if first >= end or tokens[first].lower != "not":
            return None
        first += 1
    for index in range(first, min(end, first + 3)):  # adverbs between: "did not even meet"
        token = tokens[index]
        if not token.is_word:
            return None
        adverb = "ADV" in word_lemmas(token.lower)
        if verb_lemma(token.text, "VB") and not adverb:
            return VerbGroup(Tense.OTHER, did, index)
        if not adverb and not is_adverb(token.text):
            return None
    return None


def _verb_forms(lemmas: Sequence[str]) -> frozenset[str]:
    """Every finite form of the verbs named in a rule's options ("tell" -> tell, tells, told)."""
    forms = set()
    for lemma in lemmas:
        for tag in ("VBD", "VBZ", "VBP"):
            forms.update(inflection(str(lemma), tag))
    return frozenset(forms)


def _dated(text: str, tokens: list[Token], index: int) -> _Dated | None:
    """A weekday at ``tokens[index]`` that dates a verb: "on Thursday", or a bare "Thursday" after a
    lower-case word ("said Thursday", "met late Tuesday"); not "last Thursday", "Good Friday",
    "Thursday's", nor a weekday followed by its date."""
    token = tokens[index]
    if token.text not in WEEKDAYS or index == 0:
        return None
    previous = tokens[index - 1]
    if _DATE_AFTER.match(text, token.end):
        return None
    if previous.lower == "on":
        return _Dated(index, WEEKDAYS.index(token.text))
    if not previous.is_word or not previous.text.islower():
        return None
    if previous.lower in determiners() or previous.lower in _NOT_BARE:
        return None
    if (
        previous.lower in PREPOSITIONS
        or previous.lower in modifier_words()
        or previous.lower in clause_words()
    ):
        return None  # "until Thursday", "by Friday": a bound, not the event's day
    return _Dated(index, WEEKDAYS.index(token.text))
