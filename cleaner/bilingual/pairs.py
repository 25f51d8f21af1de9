"""A translation beside its original, as two plain-text or Markdown files aligned paragraph by paragraph.

The rule: when both files have a blank line between two paragraphs, paragraphs are separated by blank
lines; otherwise every non-empty line is a paragraph (one file per segment list, as many CAT exports
write them). Both files must then have as many paragraphs, or the pair is refused with both counts.

The folder convention: ``article.txt`` is translated from ``article.LANG.txt`` beside it (``LANG`` a
language tag: ``de``, ``pt-BR``, ``zh_Hans``), which also gives the source language. Such a source is
not itself checked when its folder is walked.
"""

from __future__ import annotations

import bisect
import os
import re
import time
from pathlib import Path

from cleaner.alignment import Alignment, Segment

_BLANK_LINE = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


class PairError(ValueError):
    """The two files cannot be aligned; the message names both counts."""


def paragraphs(text: str, by_blank_lines: bool) -> list[tuple[int, int]]:
    """The (start, end) of each paragraph, surrounding white space left out."""
    splitter = _BLANK_LINE if by_blank_lines else _LINE_BREAK
    spans, position = [], 0
    for match in [*splitter.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        if chunk.strip():
            left = position + len(chunk) - len(chunk.lstrip())
            spans.append((left, position + len(chunk.rstrip())))
        position = match.end() if match else end
    return spans


def align_pair(target: str, source: str, target_name: str, source_name: str) -> Alignment:
    """Paragraph ``n`` of ``target`` translates paragraph ``n`` of ``source`` (units ``p1``, ``p2`` …)."""
    by_blank = len(paragraphs(target, True)) > 1 and len(paragraphs(source, True)) > 1
    ours, theirs = paragraphs(target, by_blank), paragraphs(source, by_blank)
    if len(ours) != len(theirs):
        unit = "paragraphs (separated by blank lines)" if by_blank else "non-empty lines"
        raise PairError(
            f"{target_name} has {len(ours)} {unit} but its source {source_name} has {len(theirs)}; "
            "they must align one to one"
        )
    return Alignment(
        tuple(
            Segment(start, end, source[s_start:s_end], f"p{number}")
            for number, ((start, end), (s_start, s_end)) in enumerate(zip(ours, theirs, strict=True), 1)
        )
    )


def sibling_sources(path: str) -> list[tuple[str, str]]:
    """The files beside ``path`` named like its source (``article.de.txt`` for ``article.txt``), each
    with the language its name gives."""
    folder, file = os.path.split(path)  # string operations: this runs for every article of a walk
    stem, suffix = os.path.splitext(file)
    if not suffix or not stem:
        return []
    prefix = f"{stem}."
    names = _names_in(folder or ".")  # no listing (not a folder, or none): no names
    found = []
    for index in range(bisect.bisect_left(names, prefix), len(names)):  # sorted: the names with the prefix
        name = names[index]
        if not name.startswith(prefix):
            break
        if len(name) <= len(prefix) + len(suffix) or not name.endswith(suffix):
            continue
        middle = name[len(prefix) : -len(suffix)]
        candidate = Path(folder or ".") / name
        if is_source_tag(middle) and candidate.is_file():
            found.append((str(candidate), middle.replace("_", "-")))
    return found


_LISTING: dict[str, tuple[int, int, tuple[str, ...]]] = {}
_RACY_NS = 1_000_000_000
"""File systems stamp changes with a coarse clock: a listing taken within this long of the folder's last
change may have missed a file added in the same tick, so it is not reused (git's "racy" rule)."""


def _names_in(folder: str) -> tuple[str, ...]:
    """The sorted names in ``folder``, listed again only when the folder changed. Every article of a
    walked folder asks for its sources: listing (or scanning) the folder each time would cost n² for n
    articles, so each looks up only the names that start with its own (and with a plain string for
    the folder, not a ``Path`` to parse, as this runs once per article).
    Only the last folder is kept, as a walk reads a folder's files together."""
    try:
        changed = os.stat(folder).st_mtime_ns
        cached = _LISTING.get(folder)
        if cached is None or cached[0] != changed or cached[1] - changed < _RACY_NS:
            _LISTING.clear()
            cached = _LISTING[folder] = (changed, time.time_ns(), tuple(sorted(os.listdir(folder))))
    except OSError:
        return ()
    return cached[2]


def is_source_of_sibling(path: str) -> bool:
    """Whether ``path`` (``article.de.txt``) is the source of a translation beside it (``article.txt``)."""
    parts = os.path.basename(path).split(".")  # a string, not a Path: this runs for every walked file
    if len(parts) < 3 or not is_source_tag(parts[-2]):
        return False
    return Path(path).with_name(".".join([*parts[:-2], parts[-1]])).is_file()


def is_source_tag(text: str) -> bool:
    """A language tag that can name an English article's source: any CLDR language but English, since
    ``story.en.txt`` beside ``story.txt`` is an English version to check in its own right (or the
    translation of ``story.txt``), never the original an English translation is checked against."""
    return text.split("-", 1)[0].split("_", 1)[0].lower() != "en" and is_language_tag(text)


def is_language_tag(text: str) -> bool:
    """A language CLDR knows (``de``, ``pt-BR``), so ``article.old.txt`` is not taken for a source."""
    if not _LANGUAGE.fullmatch(text):
        return False
    from babel import localedata  # CLDR's list of locales, loaded once a name looks like one

    return bool(localedata.exists(text.replace("-", "_")))
