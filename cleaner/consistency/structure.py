"""How a text is built, in any script: how many sentences it has, and whether its quotes and brackets pair.

Sentence ends are Unicode's Sentence_Terminal characters (``\\p{STerm}``: ``.`` ``!`` ``?`` ``。`` ``！``
``？`` ``؟`` ``।`` ``။`` ``។`` …), so a script with terminal punctuation of its own is counted without
a table of ours. Scripts that end sentences with a space (Thai, Lao) are counted at every space between
their letters. The count errs high: a source counted as more sentences than it has only keeps the
sentence-count check quiet.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

_ENDS = r"""\p{STerm}+[\p{Pe}\p{Pf}"'’」』]*            # terminal punctuation and what closes after it
        (?:(?<![.!?]["'’\p{Pe}\p{Pf}]*)(?=\S)     # a full-width or native stop needs no space after it
        | \s+%s)                                   # an ASCII one needs a space
    | \n\s*                                       # a line break ends one
    | (?<=[\p{Thai}\p{Lao}])\s+(?=[\p{Thai}\p{Lao}])"""
_SOURCE_ENDS = regex.compile(_ENDS % r"(?!\p{Ll})", regex.VERBOSE)
"""In a source, a stop before a word that goes on in lower case ends no sentence ("12 цв. кор.")."""
_ANY_ENDS = regex.compile(_ENDS % "", regex.VERBOSE)


def sentence_count(text: str, *, lower_case_continues: bool = True) -> int:
    """How many sentences ``text`` has, at least one: counted at sentence ends that something follows.

    With ``lower_case_continues`` (for a source), a stop before a lower-case word ends nothing; without
    it (for a translation under suspicion), every stop before a space does.
    """
    stripped = text.strip()
    ends = _SOURCE_ENDS if lower_case_continues else _ANY_ENDS
    return 1 + sum(1 for match in ends.finditer(stripped) if match.end() < len(stripped))


@dataclass(frozen=True, slots=True)
class Pair:
    opener: str
    closer: str


PAIRS = (
    Pair("(", ")"),
    Pair("[", "]"),
    Pair("（", "）"),
    Pair("【", "】"),
    Pair("«", "»"),
    Pair("「", "」"),
    Pair("『", "』"),
    Pair("“", "”"),
)
"""Quotes and brackets whose opener and closer differ. Curly double quotes are read the English way; a
text with a German ``„`` is not judged on them (its ``“`` closes)."""


def unpaired(text: str) -> list[tuple[int, str]]:
    """Every quote or bracket in ``text`` left without its partner: ``(offset, character)``, in order.

    Each kind is paired on its own (openers and closers nest); a straight double quote is unpaired
    when the text has an odd number of them (the last one then lacks its partner).
    """
    lone: list[tuple[int, str]] = []
    for pair in PAIRS:
        if pair.opener == "“" and "„" in text:
            continue
        open_at: list[int] = []
        for offset, char in enumerate(text):
            if char == pair.opener:
                open_at.append(offset)
            elif char == pair.closer:
                if open_at:
                    open_at.pop()
                else:
                    lone.append((offset, char))
        lone.extend((offset, pair.opener) for offset in open_at)
    straight = [offset for offset, char in enumerate(text) if char == '"']
    if len(straight) % 2:
        lone.append((straight[-1], '"'))
    return sorted(lone)


def is_balanced(source: str) -> bool:
    """Whether every quote and bracket of a source pairs, in its own language's conventions: German
    ``„…“`` and Swedish ``”…”`` as well as English ``“…”`` count as pairs."""
    curly = sum(source.count(char) for char in "„“”")
    if curly % 2:
        return False
    without_curly = source.translate({ord(char): None for char in "„“”"})
    return not unpaired(without_curly)
