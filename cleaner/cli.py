"""The ``cleaner`` command line. It only wires: options -> session -> reporter -> exit code."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cleaner import __version__
from cleaner.bilingual import BilingualError
from cleaner.cli_help import Command
from cleaner.config import ConfigError, Settings
from cleaner.document import Document
from cleaner.findings import Applicability, Finding, Severity
from cleaner.grammar.errors import EngineUnavailable
from cleaner.neural.errors import ModelUnavailable
from cleaner.repair.review_keys import HELP as REVIEW_HELP
from cleaner.report import formats
from cleaner.report.visible import display_path
from cleaner.ruleset import RuleError, load_rules, on_time_budget_exceeded
from cleaner.session import Session, WorkerDied
from cleaner.sources import STDIN_PATH, SourceError, UnreadableSource

if TYPE_CHECKING:  # rich and the repair layer load where a command uses them: `check` needs neither
    from rich.console import Console

    from cleaner.repair.fixer import Change
    from cleaner.repair.interactive import Review

HELP_SETTINGS = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="cleaner",
    help="Find the damage machine translation leaves in English articles, and repair it under review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help, as ruff's and pre-commit's (see cleaner/cli_help.py)
    context_settings=HELP_SETTINGS,
)
server_app = typer.Typer(
    help="Keep a LanguageTool server running between runs.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=HELP_SETTINGS,
)
app.add_typer(server_app, name="server")

EXIT_FINDINGS, EXIT_ERROR = 1, 2  # and 0: nothing to report
REVIEW_KEYS = "\b\nKeys in --interactive review:\n" + "\n".join(f"  {k}" for k in REVIEW_HELP.splitlines())
PROGRESS_MIN_FILES = 5

PathsArg = Annotated[
    list[str],
    typer.Argument(metavar="PATHS", help="Files or folders to check (folders recursively); '-' reads stdin."),
]
SelectOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="<SELECTOR>",
        help="Only these rules: ids, family prefixes or categories, comma-separated or repeated.",
    ),
]
IgnoreOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="<SELECTOR>",
        help="Skip these rules: ids, family prefixes or categories, comma-separated or repeated.",
    ),
]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules", metavar="<DIR>", help="An extra folder of rule files (repeatable)."),
]
MinSeverityOpt = Annotated[
    Severity | None, typer.Option("--min-severity", help="Report only findings at least this severe.")
]
NoGrammarOpt = Annotated[bool, typer.Option("--no-grammar", help="Own rules only; do not run LanguageTool.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the result cache.")]
LanguageToolUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--languagetool-url",
        metavar="<URL>",
        envvar="CLEANER_LANGUAGETOOL_URL",
        help="Use the LanguageTool server at this URL (a team server, the Docker image).",
    ),
]
NeuralOpt = Annotated[
    bool, typer.Option("--neural", help="Rank repairs with the local language model and guard their meaning.")
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="<N>",
        help="Check in this many worker processes (same output). By default, one per core (up to 8) for"
        " runs of 2 MB of text or more without --neural, one otherwise.",
    ),
]
LanguageOpt = Annotated[
    str | None,
    typer.Option(
        "--language",
        metavar="<VARIANT>",
        help="LanguageTool's language: en (default: any standard English spelling), en-US, en-GB, …",
    ),
]
BackupOpt = Annotated[
    bool, typer.Option("--backup", help="Keep each original as FILE.orig (or FILE.orig.1, … if taken).")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Also rewrite read-only files (no write permission).")
]
SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--source",
        metavar="<ORIGINAL>",
        help="The original of the one file given, its translation (aligned paragraph by paragraph).",
    ),
]
SourceLanguageOpt = Annotated[
    str | None,
    typer.Option(
        "--source-language",
        metavar="<LANG>",
        help="The sources' language (de, ja, pt-BR); else configured, from the file, or detected.",
    ),
]
SourceColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--source-column",
        metavar="<NAME>",
        help="The source column (key) of TSV and JSON Lines files (default: source).",
    ),
]
DatelineOpt = Annotated[
    datetime | None,
    typer.Option(
        "--dateline",
        formats=["%Y-%m-%d"],
        metavar="<YYYY-MM-DD>",
        help="The day the article was written: dates a source's '10日'.",
    ),
]
TargetColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--target-column",
        metavar="<NAME>",
        help="The target column (key) of TSV and JSON Lines files (default: target).",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Find the damage machine translation leaves in English articles, and repair it under review."""


