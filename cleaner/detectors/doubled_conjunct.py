"""The same word or two on both sides of "and" or "or": "the supply of food and food.", "timeless and
timeless", where a translation lost one of the two things it joins.

What counts as English's own repetition is ``lexicon.is_idiomatic_repeat``'s and the rule file's to
say. This is code for speed alone: as a pattern the rule is tried at every word of every line that
holds an "and" (a back-reference must follow the word it repeats), half again the cost of all other
rules on news text; here the conjunctions are found first, by one scan that ``re`` runs over spaces,
and only the words on either side of each are compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.detectors.patterns import clause_before
from cleaner.findings import Finding
from cleaner.lexicon import is_idiomatic_repeat
from cleaner.ruleset import Rule

_CONJUNCTION = re.compile(r"[ \t](?:and|or)[ \t]+(?=[a-z])")
"""Opens with a space, so that ``re`` looks only at spaces (a lookbehind first is tried everywhere)."""
_WORD = r"[a-z](?:[a-z]|-(?=[a-z])){2,}"
_AFTER = re.compile(rf"(?P<one>{_WORD})(?![\w'’-])(?:[ \t]+(?P<two>{_WORD})(?![\w'’-]))?")
"""One or two lower-case words of three letters or more (hyphens inside), right after the conjunction."""
_ENDS = re.compile(r"[ \t]*(?:[.,;:!?)\"”]|\r?\n|$)")
"""What must follow the pair: a repeated modifier with its noun after it ("wool and wool manufactures",
"partners and partners in diplomacy") is sound English."""
_CHAINED = re.compile(r"[ \t]+(?:and|or)\b")
_WORD_CHAR = re.compile(r"[\w'’-]")


class DoubledConjunctDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "doubled-conjunct")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        for conjunction in _CONJUNCTION.finditer(text):
            after = _AFTER.match(text, conjunction.end())
            if after is None:
                continue
            two_words = after.end("two") if after["two"] is not None else -1
            for end in (two_words, after.end("one")):  # two words first, as "food security and food security"
                if end < 0:
                    continue
                repeated = text[conjunction.end() : end]
                before = conjunction.start()
                while before > 0 and text[before - 1] in " \t":
                    before -= 1
                start = before - len(repeated)
                if (
                    text[start:before] == repeated
                    and (start == 0 or not _WORD_CHAR.match(text, start - 1))
                    and not _CHAINED.match(text, end)
                    and _ENDS.match(text, end)
                    and not is_idiomatic_repeat(clause_before(text, end))
                ):
                    pair = text[start:end]
                    yield self.rule.finding(self.rule.message.format(conjuncts=pair), start, end)
                    break
