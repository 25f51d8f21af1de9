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
import itertools
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

from cleaner.analysis import TextAnalysis
from cleaner.detectors import single_rule
from cleaner.detectors.anchors import set_characters
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
_TYPOGRAPHY = frozenset(TYPOGRAPHY)
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
def _ftfy() -> tuple[Any, Any, Callable[[str, int, int], bool]]:
    """ftfy, cleaner's configuration of it, and the test of whether it may change a line, loaded for
    the first line that may be damaged: a run over plain ASCII text with curly quotes and dashes (or an
    empty file) never pays for its import."""
    import ftfy

    config = ftfy.TextFixerConfig(
        uncurl_quotes=False, fix_line_breaks=False, normalization=None, explain=True
    )
    return ftfy, config, _may_change(config)


_FIXERS_BY_CHARACTER = (
    "fix_c1_controls",
    "fix_latin_ligatures",
    "fix_character_width",
    "fix_surrogates",
    "remove_terminal_escapes",
    "remove_control_chars",
)
"""The fixers of ``ftfy.fix_and_explain`` (besides HTML entities and the encoding) that change a line
only where it holds one of the characters of their tables: C1 controls, Latin ligatures, half- and
full-width forms, surrogates, the escape character, the control characters ftfy strips."""
_GATED_OFF = ("uncurl_quotes", "fix_line_breaks")
"""Fixers the gate knows nothing of: it is used only where cleaner's configuration turns them off."""
_WITHIN_ENCODING = ("decode_inconsistent_utf8", "replace_lossy_sequences", "restore_byte_a0")
"""Steps of the encoding fix, which runs only on a line ``is_bad`` calls bad."""
_KNOWN_FIXERS = frozenset((*_FIXERS_BY_CHARACTER, *_GATED_OFF, *_WITHIN_ENCODING, "unescape_html"))


def _may_change(config: Any) -> Callable[[str, int, int], bool]:
    """Whether ``ftfy.fix_and_explain(line, config)``, for ``line = text[start:end]``, may return anything
    but ``line``: exactly ftfy's own tests, done in a fraction of their time. It returns the line
    unchanged when its first round of fixes changes nothing, and in that round

    - ``unescape_html`` changes only a line with an "&";
    - the encoding fix changes only a line ``ftfy.badness.is_bad`` calls bad, one where its pattern of
      mojibake matches; every match is a few characters long (``getwidth``) and holds one of the
      characters read off the pattern below (``_badness_clues``), so the pattern is tried only in
      windows around those, not at every character of a long line (a Bio abstract with a "±" in it);
    - every other fixer cleaner leaves on needs a character of its own table (``_FIXERS_BY_CHARACTER``).

    A configuration, an ftfy with a fixer not named here, or one whose pattern cannot be read that way
    gets no gate (ftfy runs on every line the detector's scan finds)."""
    import ftfy
    from ftfy import badness, chardata

    unknown = set(ftfy.FIXERS) - _KNOWN_FIXERS  # an ftfy with a fixer this gate was not written for
    if unknown or config.normalization is not None or any(getattr(config, name) for name in _GATED_OFF):
        return lambda text, start, end: True
    codes: set[int] = {*range(0x80, 0xA0), *range(0xD800, 0xE000), 0x1B, ord("&")}
    codes.update(chardata.LIGATURES, chardata.WIDTH_MAP, chardata.CONTROL_CHARS)
    fixer_characters = re.compile(_character_class(codes))
    clues = _badness_clues(badness.BADNESS_RE)
    if clues is None:
        return lambda text, start, end: True
    characters, width, at_start = clues
    clue = re.compile(_character_class({ord(char) for char in characters}))
    bad = badness.BADNESS_RE.search

    def may_change(text: str, start: int, end: int) -> bool:
        if fixer_characters.search(text, start, end):
            return True
        if at_start and start and bad(text[start : min(end, start + width)]):
            return True  # a "^" alternative: it matches at the line's start, not at ``start`` of the text
        # the windows around the clues, merged where they overlap: [low, high), none yet while high < 0
        low = high = -1
        for hit in clue.finditer(text, start, end):
            at = hit.start()
            if high >= 0 and at - width + 1 < high:
                high = min(end, at + width)
                continue
            if high >= 0 and bad(text, low, high):
                return True
            low, high = max(start, at - width + 1), min(end, at + width)
        return high >= 0 and bad(text, low, high) is not None

    return may_change


def _badness_clues(pattern: re.Pattern[str]) -> tuple[frozenset[str], int, bool] | None:
    """Characters of which every match of ftfy's mojibake pattern holds one, its longest match, and
    whether an alternative is anchored at the start ("^"); None where the pattern is not a choice of
    short sequences each holding such a character and reading nothing beyond what it matches (no
    lookaround, no other anchor): only then does a search of a window find what a search of the line
    finds there.

    Of each alternative's characters the set chosen is one without ASCII, and of those the one holding
    the fewest of an English article's own characters (curly quotes, dashes) and then the smallest, so
    that the windows the gate tries are few on clean text."""
    from re import _constants as sre
    from re import _parser

    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        width = parsed.getwidth()[1]
        (op, value), *rest = list(parsed)
        anchors = _anchors(list(parsed))
    except Exception:  # another Python's parser, or another shape
        return None
    if op is not sre.BRANCH or rest or width > 16 or anchors is None:
        return None
    found: set[str] = set()
    for branch in value[1]:
        sets = [_set_characters(item) for item in branch]
        candidates = [chars for chars in sets if chars and not any(char.isascii() for char in chars)]
        if not candidates:
            return None
        found.update(min(candidates, key=lambda chars: (len(chars & _TYPOGRAPHY), len(chars))))
    return frozenset(found), width, bool(anchors)