def _fail(message: str) -> typer.Exit:
    Consoles().err().print(f"error: {message}", markup=False)
    raise typer.Exit(EXIT_ERROR)


_NESTED_OPTIONS = {
    "languagetool_url": "languagetool.url",
    "language": "languagetool.language",
    "neural": "neural.enabled",
    "source_language": "source.language",
    "source_column": "source.source_column",
    "target_column": "source.target_column",
    "dateline": "source.dateline",
}


def _checked_source(paths: list[str], source: str | None, language: str | None) -> str | None:
    """``--source`` pairs with exactly one translation, a file or standard input; ``--source-language``
    is one CLDR knows (as ``language`` in ``[tool.cleaner.source]`` must be)."""
    if source is not None and (len(paths) != 1 or Path(paths[0]).is_dir()):
        _fail(
            "--source ORIGINAL pairs with exactly one translation file (or - for standard input):"
            " cleaner check --source ORIGINAL FILE"
        )
    if language is not None:
        from cleaner.bilingual.pairs import is_language_tag

        if not is_language_tag(language):
            _fail(f"--source-language {language!r} is not a language CLDR knows (for example de, ja, pt-BR)")
    return source


def _overrides(**options: Any) -> dict[str, Any]:
    """Command-line options that were given, as settings overrides (an empty list, an empty string or
    an unset flag was not given); options of nested tables get their "table.key" names, and a day
    (``--dateline``, which typer parses as a datetime) is a date, as the configuration holds it."""
    overrides = {}
    for key, value in options.items():
        if value is None or value == [] or value == "" or value is False:
            continue
        if isinstance(value, datetime):
            value = value.date()
        overrides[_NESTED_OPTIONS.get(key, key)] = tuple(value) if isinstance(value, list) else value
    return overrides


@contextmanager
def _progress(errors: Callable[[], Console]) -> Iterator[Callable[[int, str], None]]:
    """A progress bar on stderr for runs of many files, on a terminal only: never when piped or in CI.

    It is made once the run knows how many files it checks (the first call, with an empty path), so a
    run of a few files neither draws one nor loads rich to ask whether it could."""
    with ExitStack() as stack:
        bar: Any = None
        task: Any = None

        def advance(total: int, path: str) -> None:
            nonlocal bar, task
            if bar is None:
                if path or total < PROGRESS_MIN_FILES or os.environ.get("CI"):
                    return
                if not sys.stderr.isatty() or not errors().is_terminal:
                    return  # a pipe or a file: no bar, and no loading rich to ask its console
                from rich.progress import Progress, TextColumn  # only a run on a terminal draws a bar

                columns = (*Progress.get_default_columns(), TextColumn("{task.fields[path]}"))
                bar = stack.enter_context(Progress(*columns, console=errors(), transient=True))
                task = bar.add_task("checking", total=total, path="")
            elif not path:
                bar.update(task, total=total)
            else:
                bar.update(task, advance=1, path=path)

        yield advance


STARTING_LANGUAGETOOL = "starting LanguageTool… (run `cleaner server start` to keep one running)"
SERVER_HINT = (
    "hint: this run had to start LanguageTool itself, which takes 10-50 s; "
    "`cleaner server start` keeps one running for later runs and hooks"
)


def _starting_status(errors: Callable[[], Console]) -> Callable[[], AbstractContextManager[object]]:
    """The session's hook around a LanguageTool start: a spinner on stderr on a terminal (not in CI),
    so the 10-50 s the JVM takes is not a blank screen; nothing when piped."""

    @contextmanager
    def starting() -> Iterator[None]:
        console = errors()
        if not console.is_terminal or os.environ.get("CI"):
            yield
            return
        from rich.errors import LiveError
        from rich.markup import escape

        try:
            status = console.status(escape(STARTING_LANGUAGETOOL))
            status.start()
        except LiveError:  # another live display owns the terminal: say it once instead
            console.print(STARTING_LANGUAGETOOL, markup=False, highlight=False)
            yield
            return
        try:
            yield
        finally:
            status.stop()

    return starting


def _server_hint(errors: Callable[[], Console], session: Session) -> None:
    """After a run that paid for starting its own server: suggest a long-lived one, on a terminal or
    in a pre-commit hook (whose output pre-commit shows to the user), never in other pipes or CI."""
    if session.started_server and (errors().is_terminal or os.environ.get("PRE_COMMIT")):
        errors().print(SERVER_HINT, markup=False, highlight=False, soft_wrap=True)


