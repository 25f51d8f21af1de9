"""The parts of a Markdown file that are not prose: front matter, fenced and indented code, code spans,
link and image targets, autolinks and bare URLs, HTML tags and comments, entity references (``&lt;``
is how Markdown writes a "<" that must not start a tag: turning it into "<" would change the page).

Nothing in these spans is flagged, and LanguageTool receives them as markup (its annotated-text
input), so offsets still point into the original file.

Everything here runs in time linear in the size of the file, whatever the file: articles come from
outside, and a few thousand unclosed ``<!--`` or ``[`` must not turn a check into minutes. That rules
out patterns that scan "to the next closing mark" from every opening mark; instead one left-to-right
pass (``layout``) finds the blocks, code spans and comments, each closing mark searched for once, and
the remaining inline patterns are bounded by a line or by the next ``<``.

Line breaks are LF, CRLF or a lone CR, as CommonMark has them. The scan runs on a copy of the text in
which every lone CR is an LF (same length, so offsets are shared), so ``^``/``$`` work for all three.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from cleaner.analysis import Span

_LONE_CR = re.compile(r"\r(?!\n)")

_FRONT_MATTER_OPEN = re.compile(r"(?P<mark>---|\+\+\+)[ \t]*\r?(?:\n|\Z)")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)
_YAML_KEY = re.compile(r"""(?:[A-Za-z0-9_][\w.-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|\Z)""")
_YAML_OTHER = re.compile(r"[ \t]*\Z|[ \t]*\#|-(?:[ \t]|\Z)|[ \t]")
"""Lines a YAML block may hold besides ``key: value``: blank, comment, list item, indented
continuation. Prose ("The minister said. . that") is none of these."""

_FENCE_OPEN = re.compile(r"[ ]{0,3}(?P<fence>`{3,}(?=[^`\n]*\Z)|~{3,})")
_INDENTED = re.compile(r"(?:[ ]{4}|[ ]{0,3}\t)")
_COMMENT_OPEN = re.compile(r"[ ]{0,3}<!--")
_BLANK = re.compile(r"[ \t\r]*\Z")
_OPENERS = re.compile(r"`+|<!--")
_BACKTICKS = re.compile(r"`+")

_INLINE = re.compile(
    r"""
      (?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+"[^"\n]*")?\) # link and image targets: [text](url "title")
    | ^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$                     # reference definitions
    | <(?:https?|ftp|mailto):[^<>\s]+>                      # autolinks
    | </?[A-Za-z][A-Za-z0-9-]*                              # HTML tags, whose attributes may continue
      (?:\s(?:[^<>\n]|\n(?![ \t\r]*\n))*)?/?>               #   on the next line but not past a blank one
    | (?:https?|ftp)://[^\s<>)\]]+                          # bare URLs
    | &(?:[A-Za-z][A-Za-z0-9]{1,31}|\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6}); # entity references: markup
    """,
    re.VERBOSE | re.MULTILINE,
)
_EMPHASIS_AND_HEADINGS = re.compile(
    r"""
      ^[ ]{0,3}\#{1,6}[ \t]              # heading markers
    | ^[ ]{0,3}(?:[-*+]|\d+[.)])[ \t]    # list markers
    | (?<!\w)[*_]{1,3}(?=\S)             # opening emphasis
    | (?<=\S)[*_]{1,3}(?!\w)             # closing emphasis
    | ^[ ]{0,3}>[ \t]?                   # block quotes
    | \|                                 # table bars
    """,
    re.VERBOSE | re.MULTILINE,
)


@dataclass(frozen=True)
class Layout:
    """Where a Markdown text is not prose, as found by one pass in document order."""

    code: list[Span]
    """Front matter, fenced and indented code blocks and code spans: quoted text, never directives."""
    comments: list[Span]
    """HTML comments, ``<!--`` to ``-->``; an unclosed one runs to the end of the text."""


def normalise_line_breaks(text: str) -> str:
    """``text`` with every lone CR turned into an LF: the same length, so offsets stay valid, and
    ``^``, ``$`` and ``str.find("\\n")`` now see the line breaks of CR-only files too."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def layout(text: str) -> Layout:
    """Front matter, code blocks, code spans and HTML comments of ``text``, in one left-to-right pass.

    Block rules follow CommonMark where it matters for hiding text:

    - A fenced block ends at a closing fence of the same character, at least as long, indented at most
      three spaces; an unclosed fence runs to the end of the text.
    - Indented code (four spaces or a tab) cannot interrupt a paragraph.
    - An HTML comment runs from ``<!--`` to the first ``-->``. CommonMark ends an HTML *block* started
      by ``<!--`` only at a line holding ``-->``, running to the end of the document if there is none;
      cleaner treats every ``<!--`` outside code that way, wherever on a line it stands, so an unclosed
      comment hides the rest of the file. Text that a renderer would not show must never be taken for
      prose: ``fix`` would edit it, and its findings would point at nothing the writer can see. A line
      that starts with ``<!--`` interrupts a paragraph, and the line after the comment starts afresh
      (so it may be indented code), as after an HTML block; text after ``-->`` on its line is prose.
    - Code spans are matched first come, first served, as CommonMark does: a backtick run opens a span
      closed by the next run of the same length in the same paragraph; otherwise it is literal. A
      ``<!--`` inside a code span is text, and backticks inside a comment are comment.
    """
    scan = normalise_line_breaks(text)
    code: list[Span] = []
    comments: list[Span] = []
    runs = _backtick_runs(scan)
    size = len(scan)
    pos = _front_matter_end(scan)
    if pos:
        code.append(Span(0, pos))
    paragraph = -1  # where the open paragraph starts, or -1
    mid_line = False  # scan the line from pos on its own: it opens a comment, or one ended inside it

    while pos < size:
        following = _next_line(scan, pos)
        if mid_line:  # a line that opens a comment, or the rest of one a comment ended in: on its own
            mid_line = False
            resume = _inline(scan, pos, following, runs, code, comments)
            if resume is not None:
                pos, mid_line = resume, resume < size and scan[resume - 1] != "\n"
            else:
                pos = following
            continue
        line = scan[pos : following - (scan[following - 1 : following] == "\n")]
        blank = _BLANK.match(line) is not None
        fence = None if blank else _FENCE_OPEN.match(line)
        comment = not blank and not fence and _COMMENT_OPEN.match(line) is not None
        if paragraph >= 0 and (blank or fence or comment):
            resume = _inline(scan, paragraph, pos, runs, code, comments)
            paragraph = -1
            if resume is not None:
                pos, mid_line = resume, resume < size and scan[resume - 1] != "\n"
                continue
        if comment:  # an HTML block: it interrupts a paragraph, and the line after it starts afresh
            mid_line = True
            continue
        if blank:
            pos = following
        elif fence:
            marker = fence.group("fence")
            closing = _closing_fence(marker[0], len(marker)).search(scan, following)
            block_end = size if closing is None else _next_line(scan, closing.end())
            code.append(Span(pos, block_end))
            pos = block_end
        elif paragraph < 0 and _INDENTED.match(line):
            block_end = following
            while block_end < size:
                next_end = scan.find("\n", block_end)
                next_line = scan[block_end : size if next_end == -1 else next_end]
                if _BLANK.match(next_line) or not _INDENTED.match(next_line):
                    break
                block_end = size if next_end == -1 else next_end + 1
            code.append(Span(pos, block_end))
            pos = block_end
        else:
            paragraph = pos if paragraph < 0 else paragraph
            pos = following
    if paragraph >= 0:
        _inline(scan, paragraph, size, runs, code, comments)
    return Layout(sorted(code, key=lambda s: s.start), comments)


