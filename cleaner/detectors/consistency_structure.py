"""A translation built differently from its source: a sentence split by a stray full stop, and quotes or
brackets that the source pairs but the translation leaves open.

Machine translation may split a long sentence in two, so more sentences than the source is no error by
itself. A stop is reported only where the translation has more sentences than its source and the English
at the stop cannot be a sentence boundary: the word after it goes on in lower case, or the word before
it is one no sentence ends on ("the", "of", "and"). A news agency's credit or a sign-off ("dpa", "thx")
after the last stop is no continuation. The stop is removed in the first repair; a real boundary whose
next sentence lost its capital gets the capital in the second. Segments whose sentences open in lower case
throughout are left alone: there, the case of a word says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.consistency.segments import aligned_segments
from cleaner.consistency.structure import PAIRS, is_balanced, sentence_count, unpaired
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.lexicon import is_abbreviated, is_credit, lower_common
from cleaner.ruleset import Rule

_STOP = re.compile(r"(?<![.\w])(?P<before>[A-Za-z][A-Za-z’'-]*)\.[ \t]+(?P<next>[A-Za-z][A-Za-z’'-]*)")
"""A full stop between two words: where an extra sentence of the translation may begin."""
_ENDS_NOTHING = ("a", "an", "the", "my", "your", "his", "its", "our", "their", "of", "and", "or")
"""Words a sentence cannot end on (see broken-sentence.dangling-function-word)."""


class SentenceCountDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "sentence-count")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        if not analysis.is_cased:
            return
        for aligned in aligned_segments(analysis):
            target_count = sentence_count(aligned.target, lower_case_continues=False)
            extra = target_count - sentence_count(aligned.source)
            if extra < 1:
                continue
            offset = aligned.segment.start
            splits = [
                match
                for match in _STOP.finditer(aligned.target)
                if not is_abbreviated(match["before"])
                and not is_credit(match["next"])
                and not analysis.is_protected(offset + match.end("before"), offset + match.end("before") + 1)
                and (match["next"][0].islower() or match["before"].lower() in _ENDS_NOTHING)
            ]
            if not splits or len(splits) > extra:
                continue
            for match in splits:
                before, after = match["before"], match["next"]
                joined = after if after[0].islower() else lower_common(after)
                start, end = offset + match.start(), offset + match.end()
                yield self.rule.finding(
                    self.rule.message.format(before=before, next=after),
                    start,
                    end,
                    (
                        Fix(start, end, f"{before} {joined}", Applicability.UNSAFE),
                        Fix(start, end, f"{before}. {after[0].upper()}{after[1:]}", Applicability.UNSAFE),
                    ),
                )


def _name(char: str) -> str:
    """What the lone character is, for the message: "an opening bracket", "a closing quotation mark"."""
    if char == '"':
        return "a quotation mark"
    side = "an opening" if any(char == pair.opener for pair in PAIRS) else "a closing"
    return f"{side} {'quotation mark' if char in '«»「」『』“”' else 'bracket'}"


class UnbalancedQuotesDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "unbalanced-quotes")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for aligned in aligned_segments(analysis):
            lone = unpaired(aligned.target)
            if not lone or not is_balanced(aligned.source):
                continue
            for position, char in lone:
                start = aligned.segment.start + position
                yield self.rule.finding(
                    self.rule.message.format(char=char, what=_name(char)), start, start + 1
                )
