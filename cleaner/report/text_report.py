"""Human-readable output: ``path:line:col: rule [category] severity: message``, the excerpt underneath,
a summary.

Colour comes from rich, which writes plain text when the output is not a terminal (or NO_COLOR is set).
"""

from __future__ import annotations

import os
from collections import Counter

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from cleaner.document import Document
from cleaner.findings import Applicability, Finding, Severity
from cleaner.report.visible import display_path, escaped
from cleaner.ruleset import shortened
from cleaner.session import FileResult, RunResult

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_INDENT = "    "
PIPED_WIDTH = 100
"""Columns for excerpts when the output is not a terminal and ``$COLUMNS`` is not set."""
FIX_QUOTE = 80
"""Characters of a repair's text and replacement the summary line shows at most."""
MIN_WIDTH = 24
"""Excerpts keep at least this many columns however narrow the terminal says it is."""


def finding_text(document: Document, finding: Finding, width: int = PIPED_WIDTH) -> Text:
    """One finding as it is shown: the header line, the excerpt with its carets, and the first repair.

    One ``Text`` rather than a print per line: rich's cost is per print, and a run of many findings
    spent more time printing than checking."""
    line, column = document.position(finding.start)
    shown = Text()
    shown.append(f"{display_path(document.path)}:{line}:{column}:", style="bold")
    shown.append(f" {finding.rule}", style=_SEVERITY_STYLE[finding.severity])
    shown.append(f" [{finding.category}]", style="dim")
    # The severity as a word, not only as colour: hooks and CI read piped, colourless output.
    shown.append(f" {finding.severity}:", style=_SEVERITY_STYLE[finding.severity])
    shown.append(f" {escaped(finding.message)}")
    unit = document.unit_at(finding.start)
    if unit is not None:  # in a bilingual file or a translation read with its source
        shown.append(f" (unit {escaped(unit[0])}, column {unit[1] + 1})", style="dim")
    shown.append("\n")
    shown.append_text(excerpt(document, finding, width))
    if finding.fixes:
        fix = finding.fixes[0]
        label = "fix" if fix.applicability is Applicability.SAFE else f"suggestion ({fix.applicability})"
        shown.append("\n    ")
        shown.append(f"{label}:", style="green")
        # A repair of a long stretch shows its ends: the whole of it is in the JSON report and the diff.
        before, after = document.text[fix.start : fix.end], fix.replacement
        shown.append(f" {shortened(before, FIX_QUOTE)!r} → {shortened(after, FIX_QUOTE)!r}")
        if len(finding.fixes) > 1:
            shown.append(" ")
            shown.append(f"(+{len(finding.fixes) - 1} more)", style="dim")
    return shown


def excerpt(document: Document, finding: Finding, width: int = PIPED_WIDTH) -> Text:
    """The finding's line, cut to fit ``width`` screen columns around the span, with the span marked
    underneath: neither line wraps, so the carets stay under the span."""
    line, _ = document.line_col(finding.start)
    line_start, line_end = document.line_bounds(line)
    # Only the part of the line the window can show is read: on a line of megabytes (a file with no
    # line breaks) each finding would otherwise scan the whole line.
    reach = 4 * max(MIN_WIDTH, width)
    first = max(line_start, finding.start - reach)
    last = min(line_end, max(min(finding.end, finding.start + reach), finding.start + 1) + reach)
    text = _printable(document.text[first:last])
    start = min(finding.start - first, len(text))
    end = min(len(text), start + max(1, finding.end - finding.start))
    room = max(MIN_WIDTH, width) - len(_INDENT) - (start == len(text))  # a caret past the line's end
    left, right = _window(text, start, end, room)
    prefix = "…" if left > 0 or first > line_start else ""
    suffix = "…" if right < len(text) or last < line_end else ""
    end = min(end, right)  # a span longer than the room is marked as far as it is shown
    shown = Text(_INDENT + prefix)
    shown.append(text[left:start])
    shown.append(text[start:end], style="bold underline")
    shown.append(text[end:right] + suffix)
    offset = cell_len(_INDENT + prefix + text[left:start])
    marker = " " * offset + "^" * max(1, cell_len(text[start:end]))
    shown.append("\n" + marker, style=_SEVERITY_STYLE[finding.severity])
    return shown


