"""The JSON contract (version 1) other tools depend on: extend it, never break it."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from cleaner.document import Document
from cleaner.findings import Finding
from cleaner.report.formats import WholeReport, statistics
from cleaner.session import FileResult, RunResult

JSON_VERSION = 1


def finding_to_json(document: Document, finding: Finding) -> dict[str, Any]:
    """One finding. With a source (``--source``, a bilingual file) it names its ``unit`` and the
    offsets in it (``unit_start``, ``unit_end``); in a bilingual file ``start``/``end`` index the
    checked text (the targets joined by blank lines) and ``line``/``column`` are the target's in the file."""
    line, column = document.position(finding.start)
    data: dict[str, Any] = {
        "rule": finding.rule,
        "category": str(finding.category),
        "severity": str(finding.severity),
        "message": finding.message,
        "start": finding.start,
        "end": finding.end,
        "line": line,
        "column": column,
        "excerpt": document.excerpt(finding.start, finding.end),
        "source": str(finding.source),
        "fixes": [fix.to_json() for fix in finding.fixes],
    }
    unit = document.unit_at(finding.start)
    if unit is not None:
        data["unit"], data["unit_start"] = unit
        data["unit_end"] = unit[1] + finding.end - finding.start
    return data


class JsonReport(WholeReport):
    def __init__(self) -> None:
        self.files: list[dict[str, Any]] = []

    def add(self, document: Document | None, result: FileResult) -> None:
        findings = [finding_to_json(document, f) for f in result.findings] if document is not None else []
        self.files.append({"path": result.path, "findings": findings})

    def render(self, run: RunResult) -> str:
        """The report; ``statistics`` (findings per rule, most first, as ``--statistics`` prints them) is
        always there, so ``--statistics --format json`` loses nothing and scripts need no second run."""
        report = {
            "version": JSON_VERSION,
            "files": self.files,
            "errors": [error.to_json() for error in run.errors],
            "warnings": run.warnings,
            "languagetool": run.languagetool,
            "statistics": [{"rule": rule, "count": count} for rule, count in statistics(run)],
        }
        if self.files:
            text = json_text({**report, "files": [0]}, indent=2)
            files = ",\n    ".join(_file_text(file) for file in self.files)
            text = text.replace(_FILES_SLOT, f'"files": [\n    {files}\n  ]', 1)
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                pass  # a lone surrogate: every character beyond ASCII escaped, as ``json_text`` does
            else:
                return text
        return json_text(report, indent=2)


_FILES_SLOT = '"files": [\n    0\n  ]'
"""Where the files go in a report rendered with one file, ``0``, in their place: a line break inside a
string is written as an escape, so this text with its line breaks can only be the report's own."""
_CLEAN_FILE = '{\n      "path": %s,\n      "findings": []\n    }'


def _file_text(file: dict[str, Any]) -> str:
    """One file of the report as ``json.dumps(report, indent=2)`` writes it among the files, and as fast
    as a file without findings (most of a big run) can be: ``json`` indents in Python, and on 3,800
    articles doing so took the run's own process 20 ms after its workers were done."""
    if not file["findings"]:
        return _CLEAN_FILE % encode_basestring(file["path"])
    return json.dumps(file, ensure_ascii=False, indent=2).replace("\n", "\n    ")


def json_text(value: Any, indent: int | None = None) -> str:
    """JSON with its characters as they are, unless it holds a lone surrogate (text decoded from a
    ``\\ud800`` escape in a bilingual file or a corpus row): UTF-8 cannot encode one, so then every
    character beyond ASCII is written as an escape, which JSON readers decode back whole."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, indent=indent)
    return text
