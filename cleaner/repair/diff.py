r"""Repairs shown as diffs: a unified diff for tools and patch, and the same hunks coloured with the
changed characters marked, for an editor to approve without opening the file.

Articles keep a paragraph on one line, so a changed line is long: marking the changed characters
inside it is what makes a hunk readable.

The unified diff is a contract: ``git apply`` and ``patch -p1`` must take it and produce exactly the
bytes ``cleaner fix`` writes. Hence:

- Lines are split at LF only, as both tools split them. ``str.splitlines`` also splits at CR, form
  feed, NEL and U+2028/U+2029, which would turn one line of the file into several lines of the patch;
  a CR-only file is thus one long line, and CRs stay inside the lines they are in.
- A last line without LF is followed by ``\ No newline at end of file``.
- A byte-order mark is part of the first line, as the tools read the file.
- Names are given as git gives them (``a/`` and ``b/`` before the path relative to the current
  folder; a trailing tab when the name has a space; C-style quotes when it has a quote, a backslash or
  a character that is not printable), so ``./a.txt`` becomes ``a/a.txt`` and ``patch -p1`` and
  ``git apply`` find it from the current folder. A file outside the current folder is named by its
  absolute path without the leading ``/`` (``a/tmp/x.txt``), as ``git diff --no-index`` names it: the
  patch then applies from the root folder (``patch -p1 -d /``), never to a path that climbs out with
  ``..``, which both tools refuse.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence

from rich.text import Text

_SMALL_GAP = 1_000_000
"""Pairs of lines difflib may compare in a stretch with no line unique to both sides; beyond that the
stretch is shown as replaced, a correct but larger hunk, instead of a quadratic search."""
_C_ESCAPES = {7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 0x22: '"', 0x5C: "\\"}
"""The escapes git uses in a quoted name; other bytes outside printable ASCII are written in octal."""
_NO_NEWLINE = "\n\\ No newline at end of file\n"


def unified_diff(
    path: str,
    before: str,
    after: str,
    context: int = 1,
    *,
    bom: bool = False,
    root: str | None = None,
    changes: Sequence[tuple[int, int, int, int]] | None = None,
) -> str:
    """A unified diff of the whole file, ``a/path`` against ``b/path``, line endings kept.

    ``bom`` puts the byte-order mark the file starts with into the first line; ``root`` is the folder
    the names are relative to (the current one by default). Empty when nothing changed.

    ``changes``, when the caller knows them (the fix loop does: ``FixOutcome.changes``), are where the
    texts differ: (start, end) in ``before`` and (start, end) in ``after`` of each stretch, sorted and
    disjoint, everything between them equal. The hunks are then built from them in time linear in the
    text, instead of searching the two texts for their common lines.
    """
    if before == after:
        return ""
    old, new = _lines(before, bom), _lines(after, bom)
    name = patch_name(path, root)
    out = [f"--- {_quote('a/' + name)}\n", f"+++ {_quote('b/' + name)}\n"]
    if changes is None:
        line_changes = _line_changes(_matching_blocks(old, new))
    else:
        line_changes = _known_line_changes(old, new, changes, 1 if bom else 0)
    for header, body in _hunks(old, new, line_changes, context):
        out.append(header)
        out.extend(line if line.endswith("\n") else line + _NO_NEWLINE for line in body)
    return "".join(out)


def patch_name(path: str, root: str | None = None) -> str:
    """The name a patch gives ``path``: relative to ``root`` (default: the current folder), or its
    absolute path without the leading ``/`` when it lies outside (see the module's docstring)."""
    absolute = os.path.abspath(path)
    base = os.path.abspath(root if root is not None else os.getcwd())
    relative = os.path.relpath(absolute, base)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        relative = absolute.lstrip(os.sep)
    return relative.replace(os.sep, "/")


def _quote(name: str) -> str:
    """A name for a ``---``/``+++`` line, as git writes it: C-quoted when it holds a quote, a backslash
    or a character that is not printable (a control character, a line separator, a bidirectional
    override: never raw in a patch, which is read on terminals); otherwise as it is, with a tab after it
    when it holds a space (both tools then end the name at the tab, not at the first space)."""
    if name.isprintable() and '"' not in name and "\\" not in name:
        return name + "\t" if " " in name else name
    quoted = []
    for byte in name.encode("utf-8", "surrogateescape"):
        if byte in _C_ESCAPES:
            quoted.append("\\" + _C_ESCAPES[byte])
        elif 0x20 <= byte < 0x7F:
            quoted.append(chr(byte))
        else:
            quoted.append(f"\\{byte:03o}")
    return '"' + "".join(quoted) + '"'


def _lines(text: str, bom: bool) -> list[str]:
    """``text`` as the lines patch tools see: split after each LF and nowhere else."""
    lines = ("\ufeff" + text if bom else text).split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def _range(start: int, stop: int) -> str:
    """A hunk's line range, as difflib and GNU diff write it (an empty range names the line before)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"


def _matching_blocks(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int, int]]:
    """Runs of equal lines ``(i, j, size)``, in order, ending with ``(len(old), len(new), 0)``.

    Patience diffing: lines that occur once on each side anchor the alignment (their longest common
    subsequence), common heads and tails are matched directly, and only what is left between anchors is
    searched. A repaired article differs from the original in a few lines among thousands of unique
    paragraphs, so this takes near-linear time where difflib over the whole file takes seconds.
    """
    blocks: list[tuple[int, int, int]] = []
    pending = [(0, len(old), 0, len(new))]
    while pending:
        a1, a2, b1, b2 = pending.pop()
        head = 0
        while a1 + head < a2 and b1 + head < b2 and old[a1 + head] == new[b1 + head]:
            head += 1
        if head:
            blocks.append((a1, b1, head))
            a1, b1 = a1 + head, b1 + head
        tail = 0
        while a2 - tail > a1 and b2 - tail > b1 and old[a2 - tail - 1] == new[b2 - tail - 1]:
            tail += 1
        if tail:
            blocks.append((a2 - tail, b2 - tail, tail))
            a2, b2 = a2 - tail, b2 - tail
        if a1 == a2 or b1 == b2:
            continue
        anchors = _unique_anchors(old, new, a1, a2, b1, b2)
        if anchors:
            edges = [(a1 - 1, b1 - 1), *anchors, (a2, b2)]
            blocks.extend((i, j, 1) for i, j in anchors)
            pending.extend(
                (i + 1, next_i, j + 1, next_j)
                for (i, j), (next_i, next_j) in itertools.pairwise(edges)
                if i + 1 < next_i or j + 1 < next_j
            )
        elif (a2 - a1) * (b2 - b1) <= _SMALL_GAP:
            matcher = difflib.SequenceMatcher(None, old[a1:a2], new[b1:b2], autojunk=False)
            blocks.extend((a1 + i, b1 + j, size) for i, j, size in matcher.get_matching_blocks() if size)
    blocks.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    merged.append((len(old), len(new), 0))
    return merged


def _unique_anchors(
    old: Sequence[str], new: Sequence[str], a1: int, a2: int, b1: int, b2: int
) -> list[tuple[int, int]]:
    """Pairs of positions of lines found exactly once in ``old[a1:a2]`` and once in ``new[b1:b2]``,
    the longest run of them in the same order on both sides."""
    seen: dict[str, list[int]] = {}
    for i in range(a1, a2):
        seen.setdefault(old[i], [0, -1, 0, -1])
        entry = seen[old[i]]
        entry[0] += 1
        entry[1] = i
    for j in range(b1, b2):
        entry = seen.get(new[j])
        if entry is not None:
            entry[2] += 1
            entry[3] = j
    pairs = sorted((e[1], e[3]) for e in seen.values() if e[0] == 1 and e[2] == 1)
    # Longest increasing subsequence of the new-side positions (patience sorting, with back links).
    tails: list[int] = []
    tail_index: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        place = bisect.bisect_left(tails, j)
        if place == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[place] = j
            tail_index[place] = index
        back.append(tail_index[place - 1] if place else -1)
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _line_changes(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The stretches of lines ``(i1, i2, j1, j2)`` between runs of equal lines."""
    changes: list[tuple[int, int, int, int]] = []
    i = j = 0
    for block_i, block_j, size in blocks:
        if i < block_i or j < block_j:
            changes.append((i, block_i, j, block_j))
        i, j = block_i + size, block_j + size
    return changes


def _known_line_changes(
    old: Sequence[str], new: Sequence[str], changes: Sequence[tuple[int, int, int, int]], offset: int
) -> list[tuple[int, int, int, int]]:
    """The stretches of lines ``(i1, i2, j1, j2)`` that code-point ``changes`` touch (``offset``: code
    points before the text in the first line, a BOM), merged where they meet, without the equal lines
    at their ends (as a search for common lines would leave them out)."""
    old_starts = list(itertools.accumulate((len(line) for line in old), initial=0))
    new_starts = list(itertools.accumulate((len(line) for line in new), initial=0))

    def line_of(text: Sequence[str], starts: list[int], position: int) -> int:
        count = len(text)
        unterminated = count and not text[-1].endswith("\n")  # the text's end is in its last line
        return min(bisect.bisect_right(starts, position + offset) - 1, count - 1 if unterminated else count)

    merged: list[list[int]] = []
    for old_start, old_end, new_start, new_end in changes:
        i1, i2 = line_of(old, old_starts, old_start), line_of(old, old_starts, old_end)
        j1, j2 = line_of(new, new_starts, new_start), line_of(new, new_starts, new_end)
        if old_starts[i2] != old_end + offset or new_starts[j2] != new_end + offset:
            i2, j2 = min(i2 + 1, len(old)), min(j2 + 1, len(new))  # the line the change ends in
        if merged and (i1 <= merged[-1][1] or j1 <= merged[-1][3]):
            merged[-1][1], merged[-1][3] = max(merged[-1][1], i2), max(merged[-1][3], j2)
        else:
            merged.append([i1, i2, j1, j2])
    found: list[tuple[int, int, int, int]] = []
    for i1, i2, j1, j2 in merged:
        while i1 < i2 and j1 < j2 and old[i1] == new[j1]:
            i1, j1 = i1 + 1, j1 + 1
        while i1 < i2 and j1 < j2 and old[i2 - 1] == new[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
        if i1 < i2 or j1 < j2:  # not a repair that changed nothing a line shows
            found.append((i1, i2, j1, j2))
    return found


def _hunks(
    old: Sequence[str], new: Sequence[str], changes: list[tuple[int, int, int, int]], context: int
) -> Iterator[tuple[str, list[str]]]:
    """Each hunk's ``@@`` line and body lines (without the ``\\ No newline`` notes): changes closer
    than twice ``context`` lines share a hunk, as in ``diff -u``."""
    group: list[tuple[int, int, int, int]] = []
    for change in changes:
        if group and change[0] - group[-1][1] > 2 * context:
            yield _hunk(old, new, group, context)
            group = []
        group.append(change)
    if group:
        yield _hunk(old, new, group, context)


def _hunk(
    old: Sequence[str], new: Sequence[str], group: list[tuple[int, int, int, int]], context: int
) -> tuple[str, list[str]]:
    first, last = group[0], group[-1]
    start = max(0, first[0] - context)
    stop = min(len(old), last[1] + context)
    new_start, new_stop = first[2] - (first[0] - start), last[3] + (stop - last[1])
    body = [" " + line for line in old[start : first[0]]]
    for index, (i1, i2, j1, j2) in enumerate(group):
        body += ["-" + line for line in old[i1:i2]]
        body += ["+" + line for line in new[j1:j2]]
        following = group[index + 1][0] if index + 1 < len(group) else stop
        body += [" " + line for line in old[i2:following]]
    return f"@@ -{_range(start, stop)} +{_range(new_start, new_stop)} @@\n", body


def render_diff(diff: str) -> Iterator[Text]:
    """Colour a unified diff; where a run of removed lines is replaced by as many added lines, pair
    them and mark the characters that differ.

    The diff is read as patch tools read it (lines end at LF; ``---``/``+++`` are headers only between
    hunks, so a removed line that starts with ``--`` stays a removed line), and control characters in
    it are shown as ``<U+001B>``, never sent to the terminal: an article must not drive it.
    """
    lines = diff.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    index = 0
    old_left = new_left = 0  # lines of the current hunk still to come on each side
    while index < len(lines):
        line = lines[index].removesuffix("\r")
        if old_left <= 0 and new_left <= 0 and not line.startswith(("@@", "\\")):
            yield Text(_safe(line), style="bold")
        elif line.startswith("@@"):
            match = _HUNK_HEADER.match(line)
            old_left = int(match.group(1) or 1) if match else 0
            new_left = int(match.group(2) or 1) if match else 0
            yield Text(_safe(line), style="cyan")
        elif line.startswith("\\"):
            yield Text(line, style="dim")
        elif line.startswith("-"):
            removed = _run(lines, index, "-", old_left)
            added = _run(lines, index + len(removed), "+", new_left)
            old_left -= len(removed)
            new_left -= len(added)
            if len(removed) == len(added):
                pairs = [changed_pair(old[1:], new[1:]) for old, new in zip(removed, added, strict=True)]
                yield from (Text("-", style="red") + old for old, _ in pairs)
                yield from (Text("+", style="green") + new for _, new in pairs)
            else:
                yield from (Text(_safe(old), style="red") for old in removed)
                yield from (Text(_safe(new), style="green") for new in added)
            index += len(removed) + len(added)
            continue
        elif line.startswith("+"):
            new_left -= 1
            yield Text(_safe(line), style="green")
        else:
            old_left, new_left = old_left - 1, new_left - 1
            yield Text(_safe(line if len(line) <= 120 else line[:119] + "…"), style="dim")
        index += 1


_HUNK_HEADER = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_UNSAFE_CATEGORIES = {"Cc", "Zl", "Zp"}
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _run(lines: list[str], start: int, prefix: str, limit: int) -> list[str]:
    """The run of lines from ``start`` that start with ``prefix`` (at most ``limit``), each without a
    trailing CR (a CRLF file's line ending)."""
    end = start
    while end < len(lines) and end - start < limit and lines[end].startswith(prefix):
        end += 1
    return [line.removesuffix("\r") for line in lines[start:end]]


def _safe(text: str) -> str:
    """``text`` for a terminal: control characters, line and paragraph separators and bidirectional
    controls as ``<U+XXXX>`` (a tab stays a tab)."""
    return "".join(
        f"<U+{ord(char):04X}>"
        if char != "\t" and (unicodedata.category(char) in _UNSAFE_CATEGORIES or char in _BIDI_CONTROLS)
        else char
        for char in text
    )


def changed_pair(old: str, new: str, context: int = 50) -> tuple[Text, Text]:
    """The two versions of a line, each with the characters that differ from the other highlighted.

    Unchanged stretches longer than twice ``context`` are cut to ``context`` characters on each side
    of a change, so a one-character repair in a 600-character paragraph fits on a screen.
    """
    old_text, new_text = Text(style="red"), Text(style="green")
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = _safe(_clip(old[i1:i2], context, first=number == 0, last=number == len(opcodes) - 1))
            old_text.append(same)
            new_text.append(same)
            continue
        old_text.append(visible_change(old[i1:i2]), style="bold white on red")
        new_text.append(visible_change(new[j1:j2]), style="bold white on green")
    return old_text, new_text


def _clip(same: str, context: int, first: bool, last: bool) -> str:
    """An unchanged stretch, cut in the middle (or at the line's start or end) when it is long."""
    head = "" if first else same[:context]
    tail = "" if last else same[-context:]
    if len(same) <= len(head) + len(tail) + 1:
        return same
    return f"{head}…{tail}"


def visible_change(text: str) -> str:
    """A changed stretch as it should be seen: spaces and invisible characters made visible."""
    return "".join(
        "·" if char == " " else char if char.isprintable() else f"<U+{ord(char):04X}>" for char in text
    )
