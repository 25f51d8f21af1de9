"""Judging LanguageTool's matches with what it does not see: the rest of the document.

LanguageTool reads each paragraph cleaner sends it on its own, and a paragraph may be one line of an
article. Two kinds of its matches are wrong for that reason alone (measured on held-out WMT21 output,
222k characters judged by hand: 84 of its 152 false alarms were the first kind, 3 the second):

- an unpaired quotation mark whose partner is on another line: a quotation over several sentences in a
  text with one sentence or paragraph a line, and the convention of a quotation over several paragraphs
  (each opens with a quote, only the last closes);
- a repetition across a line end where a line without a sentence end (a headline, a credit line: "…
  - Xinhua") meets a line that opens a sentence ("Xinhua News Agency reported"): two lines, not a
  doubled word. Applied, its repair would join the headline to the text under it.
"""

from __future__ import annotations

import re

_DOUBLE_QUOTE = re.compile('["“”]')
_SENTENCE_END = re.compile(r"[.!?…:;][\"”’)\]]*\s*$")
_ACROSS_LINES = frozenset({"ENGLISH_WORD_REPEAT_RULE", "PHRASE_REPETITION"})
"""LanguageTool's repetition rules, which a line end between the two copies does not stop."""


def quotes_paired_elsewhere(text: str) -> set[int]:
    """Offsets of the double quotes in ``text`` that pair with a quote on another line, or open a
    quotation that the next paragraph carries on by opening with a quote of its own.

    Each quote's side is what it says itself (curly) or what its neighbours say (straight: after a space
    or a line start it opens, before a space, punctuation or a line end it closes; between two letters
    it is taken to close, as a stuck quote after a word mostly does); quotes then pair as brackets do."""
    paired: set[int] = set()
    open_at: int | None = None
    for match in _DOUBLE_QUOTE.finditer(text):
        at = match.start()
        if _opens(text, at):
            line = _line_start(text, at)
            if open_at is not None and open_at < line and not text[line:at].strip():
                paired.add(open_at)  # carried over into this paragraph, which opens with a quote
            open_at = at
        elif open_at is not None:
            if "\n" in text[open_at:at]:
                paired.update((open_at, at))
            open_at = None
    return paired


def crosses_heading(rule_id: str, text: str, start: int, end: int) -> bool:
    """Whether a repetition match at ``text[start:end]`` runs from a line that ends no sentence into one
    that opens with a capital: a heading or credit line and the text under it."""
    if rule_id not in _ACROSS_LINES:
        return False
    brk = text.find("\n", start, end)
    if brk == -1:
        return False
    after = text[brk + 1 : end].lstrip()
    return _SENTENCE_END.search(text, _line_start(text, brk), brk) is None and after[:1].isupper()


def _opens(text: str, at: int) -> bool:
    char = text[at]
    if char != '"':
        return char == "“"
    before = text[at - 1] if at > 0 else "\n"
    after = text[at + 1] if at + 1 < len(text) else "\n"
    if before.isspace() or before in "([":
        return not after.isspace()
    return False


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1
