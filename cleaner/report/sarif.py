"""SARIF 2.1.0, for code-scanning dashboards: one run, one rule entry per rule that fired, each with the
help a reviewer needs on the dashboard (what the rule finds, an example and its repair)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.bilingual import BilingualError
from cleaner.document import Document
from cleaner.findings import Finding, Severity, Source
from cleaner.grammar.mapping import RULE_PREFIX
from cleaner.report.formats import WholeReport
from cleaner.report.json_report import json_text
from cleaner.ruleset import Rule, RuleError, load_rules
from cleaner.session import FileResult, RunResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_URL_LABELS = ("homepage", "documentation", "repository", "source")


def project_url() -> str | None:
    """Where this project lives, from the installed package's metadata (``[project.urls]`` in
    pyproject.toml: Homepage first), for the driver's ``informationUri``. None when the package names
    none: a dashboard link to a page that is not this project (a namesake on a package index) is worse
    than no link."""
    try:
        entries = metadata.metadata("cleaner").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    return next((urls[label] for label in _URL_LABELS if urls.get(label)), None)


def rule_descriptor(rule_id: str, finding: Finding, rule: Rule | None) -> dict[str, Any]:
    """The ``reportingDescriptor`` of a rule: its summary, and help in text and Markdown (what it finds,
    an example it flags with the repair, one it leaves alone, how to skip it)."""
    skip = f"Skip it with `--ignore {rule_id}`, or ignore its category `{finding.category}`."
    if rule is not None:
        summary = rule.summary
        lines = [summary, f"Category: {rule.category}; severity: {rule.severity}."]
        if rule.flag_examples:
            flagged = rule.flag_examples[0]
            repaired = f" → “{flagged.fixed}”" if flagged.fixed is not None else " (no repair offered)"
            lines.append(f"Flagged: “{flagged.text}”{repaired}")
        if rule.pass_examples:
            lines.append(f"Not flagged: “{rule.pass_examples[0].text}”")
    elif finding.source is Source.LANGUAGETOOL:
        summary = f"LanguageTool's rule {rule_id.removeprefix(RULE_PREFIX)} ({finding.category})."
        lines = [
            summary,
            f"An example of its message: {finding.message}",
            "`cleaner rules --languagetool` lists the LanguageTool rules cleaner disables by default.",
        ]
    else:  # a detector of the neural stage, which has no rule file
        summary = finding.message
        lines = [summary, f"Category: {finding.category}; reported with --neural."]
    lines.append(skip)
    return {
        "id": rule_id,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(lines[:2])},
        "help": {"text": "\n".join(lines), "markdown": "\n\n".join(lines)},
        "defaultConfiguration": {"level": _LEVEL[finding.severity]},
        "properties": {"category": str(finding.category), "tags": [str(finding.category)]},
    }


def _rules_by_id(run: RunResult) -> dict[str, Rule]:
    """The rules of the run's files (bundled, and each file's own rule folders), by id."""
    rules: dict[str, Rule] = {}
    for folders in dict.fromkeys(file.settings.rules for file in run.files):
        try:
            rules.update((rule.id, rule) for rule in load_rules(folders))
        except RuleError:  # the run reported it already; the help then says less
            continue
    return rules


class SarifReport(WholeReport):
    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []

    def add(self, document: Document | None, result: FileResult) -> None:
        if document is None:
            return  # no findings
        uri = Path(result.path).as_posix()
        for finding in result.findings:
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
            found: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": -1,  # known once the run is over: see render
                "level": _LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [location],
                "properties": {"category": str(finding.category), "source": str(finding.source)},
            }
            if finding.fixes:
                fix = finding.fixes[0]
                fix_start, fix_end, inserted = _file_edit(document, fix.start, fix.end, fix.replacement)
                found["fixes"] = [
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
            self.results.append(found)

    def render(self, run: RunResult) -> str:
        rules: dict[str, Finding] = {}
        for file in run.files:
            for finding in file.findings:
                rules.setdefault(finding.rule, finding)
        sorted_ids = sorted(rules)
        known = _rules_by_id(run) if rules else {}
        index = {rule_id: position for position, rule_id in enumerate(sorted_ids)}
        for found in self.results:
            found["ruleIndex"] = index[found["ruleId"]]
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "cleaner",
                            "version": __version__,
                            **({"informationUri": url} if (url := project_url()) else {}),
                            "rules": [rule_descriptor(i, rules[i], known.get(i)) for i in sorted_ids],
                        }
                    },
                    "results": self.results,
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
        return json_text(log, indent=2)


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