class Consoles:
    """A command's consoles on stdout and stderr, each made when first asked for: a check whose output
    needs none (JSON, SARIF, GitHub, JUnit) and that has nothing to say on stderr does not load rich.

    They print what they are given: no emoji codes (an article's or a path's ":fire:" stays as it is,
    and rich's emoji table is never loaded) and no highlighting."""

    def __init__(self) -> None:
        self._made: dict[bool, Console] = {}

    def out(self) -> Console:
        return self._console(stderr=False)

    def err(self) -> Console:
        return self._console(stderr=True)

    def _console(self, stderr: bool) -> Console:
        if stderr not in self._made:
            from rich.console import Console

            self._made[stderr] = Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)
        return self._made[stderr]


@app.command(cls=Command)
def check(
    paths: PathsArg,
    output_format: Annotated[formats.OutputFormat, typer.Option("--format", help="Output format.")] = (
        formats.OutputFormat.TEXT
    ),
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules: RulesOpt = None,
    min_severity: MinSeverityOpt = None,
    fail_on: Annotated[
        Severity | None, typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.")
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")
    ] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Count the findings by rule.")] = False,
    report_unused_suppressions: Annotated[
        bool, typer.Option("--report-unused-suppressions", help="Report suppressions that silenced nothing.")
    ] = False,
    no_grammar: NoGrammarOpt = False,
    require_grammar: Annotated[
        bool, typer.Option("--require-grammar", help="Exit 2 when LanguageTool cannot be used.")
    ] = False,
    languagetool_url: LanguageToolUrlOpt = None,
    language: LanguageOpt = None,
    no_cache: NoCacheOpt = False,
    neural: NeuralOpt = False,
    source: SourceOpt = None,
    source_language: SourceLanguageOpt = None,
    source_column: SourceColumnOpt = None,
    target_column: TargetColumnOpt = None,
    dateline: DatelineOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """Report machine-translation damage in articles.

    Checks .txt and .md files (folders recursively) with cleaner's own rules and LanguageTool. When
    LanguageTool cannot be used the run goes on with the own rules and says why on stderr.

    \b
    Exit status:
      0    nothing at or above --fail-on (default: warning), or --exit-zero
      1    findings at or above --fail-on
      2    a usage error; a file that could not be checked (the others still
           are); with --require-grammar, a grammar engine that could not be used
      3    an internal error (a bug in cleaner: please report it)
      130  interrupted
    """
    overrides = _overrides(
        select=select,
        ignore=ignore,
        rules=rules,
        min_severity=min_severity,
        fail_on=fail_on,
        languagetool_url=languagetool_url,
        language=language,
        neural=neural,
        source_language=source_language,
        source_column=source_column,
        target_column=target_column,
        dateline=dateline,
    )
    consoles = Consoles()
    report = formats.report(output_format, consoles.out, consoles.err, statistics=statistics)
    source = _checked_source(paths, source, source_language)
    with Session(
        overrides,
        grammar=not no_grammar,
        use_cache=not no_cache,
        report_unused_suppressions=report_unused_suppressions,
        starting_server=_starting_status(consoles.err),
        source=source,
    ) as session:
        skipped: list[str] = []
        try:
            with _progress(consoles.err) as progress, _time_budget_watch(skipped, progress) as watched:
                run = session.check_paths(paths, watched, on_file=report.add, jobs=jobs)
        except (RuleError, ConfigError, ModelUnavailable, WorkerDied) as exc:
            _fail(str(exc))
    run.warnings.extend(skipped)
    report.finish(run)
    _server_hint(consoles.err, session)
    if run.errors or (require_grammar and run.grammar_skipped):
        raise typer.Exit(EXIT_ERROR)
    if run.failing() and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(cls=Command)
def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUTS", help="JSONL or Parquet corpora (one document per row), files or folders."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="<FILE>", help="Findings file, one row per finding: .jsonl or .parquet."
        ),
    ],
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            metavar="<FILE>",
            help="Per-document summary file (default: OUTPUT's name + .summary).",
        ),
    ] = None,
    id_column: Annotated[
        str, typer.Option("--id-column", metavar="<NAME>", help="Column naming each document.")
    ] = "id",
    text_column: Annotated[
        str, typer.Option("--text-column", metavar="<NAME>", help="Column holding the text.")
    ] = "text",
    source_column: Annotated[
        str | None,
        typer.Option("--source-column", metavar="<NAME>", help="Column holding the source text, if any."),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, metavar="<N>", help="Check in this many worker processes.")
    ] = 1,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="<ADDRESS>",
            help="Run on a Ray cluster at this address ('auto', ray://…), or 'local'.",
        ),
    ] = None,
    block_size: Annotated[
        int | None,
        typer.Option(
            "--block-size",
            min=1,
            metavar="<N>",
            help="Documents per block, the unit of work and of resuming [64].",
        ),
    ] = None,
    restart: Annotated[
        bool,
        typer.Option("--restart", help="Discard an unfinished earlier run's work instead of resuming it."),
    ] = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules: RulesOpt = None,
    min_severity: MinSeverityOpt = None,
    no_grammar: NoGrammarOpt = False,
    require_grammar: Annotated[
        bool, typer.Option("--require-grammar", help="Exit 2 when LanguageTool cannot be used.")
    ] = False,
    languagetool_url: LanguageToolUrlOpt = None,
    language: LanguageOpt = None,
    no_cache: NoCacheOpt = False,
    neural: NeuralOpt = False,
    source_language: SourceLanguageOpt = None,
    dateline: DatelineOpt = None,
) -> None:
    """Check a corpus: write one row per finding (document id and the JSON finding fields) and a
    per-document summary. A killed run started again resumes where it stopped.

    Exit codes: 0 done (findings are in the output); 2 a usage error, or rows or files that could not be
    read (listed on stderr and in the summary; everything else is checked).
    """
    from cleaner.batch import BLOCK_SIZE, BatchError, BatchOptions, run_batch, summary_path
    from cleaner.corpus import Columns, CorpusError, count_items
    from cleaner.parallel import WorkerSpec

    overrides = _overrides(
        select=select,
        ignore=ignore,
        rules=rules,
        min_severity=min_severity,
        languagetool_url=languagetool_url,
        language=language,
        neural=neural,
        source_language=source_language,
        dateline=dateline,
    )
    _checked_source(inputs, None, source_language)
    consoles = Consoles()
    errors = consoles.err()
    options = BatchOptions(
        inputs=inputs,
        output=output,
        summary=summary or summary_path(output),
        columns=Columns(id_column, text_column, source_column),
        block_size=block_size or BLOCK_SIZE,
        jobs=jobs,
        ray=ray,
        restart=restart,
    )
    spec = WorkerSpec(overrides, grammar=not no_grammar, use_cache=not no_cache)
    for path in (options.output, options.summary):
        if not path.name.lower().endswith((".jsonl", ".parquet")):
            _fail(f"{path}: an output must end in .jsonl or .parquet")
        if not path.parent.is_dir():
            _fail(f"{path}: no folder {path.parent} to write it in")
    try:
        with _batch_progress(errors, lambda: count_items(inputs, spec.session())) as progress:
            result = run_batch(options, spec, progress, _starting_status(consoles.err))
    except (BatchError, CorpusError, RuleError, ConfigError, ModelUnavailable) as exc:
        _fail(str(exc))
    except WorkerDied as exc:
        _fail(f"{exc}; the blocks finished so far are kept: run the same command again to resume")
    for warning in result.warnings:
        errors.print(f"warning: {warning}", markup=False)
    for problem in result.unreadable:
        errors.print(f"error: {problem}", markup=False)
    resumed = f" ({result.resumed} done by an earlier run)" if result.resumed else ""
    errors.print(
        f"{result.documents} documents{resumed}, {result.findings} findings: {options.output}, "
        f"{options.summary}",
        markup=False,
    )
    if result.without_grammar:
        errors.print(
            f"warning: {result.without_grammar} documents went without (all of) their grammar check "
            "(grammar false in the summary); run the same command again to check just those",
            markup=False,
        )
    grammar_skipped = any(w.startswith("grammar check skipped") for w in result.warnings)
    if result.unreadable or (require_grammar and grammar_skipped and not no_grammar):
        raise typer.Exit(EXIT_ERROR)


