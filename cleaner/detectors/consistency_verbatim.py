"""URLs, e-mail addresses, @handles and #hashtags (and placeholders like "#Product1#") that the source
gives and the translation lost or altered: they must be copied, never translated.

Only tokens in ASCII are compared: a hashtag in Chinese is meant to be translated. A token counts as kept
when the target has it verbatim (a URL also without its trailing slash). An altered token, one in the
target that differs only in case or by a character or two, gets the source's token as an unsafe repair.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence

from cleaner.analysis import TextAnalysis
from cleaner.consistency.segments import aligned_segments
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule

_TOKEN = re.compile(
    r"""(?:https?://|www\.)[^\s<>"“”()（）]*[^\s<>"“”()（）.,;:!?、。，]   # URLs
    | [A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+   # e-mail addresses
    | (?<![A-Za-z0-9_@#.])@[A-Za-z_][A-Za-z0-9_]{1,30}             # @handles
    | (?<![A-Za-z0-9_#&])\#[A-Za-z_][A-Za-z0-9_]*\#?              # hashtags and #placeholders#""",
    re.VERBOSE,
)
_SIMILAR = 0.8
"""How alike (difflib's ratio) a target token must be to a lost one to be taken for it, altered."""


class VerbatimMissingDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "verbatim-missing")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        for aligned in aligned_segments(analysis):
            wanted = dict.fromkeys(m.group() for m in _TOKEN.finditer(aligned.segment.source))
            if not wanted:
                continue
            written = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(aligned.target)]
            offset = aligned.segment.start
            for token in wanted:
                if token in aligned.target or token.rstrip("/") in aligned.target:
                    continue
                altered = max(
                    written,
                    key=lambda w: difflib.SequenceMatcher(None, w[0].lower(), token.lower()).ratio(),
                    default=None,
                )
                if (
                    altered
                    and difflib.SequenceMatcher(None, altered[0].lower(), token.lower()).ratio() >= _SIMILAR
                ):
                    start, end = offset + altered[1], offset + altered[2]
                    fixes = (Fix(start, end, token, Applicability.UNSAFE),)
                    detail = f"the translation has {altered[0]}"
                else:
                    stripped = aligned.target.strip()
                    start = offset + (aligned.target.find(stripped[:1]) if stripped else 0)
                    end, fixes, detail = start + len(stripped), (), "the translation does not have it"
                yield self.rule.finding(
                    self.rule.message.format(token=token, detail=detail), start, end, fixes
                )
