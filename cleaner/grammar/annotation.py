"""Markdown for LanguageTool: the annotated-text parts that tell it which characters are markup."""

from __future__ import annotations

import html

ANNOTATION_SCHEME = "annotation-3"
"""Part of the cache key for annotated paragraphs: change it when ``annotation`` reads markup anew."""


def annotation(paragraph: str, markup: list[tuple[int, int]]) -> list[dict[str, str]]:
    """LanguageTool's annotated-text parts for a paragraph whose ``markup`` spans are not prose.

    Code reads as a word ("code") so that "run `pip` now" stays a sentence; markup with a line break
    and a table bar read as a paragraph break; other markup (tags, link targets, emphasis marks) reads as
    nothing; an entity reference reads as the character it stands for ("&lt;" as "<").
    """
    parts: list[dict[str, str]] = []
    position = 0
    for start, end in markup:
        if start > position:
            parts.append({"text": paragraph[position:start]})
        piece = paragraph[start:end]
        if piece.startswith("`") and "\n" not in piece:
            meaning = "code"
        elif piece.startswith("&") and piece.endswith(";"):
            meaning = html.unescape(piece)
        elif "\n" in piece or piece.strip() == "|":
            meaning = "\n\n"  # a block, or a table cell boundary
        else:
            meaning = ""
        parts.append({"markup": piece, "interpretAs": meaning})
        position = end
    if position < len(paragraph):
        parts.append({"text": paragraph[position:]})
    return parts