def _anchors(items: list[Any]) -> set[Any] | None:
    """The "^" items of a parsed pattern (as a set that is empty or holds it); None where it holds a
    lookaround, another anchor or a back-reference: what reads beyond the characters a match takes."""
    from re import _constants as sre

    found: set[Any] = set()
    for op, value in items:
        if op is sre.AT:
            if value is not sre.AT_BEGINNING:
                return None
            found.add(value)
        elif op in (sre.ASSERT, sre.ASSERT_NOT, sre.GROUPREF, sre.GROUPREF_EXISTS):
            return None
        elif op is sre.BRANCH:
            for branch in value[1]:
                inner = _anchors(list(branch))
                if inner is None:
                    return None
                found |= inner
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.SUBPATTERN):
            inner = _anchors(list(value[-1]))
            if inner is None:
                return None
            found |= inner
        elif op not in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY):
            return None
    return found


def _set_characters(item: Any) -> frozenset[str] | None:
    """The characters a parsed literal or character set matches, however wide its ranges; None for
    anything else (a category, a negated set, a repeat or a group)."""
    return set_characters(item, sys.maxunicode + 1)


def _character_class(codes: set[int]) -> str:
    """A pattern matching any of ``codes``, as ranges of consecutive code points."""
    ordered, parts = sorted(codes), []
    start = previous = ordered[0]
    for code in [*ordered[1:], -2]:
        if code != previous + 1:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else ""))
            start = code
        previous = code
    return "[" + "".join(parts) + "]"


class UnicodeDamageDetector:
    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rule = single_rule(rules, "unicode-damage")

    def warm_up(self) -> None:
        """Loads now what the first text that needs it would load (see ``Checker.warm_up``)."""
        _ftfy()

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
            if self._may_change(text, start, end):  # most lines with a "±" or an "é": ftfy would leave them
                yield from self._check_line(start, text[start:end])  # a line, not a 50 MB file, is copied
            done = line.end()  # past the hit: no line break lies between the line's start and it
            hit = _MAYBE_DAMAGED.search(text, done)

    @staticmethod
    def _may_change(text: str, start: int, end: int) -> bool:
        """Whether ftfy may change the line ``text[start:end]``, asked of the text itself: a line with
        nothing to repair is never copied (on a 50 MB file of one line, a copy of 100 MB and ftfy's own
        copies of it)."""
        return _ftfy()[2](text, start, end)

    def _check_line(self, offset: int, line: str) -> Iterator[Finding]:
        ftfy, config, _ = _ftfy()
        fixed, steps = ftfy.fix_and_explain(line, config=config)
        if fixed == line:
            return
        kinds = sorted(
            _STEP_NAMES[name] if kind == "apply" and name in _STEP_NAMES else _MOJIBAKE
            for kind, name in steps or [("encode", "")]
        )
        opcodes = _opcodes(line, fixed, lambda piece: ftfy.fix_and_explain(piece, config=config)[0])
        for tag, i1, i2, j1, j2 in _atomic(opcodes):
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


_Opcode = tuple[str, int, int, int, int]
_LONG_DIFF = 2000
"""Lines longer than this are diffed piece by piece where they can be: difflib's character diff takes
time that grows with the square of the length and more with repeated text (a State of the Union address
of one 70,000-character line: 100 s; 180,000 characters of a repeated sentence with 10,000 mojibake
words: over 3 minutes)."""
_PIECE = 256
"""About how long each piece of a long line is: cut at a space between half this and this."""


def _opcodes(line: str, fixed: str, fix: Callable[[str], str]) -> list[_Opcode]:
    """How ``fixed`` (``fix(line)``) differs from ``line``, as difflib's opcodes. A long line is cut at
    spaces into pieces of about ``_PIECE`` characters and each piece fixed and diffed alone, where that
    gives the same text as fixing the whole line (ftfy's repairs are a few characters each; a
    re-decoding that reads across a cut gives another text, and then the whole line is diffed, past
    what both sides share at their ends)."""
    if len(line) <= _LONG_DIFF:
        return difflib.SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes()
    cuts = [0]
    while len(line) - cuts[-1] > _PIECE:
        space = line.rfind(" ", cuts[-1] + _PIECE // 2, cuts[-1] + _PIECE)
        cuts.append(space + 1 if space != -1 else cuts[-1] + _PIECE)
    cuts.append(len(line))
    pieces = [line[a:b] for a, b in itertools.pairwise(cuts)]
    fixed_pieces = [fix(piece) for piece in pieces]
    if "".join(fixed_pieces) != fixed:
        return _trimmed_opcodes(line, fixed)
    opcodes: list[_Opcode] = []
    at = 0
    for start, piece, fixed_piece in zip(cuts, pieces, fixed_pieces, strict=False):
        opcodes.extend(
            (tag, start + i1, start + i2, at + j1, at + j2)
            for tag, i1, i2, j1, j2 in _trimmed_opcodes(piece, fixed_piece)
        )
        at += len(fixed_piece)
    return opcodes


def _trimmed_opcodes(old: str, new: str) -> list[_Opcode]:
    """difflib's opcodes of what lies between the start and the end ``old`` and ``new`` share."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    inner = difflib.SequenceMatcher(
        None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False
    )
    opcodes: list[_Opcode] = [("equal", 0, head, 0, head)] if head else []
    opcodes.extend(
        (t, head + i1, head + i2, head + j1, head + j2) for t, i1, i2, j1, j2 in inner.get_opcodes()
    )
    if tail:
        opcodes.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return opcodes


def _atomic(opcodes: list[_Opcode]) -> list[_Opcode]:
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
