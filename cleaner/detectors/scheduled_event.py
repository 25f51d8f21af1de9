"""A scheduled event narrated as past: the article says the call "will take place on Thursday", and a
later sentence says "Biden and Putin's phone conversation occurred 23 days after their video conference".

MT systems translate each sentence on its own, so a source that marks tense by context alone comes out
with one event both to come and already over. No single sentence is wrong; the article is. The evidence
is kept narrow, because a false alarm costs as much as a miss:

- the schedule: an event noun (the rule's ``events``, grouped by kind: a call and a conversation are one
  kind of event) with a future "occurrence" right after it ("the phone call that will take place on
  Thursday", "the summit, scheduled for Friday,");
- the narration: a simple-past occurrence verb ("occurred", "took place", "was held") whose subject ends
  in an event noun of the same kind, with nothing in its clause that dates it to the past ("yesterday",
  "last week", "in 2019") and no word that makes it another instance ("their previous call");
- the two mentions share a cue: a modifier ("phone call" / "phone conversation") or two names
  ("Biden", "Putin") — an article about talks may mention last year's talks too.

The repair puts the verb in the future ("will take place"); it is ``unsafe``: the schedule may be what is
wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.detectors.tense_words import find_times
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule, RuleError

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CLAUSE_BREAK = re.compile(r"[,;:()—–\"“”]")
_WORD_START = re.compile(r"\b")
"""A word boundary, tested where a match starts: ``re`` reads the character before it there too."""


@dataclass(frozen=True, slots=True)
class _Mention:
    kind: int
    """Index of the event group the noun belongs to."""
    cues: frozenset[str]
    """The noun's modifier (lower case) and the names of its sentence."""
    quote: str


class ScheduledEventDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "scheduled-event")
        options = self.rule.options
        groups = options.get("events", [])
        if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
            raise RuleError(f"{self.rule.origin}: options.events is a list of lists of nouns")
        self.kind_of = {str(noun).lower(): index for index, group in enumerate(groups) for noun in group}
        past = options.get("past-occurrence", {})
        self.future_of = {str(k).lower(): str(v) for k, v in dict(past).items()}
        self.schedule = re.compile(
            r"\b(?:" + "|".join(re.escape(str(m)) for m in options.get("scheduled", [])) + r")\b", re.I
        )
        self.narration = re.compile(
            "(?:" + "|".join(re.escape(k) for k in sorted(self.future_of, key=len, reverse=True)) + r")\b"
        )
        """A past occurrence verb; one that starts a word (``_narrations``). Without a leading ``\\b``,
        ``re`` scans for the verbs' first letters instead of trying the pattern at every character."""
        self.other_instance = frozenset(str(w).lower() for w in options.get("other-instance", []))
        self.subject_words = int(options.get("subject-words", 6))

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        """Narrations first: they are rare (a past occurrence verb after an event noun), and a text
        without one needs no search for schedules, a case-insensitive alternation tried at every
        character, nor a split into sentences: a narration's sentence is found around it."""
        text = analysis.text
        if not any(verb in text for verb in self.future_of):
            return  # the common case: no past occurrence verb, found by substring searches alone
        narrated: list[tuple[re.Match[str], _Mention]] = []
        dated: dict[int, bool] = {}  # by sentence start: dated to the past by a time of its own
        for match in self._narrations(text):
            sentence = analysis.sentence_at(match.start())
            if sentence.start not in dated:
                dated[sentence.start] = bool(find_times(text[sentence.start : sentence.end]))
            if dated[sentence.start]:
                continue  # "took place last week": dated to the past by the sentence itself
            mention = self._mention(text, sentence.start, match, None, scheduled=False)
            if mention is not None:
                narrated.append((match, mention))
        if not narrated:
            return
        scheduled: list[_Mention] = []
        for sentence in analysis.sentences():
            names: frozenset[str] | None = None
            for match in self.schedule.finditer(text, sentence.start, sentence.end):
                names = _names(text, sentence.start, sentence.end) if names is None else names
                mention = self._mention(text, sentence.start, match, names, scheduled=True)
                if mention is not None:
                    scheduled.append(mention)
        for match, mention in narrated:
            for plan in scheduled:
                if plan.kind == mention.kind and _shared(plan.cues, mention.cues):
                    yield self._finding(text, match, plan)
                    break

    def _narrations(self, text: str) -> Iterator[re.Match[str]]:
        """The matches ``re.finditer(r"\\b" + self.narration.pattern, text)`` finds: the leftmost match
        of ``narration`` that starts a word, again and again after the end of the last one; where the
        leftmost match starts inside a word, the search goes on one character further."""
        at = 0
        while (match := self.narration.search(text, at)) is not None:
            if _WORD_START.match(text, match.start()) is None:
                at = match.start() + 1
                continue
            yield match
            at = match.end()

    def _mention(
        self, text: str, floor: int, match: re.Match[str], names: frozenset[str] | None, *, scheduled: bool
    ) -> _Mention | None:
        """The event noun whose occurrence ``match`` states: the last noun of the words just before it,
        within the clause ("the phone call that will take place", "the conversation occurred").

        A schedule's cues are the names of its whole sentence ("the call … between Biden and Putin"); a
        narration's only those of its subject ("Biden and Putin's phone conversation occurred"), when
        ``names`` is None."""
        before = text[floor : match.start()]
        clause_break = max((m.end() for m in _CLAUSE_BREAK.finditer(before)), default=0)
        words = list(_WORD.finditer(text, floor + clause_break, match.start()))[-self.subject_words :]
        if scheduled:
            # the nearest event noun: "the phone call that will take place", "the summit between Macron
            # and Scholz is scheduled"
            nouns = [i for i, w in enumerate(words) if w.group().lower() in self.kind_of]
            if not nouns:
                return None
            words = words[: nouns[-1] + 1]
        elif not words or any(w.group().lower() in self.other_instance for w in words):
            return None
        noun = words[-1].group().lower()
        if noun not in self.kind_of:
            return None
        modifier = words[-2].group() if len(words) > 1 else ""
        if names is None:
            names = frozenset(
                _name(w.group())
                for w in words
                if w.group()[:1].isupper() and w.group().lower() not in _DETERMINERS
            )
        cues = names | ({modifier} if modifier.islower() and modifier not in _DETERMINERS else set())
        quote = text[words[-2 if modifier in cues else -1].start() : match.end()]
        return _Mention(self.kind_of[noun], frozenset(cues), quote)

    def _finding(self, text: str, match: re.Match[str], plan: _Mention) -> Finding:
        verb = match.group()
        future = self.future_of[verb.lower()]
        message = self.rule.message.format(verb=verb, plan=plan.quote)
        return self.rule.finding(
            message,
            match.start(),
            match.end(),
            (Fix(match.start(), match.end(), future, Applicability.UNSAFE),),
        )


_DETERMINERS = frozenset("the a an their his her its our your this that these those".split())


def _names(text: str, start: int, end: int) -> frozenset[str]:
    """Capitalised words of a sentence, but its first word (capitalised by position, not by name)."""
    words = _WORD.findall(text, start, end)
    return frozenset(_name(w) for w in words[1:] if w[:1].isupper())


def _name(word: str) -> str:
    return word.removesuffix("’s").removesuffix("'s")


def _shared(plan: frozenset[str], narration: frozenset[str]) -> bool:
    """A shared modifier, or two shared names: the same event, not another of its kind."""
    common = plan & narration
    return any(cue.islower() for cue in common) or len(common) >= 2