def markup_spans(text: str) -> list[Span]:
    """Sorted, disjoint spans of ``text`` that are Markdown syntax or code, not prose to check."""
    found = layout(text)
    hidden = _merge([*found.code, *found.comments])
    scan = normalise_line_breaks(text)
    inline = [Span(*m.span()) for m in _INLINE.finditer(scan) if not inside(m.start(), hidden)]
    return _merge([*hidden, *inline])


def syntax_spans(text: str, markup: list[Span]) -> list[Span]:
    """Markup plus the Markdown punctuation of prose lines (heading and list markers, emphasis, quote
    and table bars): what LanguageTool should see as markup, though findings there are still reported."""
    scan = normalise_line_breaks(text)
    ordered = _merge(markup)
    extra = [Span(*m.span()) for m in _EMPHASIS_AND_HEADINGS.finditer(scan) if not inside(m.start(), ordered)]
    return _merge([*ordered, *extra])


def inside(offset: int, spans: list[Span]) -> bool:
    """Whether ``offset`` lies in one of ``spans`` (sorted by start and disjoint), in O(log n)."""
    index = bisect.bisect_right(spans, offset, key=lambda span: span.start) - 1
    return index >= 0 and offset < spans[index].end


def touches(start: int, end: int, spans: list[Span]) -> bool:
    """Whether ``[start, end)`` shares a character with one of ``spans`` (sorted by start and disjoint,
    as ``markup_spans`` returns them), an empty range counting when it touches one: the rule of
    ``findings.spans_overlap``, in O(log n) instead of a pass over every span."""
    index = bisect.bisect_right(spans, start if start == end else end - 1, key=lambda span: span.start) - 1
    return index >= 0 and (spans[index].end >= start if start == end else spans[index].end > start)


