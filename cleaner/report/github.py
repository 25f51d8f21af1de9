"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from cleaner.document import Document
from cleaner.findings import Severity
from cleaner.report.formats import WholeReport
from cleaner.report.visible import escaped
from cleaner.session import FileResult, RunResult

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    """A workflow command's message: the runner's own escapes for ``%``, CR and LF, and every other
    control character shown as an escape, so no byte of an article reaches the log raw."""
    return escaped(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    """A property such as ``file=``: the runner unescapes it to the raw name it matches against the
    repository's files, so a name is written with the runner's escapes, never as a ``repr``."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReport(WholeReport):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, document: Document | None, result: FileResult) -> None:
        for finding in result.findings if document is not None else ():
            line, column = document.position(finding.start)
            end_line, end_column = document.position(finding.end)
            properties = ",".join(
                [
                    f"file={_escape_property(result.path)}",
                    f"line={line}",
                    f"col={column}",
                    f"endLine={end_line}",
                    f"endColumn={end_column}",
                    f"title={_escape_property(finding.rule)}",
                ]
            )
            self.lines.append(f"::{_COMMAND[finding.severity]} {properties}::{_escape_data(finding.message)}")

    def render(self, run: RunResult) -> str:
        lines = list(self.lines)
        for error in run.errors:
            name = _escape_property(error.path)
            lines.append(f"::error file={name}::{_escape_data(error.message)}")
        lines += [f"::warning::{_escape_data(w)}" for w in run.warnings]
        return "\n".join(lines)
