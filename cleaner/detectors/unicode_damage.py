"""Unicode damage, found by ftfy rather than hand-written tables: mojibake, control characters,
full-width punctuation, ligatures and HTML entities left in plain text.

Each line is run through ftfy with the options that keep an article's legitimate typography (curly
quotes, line endings, Unicode normalisation form); every place where ftfy would change the line becomes
one finding, with ftfy's result as a safe repair.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence

import ftfy

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix, Source
from cleaner.ruleset import Rule

_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, normalization=None, explain=True)
_MOJIBAKE = "mojibake (text decoded with the wrong encoding)"
_STEP_NAMES = {
    "decode_inconsistent_utf8": _MOJIBAKE,
    "replace_lossy_sequences": _MOJIBAKE,
    "restore_byte_a0": _MOJIBAKE,
    "remove_control_chars": "control character",
    "remove_terminal_escapes": "terminal escape code",
    "fix_character_width": "full-width character",
    "fix_latin_ligatures": "ligature",
    "unescape_html": "HTML entity",
    "fix_surrogates": "broken surrogate pair",
}
_MAYBE_DAMAGED = re.compile(r"[^\t\n\r\x20-\x7e]|&[#\w]+;")


class UnicodeDamageDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "unicode-damage")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        text = analysis.text
        offset = 0
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            if _MAYBE_DAMAGED.search(body):
                yield from self._check_line(offset, body)
            offset += len(line)

    def _check_line(self, offset: int, line: str) -> Iterator[Finding]:
        fixed, steps = ftfy.fix_and_explain(line, config=_CONFIG)
        if fixed == line:
            return
        kinds = sorted(
            _STEP_NAMES[name] if kind == "apply" and name in _STEP_NAMES else _MOJIBAKE
            for kind, name in steps or [("encode", "")]
        )
        matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            yield Finding(
                rule=self.rule.id,
                category=self.rule.category,
                severity=self.rule.severity,
                message=self.rule.message.format(
                    kind=" / ".join(dict.fromkeys(kinds)),
                    found=visible(line[i1:i2]),
                    repaired=visible(fixed[j1:j2]) if j2 > j1 else "nothing",
                ),
                start=offset + i1,
                end=offset + i2,
                source=Source.RULES,
                fixes=(Fix(offset + i1, offset + i2, fixed[j1:j2], Applicability.SAFE),),
            )


def visible(text: str) -> str:
    """Text for a message, with characters a terminal would not show written as U+XXXX."""
    return "".join(char if char.isprintable() and char != "\u00a0" else f"U+{ord(char):04X}" for char in text)