def _front_matter_end(scan: str) -> int:
    """The end of the front matter at the top of the text, or 0 when there is none.

    ``+++`` on line 1 opens TOML front matter, closed by the next ``+++`` line (``+++`` is nothing
    else in Markdown). ``---`` on line 1 is also a thematic break, and a second ``---`` further down
    is common in articles: the block is front matter only when it closes with ``---``/``...`` and
    every line in it reads as YAML (``key: value``, a list item, an indented continuation, a comment
    or blank) with at least one key, or it is empty. A rule at the top never hides the article.
    """
    opening = _FRONT_MATTER_OPEN.match(scan)
    if opening is None:
        return 0
    toml = opening.group("mark") == "+++"
    closing = (_TOML_CLOSE if toml else _YAML_CLOSE).search(scan, opening.end())
    if closing is None:
        return 0
    if not toml:
        body = scan[opening.end() : closing.start()].split("\n")[:-1]
        lines = [line.rstrip("\r") for line in body]
        keys = sum(1 for line in lines if _YAML_KEY.match(line))
        yaml = all(_YAML_KEY.match(line) or _YAML_OTHER.match(line) for line in lines)
        if lines and not (keys and yaml):
            return 0
    return _next_line(scan, closing.end())


def _inline(
    scan: str, start: int, end: int, runs: dict[int, list[int]], code: list[Span], comments: list[Span]
) -> int | None:
    """Record the code spans and comments of the paragraph ``scan[start:end]``.

    Returns where block scanning resumes when a comment runs past the paragraph (None otherwise).
    """
    skip = start
    for match in _OPENERS.finditer(scan, start, end):
        opened = match.start()
        if opened < skip:
            continue
        if match.group() == "<!--":
            close = scan.find("-->", opened + 2)  # "<!-->" and "<!--->" are complete comments
            stop = len(scan) if close == -1 else close + 3
            comments.append(Span(opened, stop))
            if stop > end:
                return stop
            skip = stop
            continue
        width = match.end() - opened
        starts = runs.get(width, [])
        index = bisect.bisect_right(starts, opened)
        if index < len(starts) and starts[index] < end:
            stop = starts[index] + width
            code.append(Span(opened, stop))
            skip = stop
    return None


def _backtick_runs(scan: str) -> dict[int, list[int]]:
    """The starts of every maximal run of backticks, by the run's length (sorted): the closing run of
    a code span is then one binary search away, however many unmatched runs a paragraph holds."""
    runs: dict[int, list[int]] = {}
    for match in _BACKTICKS.finditer(scan):
        runs.setdefault(match.end() - match.start(), []).append(match.start())
    return runs


@lru_cache(maxsize=64)
def _closing_fence(char: str, length: int) -> re.Pattern[str]:
    return re.compile(rf"^[ ]{{0,3}}{re.escape(char)}{{{length},}}[ \t]*\r?$", re.MULTILINE)


def _next_line(scan: str, pos: int) -> int:
    """The start of the line after the one holding ``pos`` (or the end of the text)."""
    end = scan.find("\n", pos)
    return len(scan) if end == -1 else end + 1


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
            continue
        merged.append(span)
    return merged
