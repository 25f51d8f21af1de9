"""Human-readable output: ``path:line:col: rule [category] severity: message``, the excerpt underneath,
a summary.

Colour comes from rich, which writes plain text when the output is not a terminal (or NO_COLOR is set).
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from cleaner.document import Document
from cleaner.findings import Applicability, Finding, Severity
from cleaner.report.visible import display_path, escaped
from cleaner.session import RunResult

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_CONTEXT = 40


def print_finding(console: Console, document: Document, finding: Finding) -> None:
    line, column = document.line_col(finding.start)
    header = Text()
    header.append(f"{display_path(document.path)}:{line}:{column}:", style="bold")
    header.append(f" {finding.rule}", style=_SEVERITY_STYLE[finding.severity])
    header.append(f" [{finding.category}]", style="dim")
    # The severity as a word, not only as colour: hooks and CI read piped, colourless output.
    header.append(f" {finding.severity}:", style=_SEVERITY_STYLE[finding.severity])
    header.append(f" {escaped(finding.message)}")
    console.print(header, soft_wrap=True)
    console.print(excerpt(document, finding), soft_wrap=True, highlight=False)
    if finding.fixes:
        fix = finding.fixes[0]
        label = "fix" if fix.applicability is Applicability.SAFE else f"suggestion ({fix.applicability})"
        shown = document.text[fix.start : fix.end]
        console.print(
            f"    [green]{label}:[/] {escape(repr(shown))} → {escape(repr(fix.replacement))}"
            + (f" [dim](+{len(finding.fixes) - 1} more)[/]" if len(finding.fixes) > 1 else ""),
            soft_wrap=True,
            highlight=False,
        )


def excerpt(document: Document, finding: Finding) -> Text:
    """The finding's line, cut to a window around the span, with the span marked underneath."""
    line, column = document.line_col(finding.start)
    text = document.line_text(line)
    start = column - 1
    end = min(len(text), start + max(1, finding.end - finding.start))
    left = max(0, start - _CONTEXT)
    right = min(len(text), end + _CONTEXT)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    shown = Text("    " + prefix)
    shown.append(_printable(text[left:start]))
    shown.append(_printable(text[start:end]), style="bold underline")
    shown.append(_printable(text[end:right]) + suffix)
    marker = " " * (4 + len(prefix) + start - left) + "^" * max(1, end - start)
    shown.append("\n" + marker, style=_SEVERITY_STYLE[finding.severity])
    return shown


def _printable(text: str) -> str:
    """Keep the excerpt one screen column per character: tabs and invisible characters show as '·'."""
    return "".join(char if char.isprintable() else "·" for char in text)


def print_run(console: Console, run: RunResult, err_console: Console) -> None:
    for result in run.files:
        for finding in result.findings:
            print_finding(console, result.document, finding)
    for error in run.errors:
        err_console.print(
            f"[bold red]error:[/] {escape(display_path(error.path))}: {escape(escaped(error.message))}",
            highlight=False,
        )
    for warning in run.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(escaped(warning))}", highlight=False)
    console.print(summary(run), highlight=False)


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
