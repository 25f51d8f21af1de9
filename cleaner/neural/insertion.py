"""Proposing the link word a translation dropped where it broke a sentence, as a last, unsafe candidate.

Many sentences that MT systems break with a full stop lost a word there as well ("close to the
beach. great value for families" for "the beach, a great value"): joining at the stop alone leaves
them ungrammatical. Where a rule found a broken boundary, the language model proposes the one word
that best joins the two parts, from the closed classes such a word comes from (articles, conjunctions,
relatives, prepositions: ``word_classes.yaml``):

1. the model's own next-token alternatives after the words before the stop (with and without a comma)
   give the words worth trying, and the articles are always tried;
2. each is put between the two parts (a few words either side) and scored with what follows, which is
   what decides "an" against "a" or "when" against "if";
3. the best word is offered with and without a comma before it; the ranker keeps each only where the
   model reads the whole sentence as more probable with it than with every candidate of the rule.

On the labelled dev set a word is offered for 6 of the 56 found artefacts, and is the labelled repair
for 2 of the 12 whose label restores dropped words (most restore several), never where only the stop
was wrong (``bench/ranking.py --insertions``); the model's margin does not tell the right proposals
from the wrong ones. So a proposal is only ever a candidate for review: ``unsafe`` (it adds a word),
placed after every candidate of the rule and never moved ahead of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from cleaner.findings import Applicability, Category, Finding, Fix
from cleaner.lexicon import lower_common, word_class
from cleaner.neural.models import LanguageModel

LINK_CLASSES = ("articles", "coordinators", "subordinators", "relatives", "prepositions")
ALTERNATIVES = 60
"""Next-token alternatives asked of the model after the words before the stop: enough that the usual
link words are among them, few enough to cost one decoding step."""
TRIED = 5
"""Link words the model proposes per separator (none, comma) that are scored with what follows the stop.
The articles are always scored as well: "a" or "an" depends on the next word, which the proposals do not
see."""
CONTEXT = (8, 4)
"""Words before the stop and after it that the proposals are scored on: the clause around the gap."""
CATEGORIES = (Category.BROKEN_SENTENCE, Category.CASING)
"""Findings at a full stop that may have split a sentence: a broken boundary, or a sentence start that
lost its capital (where the rule offers a join too)."""
SEPARATORS = ("", ",")
_BOUNDARY = re.compile(r"(?<=[^\W\d_])\.[ \t]+(?=(?P<next>[^\W\d_][\w’'-]*))")


@cache
def link_words() -> frozenset[str]:
    """Words that may join two halves of a broken sentence; not those that negate (the meaning guard
    would refuse them) or are spelt as phrases in the data file."""
    words = frozenset().union(*(word_class(name) for name in LINK_CLASSES))
    return frozenset(word for word in words if word.isalpha() and word not in ("nor", "lest"))


class WordInsertion:
    def __init__(self, model: LanguageModel) -> None:
        self.model = model

    def propose(self, text: str, findings: Sequence[Finding]) -> list[list[Fix]]:
        """For each finding, the insertion candidates at its boundary (none for a finding without one)."""
        gaps = [self._gap(text, finding) for finding in findings]
        wanted = [gap for gap in gaps if gap is not None]
        best = dict(zip(wanted, self._best_words(text, wanted), strict=True))
        proposals = []
        for gap in gaps:
            found = best.get(gap) if gap is not None else None
            if gap is None or found is None:
                proposals.append([])
                continue
            stop, following = gap
            word, separator = found
            first = lower_common(text[following : _word_end(text, following)])[:1]
            proposals.append(
                [
                    Fix(stop, following + 1, f"{each} {word} {first}", Applicability.UNSAFE)
                    for each in sorted(SEPARATORS, key=lambda each: each != separator)
                ]
            )
        return proposals

    @staticmethod
    def _gap(text: str, finding: Finding) -> tuple[int, int] | None:
        """The stop and the start of the word after it, for a finding at a broken boundary."""
        if finding.category not in CATEGORIES or not finding.fixes:
            return None
        match = _BOUNDARY.search(text, max(0, finding.start - 1), finding.end)
        if match is None or match.start() < finding.start - 1 or match.start("next") >= finding.end:
            return None
        return match.start(), match.start("next")

    def _best_words(self, text: str, gaps: list[tuple[int, int]]) -> list[tuple[str, str] | None]:
        """Per gap, the link word the model finds best between the two parts and the separator before it
        that it likes best there, or None."""
        if not gaps:
            return []
        contexts = [_context(text, stop, following) for stop, following in gaps]
        prompts = [left + separator for left, _ in contexts for separator in SEPARATORS]
        tried = self._next_words(prompts)
        texts, owners = [], []
        for index, (left, right) in enumerate(contexts):
            for offset, separator in enumerate(SEPARATORS):
                for word in tried[index * len(SEPARATORS) + offset]:
                    texts.append(f"{left}{separator} {word} {right}")
                    owners.append((index, word, separator))
        best: list[tuple[float, tuple[str, str] | None]] = [(float("-inf"), None)] * len(gaps)
        for (index, word, separator), score in zip(
            owners, self.model.score(texts) if texts else [], strict=True
        ):
            if score > best[index][0]:
                best[index] = (score, (word, separator))
        return [found for _, found in best]

    def _next_words(self, prompts: list[str]) -> list[list[str]]:
        """The link words among the model's likeliest next tokens after each prompt, likeliest first."""
        model = self.model
        batch = [[model.start_token, *model.tokenizer.tokens(prompt)] for prompt in prompts]
        results = model.generator.generate_batch(
            batch,
            max_length=1,
            return_alternatives=True,
            num_hypotheses=ALTERNATIVES,
            include_prompt_in_result=False,
        )
        links = link_words()
        found = []
        for result in results:
            words = []
            for sequence in result.sequences:
                word = sequence[0].lstrip("Ġ▁ ") if sequence else ""
                if word in links and word not in words and sequence[0] != word:
                    words.append(word)
            articles = [word for word in sorted(word_class("articles")) if word not in words[:TRIED]]
            found.append([*words[:TRIED], *articles])
        return found


def _word_end(text: str, start: int) -> int:
    match = re.compile(r"[\w’'-]+").match(text, start)
    return match.end() if match else start


def _context(text: str, stop: int, following: int) -> tuple[str, str]:
    """A few words before the stop, and a few after it with the first one's capital dropped if it may
    be (the join's lower case), within the line."""
    line_start = text.rfind("\n", 0, stop) + 1
    line_end = text.find("\n", following)
    before = text[line_start:stop].split()[-CONTEXT[0] :]
    after = text[following : len(text) if line_end == -1 else line_end].split()[: CONTEXT[1]]
    if after:
        after[0] = lower_common(after[0])
    return " ".join(before), " ".join(after)
