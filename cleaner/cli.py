"""The ``cleaner`` command line. It only wires: options -> pipeline -> reporter -> exit code."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cleaner import __version__
from cleaner.findings import Severity
from cleaner.pipeline import Checker, Selection, check_paths
from cleaner.report.json_report import render_json
from cleaner.report.text_report import print_run
from cleaner.ruleset import RuleError, load_rules
from cleaner.sources import DEFAULT_EXTENSIONS

app = typer.Typer(
    name="cleaner",
    help="Find the damage machine translation leaves in English articles, and repair it under review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


PathsArg = Annotated[
    list[str], typer.Argument(help="Files or folders to check (folders recursively); '-' reads stdin.")
]
SelectOpt = Annotated[
    list[str], typer.Option("--select", help="Only these rules or families (id or prefix).")
]
IgnoreOpt = Annotated[
    list[str], typer.Option("--ignore", help="Skip these rules or families (id or prefix).")
]
RulesOpt = Annotated[list[Path], typer.Option("--rules", help="An extra folder of rule files (repeatable).")]
MinSeverityOpt = Annotated[
    Severity, typer.Option("--min-severity", help="Report only findings at least this severe.")
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """cleaner: machine-translation damage checker."""


def _checker(select: list[str], ignore: list[str], rules: list[Path], min_severity: Severity) -> Checker:
    try:
        return Checker(Selection(tuple(select), tuple(ignore), min_severity, tuple(rules)))
    except RuleError as exc:
        _fail(str(exc))


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, soft_wrap=True).print(f"error: {message}", highlight=False, markup=False)
    raise typer.Exit(EXIT_ERROR)


@app.command()
def check(
    paths: PathsArg,
    output_format: FormatOpt = OutputFormat.TEXT,
    select: SelectOpt = [],  # noqa: B006 (typer reads the default; it is never mutated)
    ignore: IgnoreOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    min_severity: MinSeverityOpt = Severity.INFO,
    fail_on: Annotated[
        Severity, typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.")
    ] = Severity.WARNING,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")
    ] = False,
    extension: Annotated[
        list[str], typer.Option("--extension", help="File endings to check in folders (default .txt, .md).")
    ] = [],  # noqa: B006
) -> None:
    """Report machine-translation damage in articles.

    Exit codes: 0 nothing at or above --fail-on; 1 findings; 2 a usage error or a file that could not be
    checked (the other files are still checked).
    """
    checker = _checker(select, ignore, rules, min_severity)
    extensions = tuple(e if e.startswith(".") else f".{e}" for e in extension) or DEFAULT_EXTENSIONS
    run = check_paths(paths, checker, extensions)
    if output_format is OutputFormat.JSON:
        sys.stdout.write(render_json(run) + "\n")
    else:
        print_run(
            Console(highlight=False, soft_wrap=True),
            run,
            Console(stderr=True, highlight=False, soft_wrap=True),
        )
    if run.errors:
        raise typer.Exit(EXIT_ERROR)
    if run.count_at_least(fail_on) and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("rules")
def list_rules(
    output_format: FormatOpt = OutputFormat.TEXT,
    rules: RulesOpt = [],  # noqa: B006
) -> None:
    """List every rule with its id, category, severity and what it finds."""
    try:
        loaded = load_rules(rules)
    except RuleError as exc:
        _fail(str(exc))
    if output_format is OutputFormat.JSON:
        data = [
            {
                "id": r.id,
                "category": str(r.category),
                "severity": str(r.severity),
                "summary": r.summary,
                "fixable": bool(r.fixes) or r.detector != "pattern",
            }
            for r in loaded
        ]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    console = Console(highlight=False)
    width = max(len(r.id) for r in loaded)
    for rule in loaded:
        console.print(
            f"{rule.id:<{width}}  {rule.category:<15} {rule.severity:<7}  {rule.summary}",
            markup=False,
            soft_wrap=True,
        )
