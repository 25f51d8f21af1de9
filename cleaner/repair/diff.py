"""Repairs shown as diffs: a unified diff (difflib) for tools and patch, and the same hunks coloured
with the changed characters marked, for an editor to approve without opening the file.

Articles keep a paragraph on one line, so a changed line is long: marking the changed characters
inside it is what makes a hunk readable.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from rich.text import Text


def unified_diff(path: str, before: str, after: str, context: int = 1) -> str:
    """A unified diff of the whole file, ``a/path`` against ``b/path``, line endings kept."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=path if path.startswith("/") else f"a/{path}",
        tofile=path if path.startswith("/") else f"b/{path}",
        n=context,
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def render_diff(diff: str) -> Iterator[Text]:
    """Colour a unified diff; where a run of removed lines is replaced by as many added lines, pair
    them and mark the characters that differ."""
    lines = diff.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith(("---", "+++")):
            yield Text(line, style="bold")
        elif line.startswith("@@"):
            yield Text(line, style="cyan")
        elif line.startswith("-"):
            removed = _run(lines, index, "-")
            added = _run(lines, index + len(removed), "+")
            if len(removed) == len(added):
                pairs = [changed_pair(old[1:], new[1:]) for old, new in zip(removed, added, strict=True)]
                yield from (Text("-", style="red") + old for old, _ in pairs)
                yield from (Text("+", style="green") + new for _, new in pairs)
            else:
                yield from (Text(old, style="red") for old in removed)
                yield from (Text(new, style="green") for new in added)
            index += len(removed) + len(added)
            continue
        elif line.startswith("+"):
            yield Text(line, style="green")
        else:
            yield Text(line if len(line) <= 120 else line[:119] + "…", style="dim")
        index += 1


def _run(lines: list[str], start: int, prefix: str) -> list[str]:
    end = start
    while end < len(lines) and lines[end].startswith(prefix) and not lines[end].startswith(prefix * 3 + " "):
        end += 1
    return lines[start:end]


def changed_pair(old: str, new: str, context: int = 50) -> tuple[Text, Text]:
    """The two versions of a line, each with the characters that differ from the other highlighted.

    Unchanged stretches longer than twice ``context`` are cut to ``context`` characters on each side
    of a change, so a one-character repair in a 600-character paragraph fits on a screen.
    """
    old_text, new_text = Text(style="red"), Text(style="green")
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = _clip(old[i1:i2], context, first=number == 0, last=number == len(opcodes) - 1)
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