def _window(text: str, start: int, end: int, room: int) -> tuple[int, int]:
    """(left, right): the widest slice of ``text`` around ``text[start:end]`` that fits ``room``
    columns, counting an ellipsis on each cut side; context is shared evenly between the sides, and
    what one side cannot use goes to the other. A span wider than the room is shown from its start."""
    if cell_len(text) <= room:
        return 0, len(text)
    room -= 2  # the ellipses
    left, right = start, min(end, start + max(1, room))  # at most a character a column
    while right > left + 1 and cell_len(text[left:right]) > room:
        right -= 1
    grew = True
    while grew:
        grew = False
        for side in ("left", "right") if start - left <= right - end else ("right", "left"):
            if side == "left" and left > 0 and cell_len(text[left - 1 : right]) <= room:
                left -= 1
                grew = True
                break
            if side == "right" and right < len(text) and cell_len(text[left : right + 1]) <= room:
                right += 1
                grew = True
                break
    # no ellipsis is needed on a side that reaches the line's end: give its column back
    if left == 0 and right < len(text) and cell_len(text[left : right + 1]) <= room + 1:
        right += 1
    elif right == len(text) and left > 0 and cell_len(text[left - 1 : right]) <= room + 1:
        left -= 1
    return left, right


def excerpt_width(console: Console) -> int:
    """The columns an excerpt may use: the terminal's; when piped, ``$COLUMNS`` if set, else a fixed
    default, so hooks, CI and tests see the same output whatever terminal started them."""
    if console.is_terminal:
        return console.width
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH


def _printable(text: str) -> str:
    """Keep the excerpt one screen column per character: tabs and invisible characters show as '·'."""
    return "".join(char if char.isprintable() else "·" for char in text)


class TextReport:
    """Findings as they are rendered on ``console`` (colour, excerpt width), captured per file as it is
    checked and written once the run is over: the run keeps text rather than documents, and nothing
    reaches the output while a progress bar is drawn. ``statistics`` prints counts instead."""

    def __init__(self, console: Console, errors: Console, statistics: bool = False) -> None:
        self.console, self.errors, self.statistics = console, errors, statistics
        self.rendered: list[str] = []

    def add(self, document: Document | None, result: FileResult) -> None:
        if self.statistics or document is None or not result.findings:
            return
        width = excerpt_width(self.console)
        shown = Text("\n").join(finding_text(document, finding, width) for finding in result.findings)
        with self.console.capture() as captured:
            self.console.print(shown, soft_wrap=True)
        self.rendered.append(captured.get())

    def finish(self, run: RunResult) -> None:
        if self.statistics:
            print_statistics(self.console, run)
        for text in self.rendered:
            self.console.file.write(text)
        for error in run.errors:  # with --statistics too: the count alone does not say which file or why
            self.errors.print(
                f"[bold red]error:[/] {escape(display_path(error.path))}: {escape(escaped(error.message))}",
                highlight=False,
            )
        for warning in run.warnings:
            self.errors.print(f"[yellow]warning:[/] {escape(escaped(warning))}", highlight=False)
        if not self.statistics:
            self.console.print(summary(run), highlight=False)


def summary(run: RunResult) -> str:
    findings = [f for result in run.files for f in result.findings]
    counts = Counter(f.severity for f in findings)
    best = Counter(f.fixes[0].applicability for f in findings if f.fixes)
    files = len(run.files)
    if not findings:
        text = f"No findings in {files} file{'s' * (files != 1)}."
    else:
        parts = [
            f"{counts[s]} {s}{'s' * (counts[s] != 1) if s != Severity.INFO else ''}"
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if counts[s]
        ]
        text = (
            f"Found {len(findings)} finding{'s' * (len(findings) != 1)} ({', '.join(parts)}) "
            f"in {files} file{'s' * (files != 1)}; {_fixable(best)}."
        )
    if run.errors:
        text += f" {len(run.errors)} file{'s' * (len(run.errors) != 1)} could not be checked."
    return text


def _fixable(best: Counter[Applicability]) -> str:
    """What the findings' best repairs allow, as ruff says it: the safe ones ``cleaner fix`` applies,
    the unsafe ones behind ``--unsafe-fixes`` or a review, and display-only suggestions, which no tool
    applies (the label "suggestion (display)" in the lines above is otherwise unexplained)."""
    text = f"{best[Applicability.SAFE]} fixable with `cleaner fix`"
    if unsafe := best[Applicability.UNSAFE]:
        text += (
            f" ({unsafe} more with `cleaner fix --unsafe-fixes`, or review each with"
            " `cleaner fix --interactive`)"
        )
    if display := best[Applicability.DISPLAY]:
        text += (
            f"; {display} suggestion{'s' * (display != 1)} (display) only shown, for you to judge and"
            " apply by hand"
        )
    return text


def print_statistics(console: Console, run: RunResult) -> None:
    """``--statistics``: how many findings each rule made, most first, as ruff prints them."""
    from cleaner.report.formats import statistics

    for rule, count in statistics(run):
        console.print(f"{count:>6}  {rule}", markup=False)
    console.print(summary(run), highlight=False)
