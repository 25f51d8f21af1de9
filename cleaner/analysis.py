"""Facts about a document's text that several detectors need, computed once per document.

- protected spans: text where full stops and odd spacing are conventional (URLs, e-mail addresses,
  abbreviations, initials, decimals, ellipses), so punctuation rules must not fire there;
- sentences: a conservative split, used to keep tense and date reasoning inside one sentence;
- casing: whether the text capitalises its sentences at all (some MT systems write all lower case, and
  then a lower-case word after a full stop says nothing).
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from cleaner.alignment import Alignment
from cleaner.lexicon import is_abbreviation, is_abbreviation_in_setting

_PROTECTED = re.compile(
    r"""
      (?:https?|ftp)://[^\s<>"“”]*[^\s<>"“”.,;:!?)\]]   # URLs, without trailing punctuation
    | www\.[^\s<>"“”]*[^\s<>"“”.,;:!?)\]]
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+           # e-mail addresses
    | \b[\w-]+(?:\.[\w-]+)*\.                 # domain and file names
      (?:com|org|net|gov|edu|int|mil|io|info|co|uk|de|fr|ru|cn|eu|html?|pdf|txt|md|py|js)\b
    | \b(?:[A-Za-z]\.){2,}                   # U.S., e.g., i.e., p.m., Ph.D.-like initialisms
    | \b[A-Z]\.(?=\s+[A-Z])                  # an initial before a name: "J. Smith"
    | \d+(?:[.,]\d+)+                        # decimals and grouped numbers: 3.14, 1,000.5, 1.2.3
    | \.{3,}|…|\.(?:[ \u00a0]\.){2,}         # ellipses, also spaced ". . ."
    """,
    re.VERBOSE,
)
_PROTECTED_HINT = re.compile(
    r"""[@…:.,](?:
        (?<=[@…])                            # e-mail addresses, ellipses
      | (?<=:)(?=//)                         # URLs
      | (?<=\.)(?=\S|[ \u00a0]\.)            # domains, initialisms, decimals, ellipses, "www."
      | (?<=[A-Z]\.)(?=\s)                   # an initial before a name
      | (?<=\d,)(?=\d)                       # grouped numbers
    )""",
    re.VERBOSE,
)
"""A character every protected span holds, in the run of non-space characters it starts in (the spaced
ellipsis, the one span that holds a space, starts with its hint). Searched for with the character set
in front, which ``re`` scans for quickly; most full stops and commas (before a space, after a word)
are no hint."""


_HINT_REACH = 256
"""How far before its first hint a protected span may start (see ``protected_spans``)."""


def protected_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``_PROTECTED.finditer(text)``, found about twenty times faster.

    ``_PROTECTED`` has no literal prefix, so ``finditer`` tries all its branches at every character
    (a third of all scanning time). A span can only start in the run of non-space characters before one
    of its hints, so the pattern is tried only there, position by position and left to right as
    ``finditer`` would, and each position at most once.

    And only in the last ``_HINT_REACH`` characters of that run: a URL's, an address's or a number's
    first hint comes within a few dozen characters of its start. A run of 100,000 letters before a stop
    (garbage, or a hostile file) would otherwise have the pattern tried, and its address branch read
    the whole run, at each of them: quadratic, 24 s for that one stop.
    """
    spans: list[tuple[int, int]] = []
    done = 0  # every position before this is inside a span found or was tried without a match
    for hint in _PROTECTED_HINT.finditer(text):
        at = hint.start()
        if at < done:
            continue
        position = at
        reach = max(done, at - _HINT_REACH)
        while position > reach and not text[position - 1].isspace():
            position -= 1
        while position <= at:
            match = _PROTECTED.match(text, position)
            if match is None:
                position += 1
            else:
                spans.append(match.span())
                position = match.end()
        done = position
    return spans


_WORD_BEFORE = re.compile(r"(?<![A-Za-z])[A-Za-z]+$")
_LINE_START = re.compile(r"^[ \t]*[\"“‘(\[]?(?P<letter>[^\W\d_])", re.MULTILINE)
_INNER_CAPITAL = re.compile(r"(?:(?<=[a-z0-9,;:][ \t])|(?<=\())[A-Z]")
"""A capital inside a sentence (after a lower-case word, a number or a comma, or in parentheses): a
name, an acronym, "I"; text written in lower case has none."""
_NEXT_WORD = re.compile(r"[.!?][\"”’)\]]*[ \t]+[\"“‘(\[]?(?P<letter>[^\W\d_])")
SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|\n")
"""Terminal punctuation before a capital or digit, or a line break: where a sentence may end."""
_MAYBE_FOREIGN = re.compile("[^\x00-\u036f\u2000-\u206f\u20a0-\u20cf\u2100-\u214f\u2190-\u23ff\u2500-\u27bf]")
"""A cheap first look with the standard library: past Latin, the general punctuation, currency, letter-like,
arrow, mathematical and drawing symbols, where is the first character that might be a foreign letter?
(Of all letters in those blocks, only the ohm sign is of another script, Greek.)"""


def line_end(text: str, position: int) -> int:
    """The offset of the line break that ends the line holding ``position`` (the text's end if none)."""
    end = text.find("\n", position)
    return len(text) if end == -1 else end


def first_maybe_foreign(text: str) -> int | None:
    """Where the first character that may be a letter of another script than Latin stands, or None: most
    articles hold none, and then neither script detector compiles its ``regex`` patterns (nor imports
    ``regex``, a tenth of a one-article run's imports)."""
    first = None if text.isascii() else _MAYBE_FOREIGN.search(text)
    return None if first is None else first.start()


BACK_SCAN = 512
"""Characters before a position searched first for the sentence end before it (then 8 times as many,
and so on): a sentence is seldom longer, and a line can be megabytes long (a file with no line breaks),
where a scan from the line's start for every word asked about would be quadratic."""


def last_sentence_end(
    text: str, position: int, endpos: int | None = None, skip: Callable[[re.Match[str]], bool] | None = None
) -> int:
    """Where the last sentence end (``SENTENCE_END``, a line break included) before ``position`` ends,
    as a scan of ``text[:endpos]`` from the text's start finds it, leaving out the matches ``skip``
    names; 0 if there is none. Only the last few hundred characters are usually read.

    The scan starts just after a space (or at a line break): no match holds a space, so none is cut
    there, and the matches after it are those a scan from the start finds."""
    end = len(text) if endpos is None else endpos
    width = BACK_SCAN
    while True:
        low = _scan_start(text, position - width, width)
        last = 0
        for match in SENTENCE_END.finditer(text, low, end):
            if match.end() > position:
                break
            if skip is None or not skip(match):
                last = match.end()
        if last or low == 0:
            return last
        width *= 8


def _scan_start(text: str, near: int, width: int) -> int:
    """A place at or before ``near`` where no sentence-end match is cut: after a space, or at a line
    break (itself a match); the text's start when ``near`` is before it."""
    while near > 0:
        space = text.rfind(" ", max(0, near - width), near)
        newline = text.rfind("\n", max(0, near - width), near)
        if space != -1 or newline != -1:
            return newline if newline > space else space + 1
        near -= width
    return 0


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


class TextAnalysis:
    """Lazy, cached analysis of one text; detectors share one instance per document."""

    def __init__(self, text: str, alignment: Alignment | None = None) -> None:
        self.text = text
        self.alignment = alignment
        """The source segments the text translates, when the input has them (see cleaner.alignment)."""

    @cached_property
    def protected(self) -> list[Span]:
        return [Span(start, end) for start, end in protected_spans(self.text)]

    @cached_property
    def _protected_starts(self) -> list[int]:
        return [span.start for span in self.protected]

    def is_protected(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` (an empty range: the character at ``start``) touches a protected span
        or holds the full stop of an abbreviation.

        Protected spans come from one ``finditer`` and so are sorted and disjoint: only the last one
        starting before ``end`` can reach back into the range. Abbreviations are looked up only for the
        stops inside the range, which is far cheaper than finding every abbreviation in a long text.
        """
        end = max(end, start + 1)
        index = bisect.bisect_left(self._protected_starts, end) - 1
        if index >= 0 and self.protected[index].end > start:
            return True
        stop = self.text.find(".", start, end)
        while stop != -1:
            word = _WORD_BEFORE.search(self.text, max(0, stop - 12), stop)
            if word and (
                is_abbreviation(word.group()) or is_abbreviation_in_setting(self.text, word.start(), stop)
            ):
                return True
            stop = self.text.find(".", stop + 1, end)
        return False

    def sentences(self) -> Iterator[Span]:
        """Sentence spans: split after terminal punctuation before a capital, and at every line break.

        A stop that belongs to a protected span (an abbreviation, an initial) does not end a sentence.
        """
        bounds = self._sentence_bounds
        for index in range(0, len(bounds), 2):
            yield Span(bounds[index], bounds[index + 1])

    def sentence_at(self, position: int) -> Span:
        """The span ``sentences()`` gives for the sentence that holds ``position`` (a character that is
        not white space), found from the start of its line: a detector that needs the sentences of a
        few words need not split a long text, and only the text near ``position`` is read.

        The same span as the whole split's: every line break ends a sentence, so a scan for ends that
        starts at a line's start finds the ends the whole text's scan finds in that line."""
        start = last_sentence_end(self.text, position, skip=self._is_protected_stop)
        for match in SENTENCE_END.finditer(self.text, start):
            if self._is_protected_stop(match):
                continue
            if match.end() > position:
                return Span(start, match.end())
            start = match.end()
        return Span(start, len(self.text))

    @cached_property
    def first_maybe_foreign(self) -> int | None:
        """``first_maybe_foreign`` of the text, once for both script detectors."""
        return first_maybe_foreign(self.text)

    def _is_protected_stop(self, match: re.Match[str]) -> bool:
        """A sentence-end match that is a protected stop (an abbreviation's, an initial's): no end."""
        return match.group() != "\n" and self.is_protected(match.start(), match.start() + 1)

    @cached_property
    def _sentence_bounds(self) -> array[int]:
        """Each sentence's start and end, one after the other: a 50 MB text has half a million sentences,
        which as a list of spans would cost some 55 MiB, and as machine integers 8 MiB."""
        bounds = array("q")
        start = 0
        for match in SENTENCE_END.finditer(self.text):
            if self._is_protected_stop(match):
                continue
            end = match.end()
            if self.text[start:end].strip():
                bounds.extend((start, end))
            start = end
        if self.text[start:].strip():
            bounds.extend((start, len(self.text)))
        return bounds

    @cached_property
    def is_cased(self) -> bool:
        """Whether sentences mostly open with a capital: false for text written in lower case (chat, some
        MT output), where a lower-case sentence start is the style, not damage.

        Counted first after stops inside a line. One lower-case start there is damage, not a style, so
        it takes two to call a text lower-case. Where lower-case starts outnumber capital ones, line
        starts that open with a capital count too: in a text with a sentence per line (a segment per
        line, as translated articles often are) its capitals show there, and its few stops inside a
        line are the damage the rules look for. But a layout may capitalise the lines of output the
        system wrote in lower case; such text writes its names and acronyms in lower case too, so with
        no capital inside any sentence, three lower-case starts after stops are its style. A
        lower-case line start is never counted: it is as often damage as style.
        """
        upper = lower = 0
        for match in _NEXT_WORD.finditer(self.text):
            if self.is_protected(match.start(), match.start() + 1):
                continue
            if match.group("letter").isupper():
                upper += 1
            else:
                lower += 1
        if lower < 2 or upper >= lower:
            return True
        upper += sum(1 for line in _LINE_START.finditer(self.text) if line.group("letter").isupper())
        return upper >= lower and (lower < 3 or _INNER_CAPITAL.search(self.text) is not None)
