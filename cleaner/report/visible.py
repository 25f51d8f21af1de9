"""Text from files and file names, made safe to show: what every renderer applies before printing.

File names and article text come from outside. Printed raw, an escape sequence in a name recolours or
clears the terminal, a line break forges an extra ``path:line:col`` line or workflow command, and a
bidirectional override shows a name other than the real one; characters outside XML 1.0 make a JUnit
report unreadable. So renderers show such characters as escapes (``\\x1b``, ``\\u202e``) instead.
"""

from __future__ import annotations

import re

_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
)
"""Control characters (C0, DEL, C1), line and paragraph separators, bidirectional controls, lone
surrogates (decoded from a ``\\ud800`` escape in a bilingual file: no UTF-8 output can hold one), the
byte-order mark and the two non-characters XML 1.0 forbids."""


def escaped(text: str) -> str:
    """``text`` with every control, separator and bidirectional character as a Python-style escape.

    Meant for messages and excerpts, where the rest of the text must stay as it is; a backslash is left
    alone, so use ``display_path`` where an escape must not be mistaken for the characters themselves.
    """
    return _HIDDEN.sub(_escape, text) if _HIDDEN.search(text) else text


def display_path(path: str) -> str:
    """A file name as a person should see it: as it is when every character in it is printable,
    otherwise its Python ``repr`` (``'a\\x1b[31m.txt'``), quoted so that the escape cannot be taken
    for a name that holds a backslash."""
    return path if path.isprintable() else repr(path)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
