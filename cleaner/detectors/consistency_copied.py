"""Source text copied into the translation untranslated: "The sanctions gelten ab dem ersten Januar".

An MT system that cannot translate a stretch of text copies it. In a language written in Latin letters
the copy looks like ordinary words, which no monolingual rule sees; with the source at hand it is a run
of the source's own words, in order, inside the English. A run counts when it has at least ``min-words``
words (option), at least half of them not English words (a German source that quotes "we will never give up"
is rightly copied), and not a name or a title (every word but short ones capitalised: "Deutsche
Bahn", "Bundesamt für Strahlenschutz"). Numbers, URLs and tags are not words here. In scripts written
without spaces (Han, kana) a run of ``min-characters`` characters copied from the source counts. No
repair: a translation is for a person to write.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.consistency.calendar import is_unspaced
from cleaner.consistency.segments import AlignedSegment, aligned_segments
from cleaner.detectors import single_rule
from cleaner.findings import Finding
from cleaner.lexicon import is_known_word
from cleaner.ruleset import Rule

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NOT_WORDS = re.compile(r"\S*(?:[\d/@#_]|\.\w)\S*")
"""Tokens with digits, slashes, @, # or inner dots: URLs, addresses, tags, codes ("x.com/UxID9ZGjzm")."""
_UNSPACED_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class CopiedSourceDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "copied-source")
        self.min_words = int(self.rule.options.get("min-words", 3))
        self.min_characters = int(self.rule.options.get("min-characters", 4))

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for aligned in aligned_segments(analysis):
            if aligned.language == "en":
                continue
            offset = aligned.segment.start
            for start, end in (
                *self._word_runs(aligned.source, aligned.target),
                *self._unspaced_runs(aligned),
            ):
                yield self.rule.finding(
                    self.rule.message.format(copied=aligned.target[start:end]), offset + start, offset + end
                )

    def _word_runs(self, source: str, target: str) -> Iterator[tuple[int, int]]:
        source, target = (_NOT_WORDS.sub(lambda m: " " * len(m.group()), text) for text in (source, target))
        source_words = [m.group().lower() for m in _WORD.finditer(source) if not is_unspaced(m.group()[0])]
        target_matches = [m for m in _WORD.finditer(target) if not is_unspaced(m.group()[0])]
        matcher = difflib.SequenceMatcher(
            None, source_words, [m.group().lower() for m in target_matches], False
        )
        for block in matcher.get_matching_blocks():
            if block.size < self.min_words:
                continue
            words = [m.group() for m in target_matches[block.b : block.b + block.size]]
            if all(word[0].isupper() for word in words if len(word) > 3):
                continue  # a name: "Bundesamt für Strahlenschutz"
            if sum(not is_known_word(word) for word in words) * 2 < len(words):
                continue  # mostly English words: a quotation in English, or words both languages share
            yield target_matches[block.b].start(), target_matches[block.b + block.size - 1].end()

    def _unspaced_runs(self, aligned: AlignedSegment) -> Iterator[tuple[int, int]]:
        for match in _UNSPACED_RUN.finditer(aligned.target):
            if len(match.group()) >= self.min_characters and match.group() in aligned.source:
                yield match.span()
