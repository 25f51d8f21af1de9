"""SARIF 2.1.0, for code-scanning dashboards: one run, one rule entry per rule that fired."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cleaner import __version__
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
            start_line, start_column = file.document.line_col(finding.start)
            end_line, end_column = file.document.line_col(finding.end)
            result: dict[str, Any] = {
                "ruleId": finding.rule,
                "level": _LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {
                                "startLine": start_line,
                                "startColumn": start_column,
                                "endLine": end_line,
                                "endColumn": end_column,
                                "charOffset": finding.start,
                                "charLength": finding.end - finding.start,
                            },
                        }
                    }
                ],
                "properties": {"category": str(finding.category), "source": str(finding.source)},
            }
            if finding.fixes:
                fix = finding.fixes[0]
                fix_start = file.document.line_col(fix.start)
                fix_end = file.document.line_col(fix.end)
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
                                        "insertedContent": {"text": fix.replacement},
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
