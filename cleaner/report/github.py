"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from cleaner.findings import Severity
from cleaner.report.visible import display_path, escaped
from cleaner.session import RunResult

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    """A workflow command's message: the runner's own escapes for ``%``, CR and LF, and every other
    control character shown as an escape, so no byte of an article reaches the log raw."""
    return escaped(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(run: RunResult) -> str:
    lines = []
    for file in run.files:
        for finding in file.findings:
            line, column = file.document.position(finding.start)
            end_line, end_column = file.document.position(finding.end)
            properties = ",".join(
                [
                    f"file={_escape_property(display_path(file.document.path))}",
                    f"line={line}",
                    f"col={column}",
                    f"endLine={end_line}",
                    f"endColumn={end_column}",
                    f"title={_escape_property(finding.rule)}",
                ]
            )
            lines.append(f"::{_COMMAND[finding.severity]} {properties}::{_escape_data(finding.message)}")
    for error in run.errors:
        name = _escape_property(display_path(error.path))
        lines.append(f"::error file={name}::{_escape_data(error.message)}")
    lines += [f"::warning::{_escape_data(w)}" for w in run.warnings]
    return "\n".join(lines)
