"""The ``cleaner`` command line. It only wires: options -> pipeline -> reporter -> exit code."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from cleaner import __version__

if TYPE_CHECKING:
    from cleaner.grammar.engine import GrammarEngine
from cleaner.findings import Applicability, Severity
from cleaner.grammar import install as lt_install
from cleaner.grammar import server as lt_server
from cleaner.grammar.errors import EngineUnavailable
from cleaner.pipeline import Checker, Selection, check_paths
from cleaner.repair.diff import render_diff, unified_diff
from cleaner.repair.fixer import fix_text
from cleaner.repair.interactive import review_document
from cleaner.repair.writer import WriteRefused, write_document
from cleaner.report.json_report import render_json
from cleaner.report.text_report import print_run
from cleaner.ruleset import RuleError, load_rules
from cleaner.sources import (
    DEFAULT_EXTENSIONS,
    STDIN_PATH,
    SourceError,
    UnreadableSource,
    discover,
    read_document,
)

app = typer.Typer(
    name="cleaner",
    help="Find the damage machine translation leaves in English articles, and repair it under review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
server_app = typer.Typer(
    help="A LanguageTool server that outlives one run (for pre-commit hooks and editors).",
    no_args_is_help=True,
)
app.add_typer(server_app, name="server")

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


NoGrammarOpt = Annotated[bool, typer.Option("--no-grammar", help="Own rules only; do not run LanguageTool.")]
LanguageToolUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--languagetool-url",
        envvar="CLEANER_LANGUAGETOOL_URL",
        help="Use the LanguageTool server at this URL (a team server, the Docker image).",
    ),
]
LanguageOpt = Annotated[
    str, typer.Option("--language", help="Language variant for LanguageTool: en-US, en-GB, …")
]


def _checker(
    select: list[str],
    ignore: list[str],
    rules: list[Path],
    min_severity: Severity,
    grammar: GrammarEngine | None = None,
) -> Checker:
    try:
        return Checker(Selection(tuple(select), tuple(ignore), min_severity, tuple(rules)), grammar=grammar)
    except RuleError as exc:
        _fail(str(exc))


def _grammar(no_grammar: bool, url: str | None, language: str, no_cache: bool) -> GrammarEngine | None:
    if no_grammar:
        return None
    from cleaner.grammar.engine import GrammarEngine, GrammarSettings

    return GrammarEngine(GrammarSettings(language=language, url=url, use_cache=not no_cache))


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
    no_grammar: NoGrammarOpt = False,
    require_grammar: Annotated[
        bool, typer.Option("--require-grammar", help="Exit 2 when LanguageTool cannot be used.")
    ] = False,
    languagetool_url: LanguageToolUrlOpt = None,
    language: LanguageOpt = "en-US",
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the result cache.")
    ] = False,
) -> None:
    """Report machine-translation damage in articles.

    Exit codes: 0 nothing at or above --fail-on; 1 findings; 2 a usage error or a file that could not be
    checked (the other files are still checked). When LanguageTool cannot be used the run goes on with
    cleaner's own rules and says so on stderr; --require-grammar makes that exit 2.
    """
    grammar = _grammar(no_grammar, languagetool_url, language, no_cache)
    checker = _checker(select, ignore, rules, min_severity, grammar)
    extensions = tuple(e if e.startswith(".") else f".{e}" for e in extension) or DEFAULT_EXTENSIONS
    try:
        run = check_paths(paths, checker, extensions)
    finally:
        if grammar is not None:
            grammar.close()
    if output_format is OutputFormat.JSON:
        sys.stdout.write(render_json(run) + "\n")
    else:
        print_run(
            Console(highlight=False, soft_wrap=True),
            run,
            Console(stderr=True, highlight=False, soft_wrap=True),
        )
    if run.errors or (require_grammar and run.warnings):
        raise typer.Exit(EXIT_ERROR)
    if run.count_at_least(fail_on) and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def fix(
    paths: PathsArg,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the repairs as a unified diff; change nothing.")
    ] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply unsafe repairs.")] = False,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Review each repair, hunk by hunk, like `git add -p`.")
    ] = False,
    backup: Annotated[bool, typer.Option("--backup", help="Keep each original file as FILE.orig.")] = False,
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    min_severity: MinSeverityOpt = Severity.INFO,
    extension: Annotated[
        list[str], typer.Option("--extension", help="File endings to fix in folders (default .txt, .md).")
    ] = [],  # noqa: B006
) -> None:
    """Repair machine-translation damage: safe repairs in place, or as a diff, or one by one.

    Exit codes: 0 nothing left to repair; 1 repairs shown by --diff, or findings left for review;
    2 a usage error or a file that could not be read or written.
    """
    checker = _checker(select, ignore, rules, min_severity)
    console = Console(highlight=False, soft_wrap=True)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    if interactive and not sys.stdin.isatty():
        _fail("--interactive needs a terminal on standard input; use --diff to review repairs instead")
    if interactive and STDIN_PATH in paths:
        _fail("--interactive cannot read the article from standard input")
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe_fixes else {Applicability.SAFE}
    extensions = tuple(e if e.startswith(".") else f".{e}" for e in extension) or DEFAULT_EXTENSIONS
    failed = pending = False
    for item in discover(paths, extensions):
        try:
            if isinstance(item, SourceError):
                raise UnreadableSource(item)
            document = read_document(item)
        except UnreadableSource as exc:
            errors.print(f"error: {exc.error.path}: {exc.error.message}", markup=False)
            failed = True
            continue
        if interactive:
            review = review_document(
                document, checker.check_text, console, lambda q: console.input(escape(q))
            )
            new_text, count = review.text, len(review.accepted)
        else:
            outcome = fix_text(document.text, checker.check_text, allowed)
            new_text, count = outcome.text, len(outcome.applied)
            pending = pending or bool(outcome.remaining)
        if diff:
            if new_text != document.text:
                pending = True
                patch = unified_diff(document.path, document.text, new_text)
                if console.is_terminal:
                    for line in render_diff(patch):
                        console.print(line)
                else:
                    sys.stdout.write(patch)  # exactly a patch when piped: `| git apply` works
            continue
        if item == STDIN_PATH:
            sys.stdout.write(new_text)
            continue
        if new_text != document.text:
            try:
                write_document(document, new_text, backup=backup)
            except (WriteRefused, OSError) as exc:
                errors.print(f"error: {document.path}: {exc}", markup=False)
                failed = True
                continue
        left = "" if interactive else f", {len(outcome.remaining)} left for review"
        console.print(f"{document.path}: {count} repair{'s' * (count != 1)} applied{left}", markup=False)
        if interactive and review.quit:
            break
    if failed:
        raise typer.Exit(EXIT_ERROR)
    if pending:
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


@app.command()
def setup() -> None:
    """Install what cleaner needs: LanguageTool's server and English module, from Maven Central.

    A no-op when they are already in the cache folder.
    """
    target = lt_install.installation()
    if target.complete:
        typer.echo(f"LanguageTool {target.version} is ready in {target.folder}")
        return
    typer.echo(f"Fetching LanguageTool {target.version} from Maven Central into {target.folder} …")
    try:
        lt_install.setup()
    except lt_install.SetupError as exc:
        _fail(str(exc))
    if lt_install.find_java() is None:
        typer.echo("warning: Java was not found; LanguageTool needs Java 17 or newer to run", err=True)
    typer.echo(f"LanguageTool {target.version} is ready in {target.folder}")


@server_app.command("start")
def server_start() -> None:
    """Start a LanguageTool server in the background; later runs of `cleaner check` use it."""
    try:
        handle = lt_server.start_persistent(lt_install.installation())
    except EngineUnavailable as exc:
        _fail(str(exc))
    typer.echo(f"LanguageTool server running at {handle.url} (pid {handle.pid})")


@server_app.command("stop")
def server_stop() -> None:
    """Stop the background LanguageTool server."""
    handle = lt_server.stop_persistent()
    typer.echo(f"stopped the server at {handle.url}" if handle else "no server was running")


@server_app.command("status")
def server_status() -> None:
    """Say whether a background LanguageTool server is running, and where. Exit 1 when none is."""
    handle = lt_server.running_server()
    if handle is None:
        typer.echo("no server is running")
        raise typer.Exit(EXIT_FINDINGS)
    typer.echo(f"running at {handle.url} (pid {handle.pid}, LanguageTool {handle.version})")
