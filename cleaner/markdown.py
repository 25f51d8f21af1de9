"""The parts of a Markdown file that are not prose: front matter, fenced and indented code, code spans,
link and image targets, autolinks and bare URLs, HTML tags and comments.

Nothing in these spans is flagged, and LanguageTool receives them as markup (its annotated-text
input), so offsets still point into the original file.
"""

from __future__ import annotations

import re

from cleaner.analysis import Span

_BLOCKS = re.compile(
    r"""
      \A---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)       # YAML front matter
    | \A\+\+\+[ \t]*\r?\n.*?\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)             # TOML front matter
    | ^(?P<fence>[ ]{0,3}(?:`{3,}|~{3,}))[^\n]*\n.*?(?:^(?P=fence)[`~]*[ \t]*$|\Z)   # fenced code
    | <!--.*?-->                                                     # HTML comments
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|\A)(?:(?:[ ]{4}|\t)[^\n]*(?:\n|\Z))+")
_INLINE = re.compile(
    r"""
      (?P<ticks>`+).+?(?P=ticks)                          # code spans
    | (?<=\])\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\) # link and image targets: [text](target "title")
    | ^[ ]{0,3}\[[^\]]+\]:[ \t]*\S+.*$                    # reference definitions
    | <(?:https?|ftp|mailto):[^>\s]+>                     # autolinks
    | </?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>            # HTML tags
    | (?:https?|ftp)://[^\s<>)\]]+                        # bare URLs
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


def markup_spans(text: str) -> list[Span]:
    """Sorted, disjoint spans of ``text`` that are Markdown syntax or code, not prose to check."""
    spans = [Span(*m.span()) for m in _BLOCKS.finditer(text)]
    spans += [Span(*m.span()) for m in _INDENTED_CODE.finditer(text) if not _inside(m.start(), spans)]
    block_spans = list(spans)
    spans += [Span(*m.span()) for m in _INLINE.finditer(text) if not _inside(m.start(), block_spans)]
    return _merge(spans)


def syntax_spans(text: str, markup: list[Span]) -> list[Span]:
    """Markup plus the Markdown punctuation of prose lines (heading and list markers, emphasis, quote
    and table bars): what LanguageTool should see as markup, though findings there are still reported."""
    extra = [Span(*m.span()) for m in _EMPHASIS_AND_HEADINGS.finditer(text) if not _inside(m.start(), markup)]
    return _merge([*markup, *extra])


def _inside(offset: int, spans: list[Span]) -> bool:
    return any(span.start <= offset < span.end for span in spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
            continue
        merged.append(span)
    return merged
