"""SARIF 2.1.0, for code-scanning dashboards: one run, one rule entry per rule that fired."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.bilingual import BilingualError
from cleaner.document import Document
from cleaner.findings import Finding, Severity
from cleaner.session import RunResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(run: RunResult) -> str:
    rules: dict[str, Finding] = {}
    results: list[dict[str, Any]] = []
    for file in run.files:
        uri = Path(file.document.path).as_posix()
        for finding in file.findings:
            rules.setdefault(finding.rule, finding)
            document = file.document
            start_line, start_column = document.position(finding.start)
            end_line, end_column = document.position(finding.end)
            offset, end_offset = _file_offset(document, finding.start), _file_offset(document, finding.end)
            location: dict[str, Any] = {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {
                        "startLine": start_line,
                        "startColumn": start_column,
                        "endLine": end_line,
                        "endColumn": end_column,
                        "charOffset": offset,
                        "charLength": end_offset - offset,
                    },
                }
            }
            unit = document.unit_at(finding.start)
            if unit is not None:  # the translation unit (XLIFF id, PO entry line, paragraph) it is in
                location["logicalLocations"] = [{"name": unit[0], "kind": "element"}]
            result: dict[str, Any] = {
                "ruleId": finding.rule,
                "level": _LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [location],
                "properties": {"category": str(finding.category), "source": str(finding.source)},
            }
            if finding.fixes:
                fix = finding.fixes[0]
                fix_start, fix_end, inserted = _file_edit(document, fix.start, fix.end, fix.replacement)
                result["fixes"] = [
                    {
                        "description": {"text": f"{fix.applicability} repair"},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": uri},
                                "replacements": [
                                    {
                                        "deletedRegion": {
                                            "startLine": fix_start[0],
                                            "startColumn": fix_start[1],
                                            "endLine": fix_end[0],
                                            "endColumn": fix_end[1],
                                        },
                                        "insertedContent": {"text": inserted},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cleaner",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/cleaner/",
                        "rules": [
                            {
                                "id": rule,
                                "shortDescription": {"text": f.category.value},
                                "defaultConfiguration": {"level": _LEVEL[f.severity]},
                            }
                            for rule, f in sorted(rules.items())
                        ],
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not run.errors,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": f"{e.path}: {e.message}"}}
                            for e in run.errors
                        ]
                        + [{"level": "warning", "message": {"text": w}} for w in run.warnings],
                    }
                ],
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _file_offset(document: Document, offset: int) -> int:
    return offset if document.container is None else document.container.file_offset(offset)


def _file_edit(
    document: Document, start: int, end: int, replacement: str
) -> tuple[tuple[int, int], tuple[int, int], str]:
    """A repair as a region of the file and the text to put there: in a bilingual file, the target's
    characters in the file and the replacement escaped as the file writes it."""
    container = document.container
    if container is None:
        return document.line_col(start), document.line_col(end), replacement
    try:
        raw_start, raw_end, raw_replacement = container.raw_edit(start, end, replacement)
    except BilingualError:  # a repair no tool could write there: point at it, unescaped
        return document.position(start), document.position(end), replacement
    return container.raw.line_col(raw_start), container.raw.line_col(raw_end), raw_replacement