@contextmanager
def _batch_progress(
    console: Console, total: Callable[[], int]
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar with documents per second on stderr, on a terminal only (never piped or in CI)."""
    if not console.is_terminal or os.environ.get("CI"):
        yield None
        return
    from rich.progress import Progress, TextColumn

    with Progress(
        *Progress.get_default_columns(),
        TextColumn("{task.completed:,.0f} documents"),
        TextColumn("{task.fields[rate]}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("checking", total=total(), rate="")
        checked = 0

        def advance(documents: int, resumed: int) -> None:
            nonlocal checked
            checked += documents - resumed
            speed = bar.tasks[task].speed
            rate = f"{speed:,.1f} documents/s" if speed and checked else ""
            bar.update(task, advance=documents, rate=rate)

        yield advance


@app.command(cls=Command, epilog=REVIEW_KEYS)
def fix(
    paths: PathsArg,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the repairs as a unified diff; change nothing.")
    ] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply unsafe repairs.")] = False,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Review each repair, hunk by hunk, like `git add -p`.")
    ] = False,
    backup: BackupOpt = False,
    force: ForceOpt = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when findings are left (errors still exit 2).")
    ] = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules: RulesOpt = None,
    min_severity: MinSeverityOpt = None,
    no_grammar: NoGrammarOpt = False,
    languagetool_url: LanguageToolUrlOpt = None,
    language: LanguageOpt = None,
    no_cache: NoCacheOpt = False,
    neural: NeuralOpt = False,
    source: SourceOpt = None,
    source_language: SourceLanguageOpt = None,
    source_column: SourceColumnOpt = None,
    target_column: TargetColumnOpt = None,
    dateline: DatelineOpt = None,
) -> None:
    """Repair the damage: in place, as a diff, or one by one.

    Applies the safe repairs in place (with --unsafe-fixes the unsafe ones too), prints them as a
    unified diff (--diff), or walks them hunk by hunk (--interactive), like `git add -p`.

    \b
    Exit status:
      0    nothing left to repair at or above fail-on (default: warning)
      1    repairs shown by --diff, findings at or above fail-on left (unsafe or
           for review), or error-level findings left undecided in --interactive
      2    a usage error, or a file that could not be read or written
      130  interrupted; the repairs accepted before are written
    """
    from cleaner.repair.diff import render_diff, unified_diff
    from cleaner.repair.writer import WriteRefused, write_document

    consoles = Consoles()
    console, errors = consoles.out(), consoles.err()
    if interactive and not sys.stdin.isatty():
        _fail("--interactive needs a terminal on standard input; use --diff to review repairs instead")
    if interactive and STDIN_PATH in paths:
        _fail("--interactive cannot read the article from standard input")
    overrides = _overrides(
        select=select,
        ignore=ignore,
        rules=rules,
        min_severity=min_severity,
        unsafe_fixes=unsafe_fixes,
        languagetool_url=languagetool_url,
        language=language,
        neural=neural,
        source_language=source_language,
        source_column=source_column,
        target_column=target_column,
        dateline=dateline,
    )
    failed = pending = interrupted = stopped = False
    source = _checked_source(paths, source, source_language)
    with Session(
        overrides,
        grammar=not no_grammar,
        use_cache=not no_cache,
        starting_server=_starting_status(consoles.err),
        source=source,
    ) as session:
        for item in session.files(paths):
            if stopped and isinstance(item, str):  # the review was quit: later files are left as they are
                pending = True
                console.print(f"{display_path(item)}: not reviewed, left as it was (undecided)", markup=False)
                continue
            try:
                if isinstance(item, SourceError):
                    raise UnreadableSource(item)
                document = session.read(item)
                settings = session.settings(item)
                session.checker(settings)
            except UnreadableSource as exc:
                errors.print(f"error: {display_path(exc.error.path)}: {exc.error.message}", markup=False)
                failed = True
                continue
            except (RuleError, ConfigError) as exc:
                _fail(str(exc))
            try:
                outcome = _repair(session, document, settings, interactive, console)
            except ModelUnavailable as exc:
                _fail(str(exc))
            new_text, count, remaining, failing, review, changes = outcome
            pending = pending or failing > 0
            if diff:
                if new_text != document.text:
                    pending = True
                    try:  # a bilingual file's diff is of the file, with the repaired targets written in
                        before, after = document.file_text(document.text), document.file_text(new_text)
                    except BilingualError as exc:
                        errors.print(f"error: {display_path(document.path)}: {exc}", markup=False)
                        failed = True
                        continue
                    # the repairs' own offsets index the article's text: a bilingual file's diff is found
                    # in the file's text instead
                    plain = document.container is None
                    patch = unified_diff(
                        document.path, before, after, bom=document.bom, changes=changes if plain else None
                    )
                    if document.encoding != "utf-8":  # a patch is UTF-8 text: it cannot edit UTF-16/32
                        errors.print(
                            f"warning: {display_path(document.path)} is {document.encoding}: its diff shows "
                            "the text as UTF-8, which git apply and patch cannot apply; `cleaner fix` can",
                            markup=False,
                        )
                    if console.is_terminal:
                        for line in render_diff(patch):
                            console.print(line)
                    else:  # exactly a patch when piped (`| git apply` works), in UTF-8 whatever the locale
                        sys.stdout.flush()
                        sys.stdout.buffer.write(patch.encode("utf-8"))
                        sys.stdout.buffer.flush()
            elif item == STDIN_PATH:
                try:
                    data = document.encode(new_text)  # its own encoding and BOM
                except BilingualError as exc:
                    errors.print(f"error: {display_path(document.path)}: {exc}", markup=False)
                    failed = True
                    continue
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                try:
                    if new_text != document.text:
                        write_document(document, new_text, backup=backup, force=force)
                except (WriteRefused, BilingualError, OSError) as exc:
                    errors.print(f"error: {display_path(document.path)}: {exc}", markup=False)
                    failed = True
                else:
                    console.print(
                        _applied(display_path(document.path), count, remaining, review), markup=False
                    )
            if review is not None and review.quit:
                interrupted = review.interrupted
                stopped = True  # what was accepted before quitting is written; no further file is reviewed
    _server_hint(consoles.err, session)
    if failed:
        raise typer.Exit(EXIT_ERROR)
    if interrupted:
        raise typer.Exit(130)  # Ctrl-C during the review, as shells expect: what was accepted is written
    if pending and not exit_zero:
        raise typer.Exit(EXIT_FINDINGS)


def _applied(path: str, count: int, remaining: int, review: Review | None) -> str:
    """The line after a file is repaired; for a review, what was applied, skipped and left undecided."""
    plural = "s" * (count != 1)
    if review is None:
        return f"{path}: {count} repair{plural} applied, {remaining} left for review"
    tally = f"{review.skipped} skipped, {len(review.undecided)} undecided"
    if review.interrupted:
        return f"{path}: {count} accepted repair{plural} written; review stopped ({tally})"
    return f"{path}: {count} repair{plural} applied, {tally}"


def _repair(
    session: Session, document: Document, settings: Settings, interactive: bool, console: Console
) -> tuple[str, int, int, int, Review | None, list[Change] | None]:
    """(new text, repairs applied, findings left, of those the ones at or above ``fail-on`` (what makes
    the run exit 1, as for ``check``), the review when interactive, where the text changed when the fix
    loop knows it) for one document; for a review, the findings left are the error-level ones left
    undecided.

    Warns on stderr when the fix loop stopped short of a fixed point (findings remain, so the run does
    not exit 0) and when a user rule was skipped for lack of time."""
    from rich.markup import escape

    from cleaner.repair.fixer import fix_text
    from cleaner.repair.interactive import review_document

    warnings: list[str] = []

    def check(text: str) -> list[Finding]:
        return session.check_document(document, settings, text)

    with _time_budget_watch(warnings) as watched:
        watched(1, document.path)
        if interactive:
            review = review_document(document, check, console, lambda q: console.input(escape(q)))
            errors = review.undecided_errors
            result = review.text, len(review.accepted), errors, errors, review, None
        else:
            safe, unsafe = Applicability.SAFE, Applicability.UNSAFE
            outcome = fix_text(document.text, check, {safe, unsafe} if settings.unsafe_fixes else {safe})
            if outcome.problem:
                warnings.append(f"{document.path}: {outcome.problem}")
            failing = sum(f.severity.rank >= settings.fail_on.rank for f in outcome.remaining)
            left = len(outcome.remaining)
            result = outcome.text, len(outcome.applied), left, failing, None, outcome.changes
    for warning in warnings:
        Consoles().err().print(f"warning: {warning}", markup=False)
    return result


@contextmanager
def _time_budget_watch(
    warnings: list[str], progress: Callable[[int, str], None] | None = None
) -> Iterator[Callable[[int, str], None]]:
    """Collect a warning for each user rule skipped on a file for lack of time (once per rule and file).

    The yielded callback takes the place of ``progress`` (which it passes on to): it is told each
    file's path before the file is checked, which is how a warning names the file.
    """
    current = ""

    def watched(total: int, path: str) -> None:
        nonlocal current
        current = path or current
        if progress is not None:
            progress(total, path)

    def skipped(rule_id: str) -> None:
        warning = f"rule {rule_id} exceeded its time budget on {current}; skipped"
        if warning not in warnings:
            warnings.append(warning)

    with on_time_budget_exceeded(skipped):
        yield watched


@app.command(cls=Command)
def review(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATHS", help="Files or folders to review (folders recursively)."),
    ],
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the page's address; do not open a browser.")
    ] = False,
    backup: BackupOpt = False,
    force: ForceOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules: RulesOpt = None,
    min_severity: MinSeverityOpt = None,
    no_grammar: NoGrammarOpt = False,
    languagetool_url: LanguageToolUrlOpt = None,
    language: LanguageOpt = None,
    no_cache: NoCacheOpt = False,
    neural: NeuralOpt = False,
    source: SourceOpt = None,
    source_language: SourceLanguageOpt = None,
    source_column: SourceColumnOpt = None,
    target_column: TargetColumnOpt = None,
    dateline: DatelineOpt = None,
) -> None:
    """Review the repairs in a browser: the article with its damage highlighted, each repair as a diff to
    accept, reject or rewrite, then Save. Served on 127.0.0.1 until Ctrl-C; nothing is written before Save.

    Exit codes: 0 the review ended (Ctrl-C); 2 a usage error, or no file could be read.
    """
    from cleaner.review.server import load_reviews, serve  # the web stack loads for this command only

    overrides = _overrides(
        select=select,
        ignore=ignore,
        rules=rules,
        min_severity=min_severity,
        languagetool_url=languagetool_url,
        language=language,
        neural=neural,
        source_language=source_language,
        source_column=source_column,
        target_column=target_column,
        dateline=dateline,
    )
    consoles = Consoles()
    console, errors = consoles.out(), consoles.err()
    source = _checked_source(paths, source, source_language)
    with Session(
        overrides,
        grammar=not no_grammar,
        use_cache=not no_cache,
        starting_server=_starting_status(consoles.err),
        source=source,
    ) as session:
        try:
            files, problems = load_reviews(session, paths)
        except (RuleError, ConfigError, ModelUnavailable) as exc:
            _fail(str(exc))
        for problem in problems:
            errors.print(f"error: {display_path(problem.path)}: {problem.message}", markup=False)
        if not files:
            _fail("no file to review")
        serve(
            files,
            backup=backup,
            force=force,
            open_browser=not no_browser,
            announce=lambda url: console.print(f"review at {url} (Ctrl-C stops it)", markup=False),
        )
    unsaved = [item.name for item in files if item.review.unsaved]
    if unsaved:
        errors.print(f"review stopped; not saved: {', '.join(unsaved)}", markup=False)
    else:
        console.print("review stopped", markup=False)


@app.command(cls=Command)
def config(
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="The file or folder whose settings to show.")
    ] = ".",
) -> None:
    """Show the settings that apply to a path, and where each came from."""
    from cleaner.config import find_config_file, settings_for

    try:
        settings = settings_for(path)
    except ConfigError as exc:
        _fail(str(exc))
    found = find_config_file(Path(path))
    typer.echo(f"# configuration file: {found or 'none (defaults)'}")
    for key, value in formats.settings_rows(settings):
        typer.echo(f"{key} = {value}    # {settings.origin(key)}")


class RulesFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command("rules", cls=Command)
def list_rules(
    output_format: Annotated[RulesFormat, typer.Option("--format", help="Output format.")] = RulesFormat.TEXT,
    rules: RulesOpt = None,
    languagetool: Annotated[
        bool,
        typer.Option(
            "--languagetool",
            help="List the LanguageTool rules and categories cleaner disables or trusts by default instead.",
        ),
    ] = False,
) -> None:
    """List every rule and the repairs it offers.

    Each line: id, category, severity, repairs and what the rule finds.

    The repairs column says which kinds of repair a rule offers: safe (applied by `cleaner fix`) and
    unsafe (applied with --unsafe-fixes, or under review).

    With --languagetool: the LanguageTool rules and categories cleaner disables or trusts by default,
    and why (no server is started). Every other LanguageTool rule runs as LanguageTool defines it, its
    repairs unsafe; --select and --ignore take its rules as languagetool.RULE_ID.
    """
    if languagetool:
        _list_languagetool_defaults(output_format)
        return
    try:
        loaded = load_rules(rules or ())
    except RuleError as exc:
        _fail(str(exc))
    from cleaner.pipeline import repair_kinds

    kinds = {rule.id: repair_kinds(rule) for rule in loaded}
    if output_format is RulesFormat.JSON:
        data = [
            {
                "id": r.id,
                "category": str(r.category),
                "severity": str(r.severity),
                "fixes": list(kinds[r.id]),
                "summary": r.summary,
            }
            for r in loaded
        ]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    console = Consoles().out()
    width = max(len(r.id) for r in loaded)
    for rule in loaded:
        fixes = "+".join(kinds[rule.id]) or "-"
        console.print(
            f"{rule.id:<{width}}  {rule.category:<15} {rule.severity:<7}  {fixes:<11}  {rule.summary}",
            markup=False,
            soft_wrap=True,
        )


def _list_languagetool_defaults(output_format: RulesFormat) -> None:
    from cleaner.grammar.mapping import default_treatments

    rows = default_treatments()
    if output_format is RulesFormat.JSON:
        data = [{"id": r.id, "kind": r.kind, "default": r.default, "reason": r.reason} for r in rows]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    console = Consoles().out()
    width = max(len(r.id) for r in rows)
    for row in rows:
        console.print(
            f"{row.id:<{width}}  {row.kind:<8}  {row.default:<8}  {row.reason}", markup=False, soft_wrap=True
        )


@app.command(cls=Command)
def setup() -> None:
    """Fetch LanguageTool and prepare the neural models, once.

    Fetches LanguageTool's server and English module from Maven Central, and, when the neural packages
    are installed, converts the models. A no-op for whatever is already in the cache folder.
    """
    from cleaner.grammar import install as lt_install

    target = lt_install.installation()
    if target.complete:
        typer.echo(f"LanguageTool {target.version} is ready in {target.folder}")
        _setup_neural()
        return
    typer.echo(f"Fetching LanguageTool {target.version} from Maven Central into {target.folder} …")
    try:
        lt_install.setup()
    except lt_install.SetupError as exc:
        _fail(str(exc))
    if lt_install.find_java() is None:
        typer.echo("warning: Java was not found; LanguageTool needs Java 17 or newer to run", err=True)
    typer.echo(f"LanguageTool {target.version} is ready in {target.folder}")
    _setup_neural()


def _setup_neural() -> None:
    """Convert the neural models when their packages are installed; say how to get them otherwise."""
    try:
        from cleaner.neural.models import prepare_encoder, prepare_language_model

        typer.echo(f"language model ready in {prepare_language_model()}")
        typer.echo(f"sentence encoder ready in {prepare_encoder()}")
    except (ImportError, ModelUnavailable) as exc:
        typer.echo(f"neural models not prepared (optional, for --neural): {exc}")


@server_app.command("start", cls=Command)
def server_start() -> None:
    """Start a LanguageTool server in the background for later runs."""
    from cleaner.grammar import install as lt_install
    from cleaner.grammar import server as lt_server

    try:
        handle = lt_server.start_persistent(lt_install.installation())
    except EngineUnavailable as exc:
        _fail(str(exc))
    typer.echo(f"LanguageTool server running at {handle.url} (pid {handle.pid})")


@server_app.command("stop", cls=Command)
def server_stop() -> None:
    """Stop the background LanguageTool server, even a busy one."""
    from cleaner.grammar import server as lt_server

    try:
        handle = lt_server.stop_persistent()
    except EngineUnavailable as exc:
        _fail(str(exc))
    typer.echo(f"stopped the server at {handle.url}" if handle else "no server was running")


@server_app.command("status", cls=Command)
def server_status() -> None:
    """Say whether a background LanguageTool server runs, and where.

    Exit 1 when none is.

    A server that runs but does not answer the health checks (busy with a long text) is still running:
    it is reported as such, and not forgotten.
    """
    from cleaner.grammar import server as lt_server

    status = lt_server.server_status()
    handle = status.handle
    if handle is None:
        typer.echo("no server is running")
        raise typer.Exit(EXIT_FINDINGS)
    busy = "" if status.answering else "; busy: it did not answer the health check"
    typer.echo(f"running at {handle.url} (pid {handle.pid}, LanguageTool {handle.version}{busy})")
