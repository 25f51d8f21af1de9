"""Unicode damage, found by ftfy rather than hand-written tables: mojibake, control characters,
full-width punctuation, ligatures and HTML entities left in plain text.

Each line is run through ftfy with the options that keep an article's legitimate typography (curly
quotes, line endings, Unicode normalisation form); every place where ftfy would change the line becomes
one finding, with ftfy's result as a safe repair, unless the repair removes a quotation mark (a real
closing quote after a capital reads as mojibake too: "“AMANHÃ”"), which is for review. Full-width
punctuation inside Chinese, Japanese or Korean text is that text's own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.findings import Applicability, Finding, Fix
from cleaner.ruleset import Rule

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
TYPOGRAPHY = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026"
"""Curly quotes, en and em dashes, the ellipsis: what a clean English article holds beyond ASCII. ftfy
(configured as below) leaves them alone: mixed only with ASCII they spell no UTF-8 sequence in any
encoding it re-decodes, so they cannot be mojibake (tests/test_speed_startup.py checks every short mix)."""
_MAYBE_DAMAGED = re.compile(rf"[^\t\n\r\x20-\x7e{TYPOGRAPHY}]|&[#\w]+;")
_PLAIN_ASCII = bytes(
    code for code in range(128) if chr(code) in "\t\n\r" or (0x20 <= code <= 0x7E and chr(code) != "&")
)
"""The ASCII characters ``_MAYBE_DAMAGED`` never matches (all but control characters and the "&" of an
entity): a text of these alone has no line to check."""
_ASCII_CHUNK = 1024 * 1024
"""Characters of an ASCII text encoded at a time for that test: a 50 MB text is not copied whole."""
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""What ``str.splitlines`` breaks a line at besides CR and LF."""
_LINE_BREAKS = "\n\r" + _OTHER_BREAKS
_LINE = re.compile(rf"[^\n\r{_OTHER_BREAKS}]*(?:[{_OTHER_BREAKS}]|(?P<eol>\r\n|\n|\r))?")
"""A line as ``str.splitlines`` cuts them; its text is the line without a closing CR, LF or CRLF."""


@cache
def _ftfy() -> tuple[Any, Any]:
    """ftfy and cleaner's configuration of it, loaded for the first line that may be damaged: a run
    over plain ASCII text with curly quotes and dashes (or an empty file) never pays for its import."""
    import ftfy

    return ftfy, ftfy.TextFixerConfig(
        uncurl_quotes=False, fix_line_breaks=False, normalization=None, explain=True
    )


class UnicodeDamageDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "unicode-damage")

    def find(self, analysis: TextAnalysis) -> Iterator[Finding]:
        """Each line that holds a character ftfy might repair, checked once: found by one scan for such
        characters over the whole text (most articles have none), not line by line."""
        text = analysis.text
        if text.isascii() and not any(
            text[at : at + _ASCII_CHUNK].encode("ascii").translate(None, _PLAIN_ASCII)
            for at in range(0, len(text), _ASCII_CHUNK)
        ):
            return  # most articles: found by two passes in C over the bytes, without the pattern's slow scan
        done = 0  # the end of the last line checked: a line start
        hit = _MAYBE_DAMAGED.search(text)
        while hit is not None:
            after_break = max(text.rfind(mark, done, hit.start()) for mark in _LINE_BREAKS) + 1
            line = _LINE.match(text, after_break or done)
            assert line is not None  # _LINE matches the empty string too
            start, end = line.start(), line.start("eol") if line["eol"] else line.end()
            yield from self._check_line(start, text[start:end])  # a line, not a 50 MB file, is copied
            done = line.end()  # past the hit: no line break lies between the line's start and it
            hit = _MAYBE_DAMAGED.search(text, done)

    def _check_line(self, offset: int, line: str) -> Iterator[Finding]:
        ftfy, config = _ftfy()
        fixed, steps = ftfy.fix_and_explain(line, config=config)
        if fixed == line:
            return
        kinds = sorted(
            _STEP_NAMES[name] if kind == "apply" and name in _STEP_NAMES else _MOJIBAKE
            for kind, name in steps or [("encode", "")]
        )
        matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
        for tag, i1, i2, j1, j2 in _atomic(matcher.get_opcodes()):
            if tag == "equal" or _in_cjk_text(line, i1, i2):
                continue
            i1, i2, j1, j2 = _whole_entities(line, i1, i2, j1, j2)
            eaten = _eaten_quotes(line[i1:i2], fixed[j1:j2])
            if any(_closes_quote(line, i1, quote) for quote in eaten):
                continue  # "“AMANHÃ”": a closing quote after a capital, not the mojibake of "Ô"
            applicability = Applicability.UNSAFE if eaten else Applicability.SAFE
            yield self.rule.finding(
                self.rule.message.format(
                    kind=" / ".join(dict.fromkeys(kinds)),
                    found=visible(line[i1:i2]),
                    repaired=visible(fixed[j1:j2]) if j2 > j1 else "nothing",
                ),
                offset + i1,
                offset + i2,
                (Fix(offset + i1, offset + i2, _spaced(line, i1, i2, fixed[j1:j2]), applicability),),
            )


def _atomic(opcodes: list[tuple[str, int, int, int, int]]) -> list[tuple[str, int, int, int, int]]:
    """The changes of one line as repairs that each stand alone.

    ftfy may move text (re-decoding mojibake reorders characters), which a diff sees as an insertion in
    one place and a deletion or replacement in another: applied alone, the insertion would add the
    moved text again on every pass. A line whose changes include an insertion among others gets one
    repair over the span from the first change to the last.
    """
    changes = [op for op in opcodes if op[0] != "equal"]
    if len(changes) < 2 or not any(op[0] == "insert" for op in changes):
        return changes
    first, last = changes[0], changes[-1]
    return [("replace", first[1], last[2], first[3], last[4])]


_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")


def _whole_entities(line: str, i1: int, i2: int, j1: int, j2: int) -> tuple[int, int, int, int]:
    """A change widened to the whole HTML entities it touches.

    The diff of "AT&amp;T" against "AT&T" is the deletion of "amp;", which is right but reads as
    nonsense ("“amp;” should be “nothing”"): the finding and its repair cover "&amp;" → "&". The text
    around a change is the same on both sides, so the replacement widens by the same characters.
    """
    for entity in _ENTITY.finditer(line, max(0, i1 - 32), i2 + 32):
        if entity.start() < max(i2, i1 + 1) and entity.end() > i1:
            before, after = max(0, i1 - entity.start()), max(0, entity.end() - i2)
            i1, i2, j1, j2 = i1 - before, i2 + after, j1 - before, j2 + after
    return i1, i2, j1, j2


@cache
def _cjk() -> re.Pattern[str]:
    """Chinese, Japanese and Korean characters and punctuation, full-width forms included. Compiled on
    first use (a line ftfy changes): its ranges make it the costliest pattern of a start-up, 2 ms."""
    return re.compile(
        "[\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]"
    )


def _in_cjk_text(line: str, start: int, end: int) -> bool:
    """Whether a full-width mark stands next to CJK text ("你好，世界！"): it belongs to an untranslated
    fragment, where it is the right punctuation (``untranslated.foreign-script`` reports the fragment),
    not to English text that borrowed it."""
    found = line[start:end]
    if not found or not all("\uff00" <= char <= "\uffef" or char in "、。" for char in found):
        return False
    return any(_cjk().match(char) for char in line[start - 1 : start] + line[end : end + 1])


_QUOTE_PAIRS = {"”": "“", "’": "‘", "»": "«", "›": "‹", '"': '"', "'": "'"}
"""Closing quotation marks and the mark that opens each."""
_QUOTES = "“”‘’«»‹›\"'"


def _eaten_quotes(found: str, repaired: str) -> list[str]:
    """Quotation marks the repair removes where the rest of what it replaces is letters: a decoding
    that consumes one may be reading a real quote after a real letter as the second byte of another
    letter ("AMANHÃ”" as "AMANHÔ"), which would change what the text says. Beside a character that
    has no place in text ("â€”", the em dash's mojibake) the quote is part of the damage."""
    if not all(char.isalpha() for char in found if char not in _QUOTES):
        return []
    return [quote for quote in _QUOTES if found.count(quote) > repaired.count(quote)]


def _closes_quote(line: str, start: int, quote: str) -> bool:
    """Whether ``quote`` at ``start`` closes a quotation opened before it on the line."""
    before = line[:start]
    opening = _QUOTE_PAIRS.get(quote)
    if opening is None:
        return False
    if opening == quote:
        return before.count(quote) % 2 == 1
    return before.count(opening) > before.count(quote)


_CLOSING = frozenset(",.:;!?)]")
_OPENING = frozenset("([")


def _spaced(line: str, start: int, end: int, replacement: str) -> str:
    """The repair of a full-width mark with the space English wants around it.

    Full-width punctuation carries its own spacing in Chinese and Japanese, so MT that copies it leaves
    none: "rose，officials" must become "rose, officials", not "rose,officials" (a new error).
    """
    if len(line[start:end]) != 1 or not ("\uff00" <= line[start] <= "\uffef" or line[start] in "、。"):
        return replacement
    after = line[end : end + 1]
    before = line[start - 1 : start] if start else ""
    if replacement in _CLOSING and after.isalnum():
        return replacement + " "
    if replacement in _OPENING and before.isalnum():
        return " " + replacement
    return replacement


def visible(text: str) -> str:
    """Text for a message, with characters a terminal would not show written as U+XXXX."""
    return "".join(char if char.isprintable() and char != "\u00a0" else f"U+{ord(char):04X}" for char in text)
