"""``cleaner batch``: a corpus checked through the one pipeline (``Session.check_document``), block by
block, in worker processes or on a Ray cluster, resumably.

The input is cut into blocks of ``block_size`` documents in input order, the same cut on every run.
Each finished block is written whole to a part file in a state folder beside the output
(``.FINDINGS.cleaner-batch/part-000042.jsonl``, atomically: temporary file, fsync, rename), one line
per document: its summary row and its finding rows. A run started again skips every block whose part
holds the same documents (id and content hash), so a run killed at any point loses at most the blocks
being checked, and never writes a finding twice. Once every block is done the parts are merged, in
input order, into the findings file and the summary file (each written atomically, JSONL or Parquet),
and the state folder is removed. The output is therefore the same whatever ran it: ``--jobs 1``,
``--jobs N`` or ``--ray``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from cleaner import __version__
from cleaner.alignment import Alignment
from cleaner.bilingual import completed
from cleaner.config import Settings
from cleaner.corpus import (
    Columns,
    Item,
    finding_schema,
    is_corpus,
    json_line,
    read_items,
    summary_schema,
    write_rows,
)
from cleaner.document import Document
from cleaner.findings import Finding, Severity
from cleaner.grammar.engine import BUDGET_ENV
from cleaner.parallel import Done, WorkerSpec, run_local, run_ray, shared_languagetool
from cleaner.repair.writer import TEMP_MARK, write_new
from cleaner.report.json_report import finding_to_json
from cleaner.session import Session

BLOCK_SIZE = 64
"""Documents per block: a killed run redoes at most this many per worker; Ray pays per task, so a
cluster run of short segments wants more (``--block-size``)."""
STATE_FORMAT = 1
MANIFEST = "manifest.json"
_OWN_FILE = re.compile(rf"{re.escape(MANIFEST)}|part-\d{{6}}\.jsonl|\..+{re.escape(TEMP_MARK)}\w{{8}}\.tmp")
"""What a state folder may hold: the manifest, the parts, and temporary files of the one write path."""


class BatchError(Exception):
    """A batch that cannot start (its state belongs to another run); the message says what to do."""


@dataclass(frozen=True)
class Block:
    index: int
    items: tuple[Item, ...]


@dataclass
class BlockResult:
    index: int
    lines: list[dict[str, Any]]
    """Per document: ``{"summary": …, "findings": […]}``, the part file's lines."""
    warnings: list[str]


@dataclass
class BatchOptions:
    inputs: list[str]
    output: Path
    summary: Path
    columns: Columns = field(default_factory=Columns)
    block_size: int = BLOCK_SIZE
    jobs: int = 1
    ray: str | None = None
    restart: bool = False


@dataclass
class BatchResult:
    documents: int = 0
    resumed: int = 0
    """Documents whose block an earlier run had finished."""
    findings: int = 0
    unreadable: list[str] = field(default_factory=list)
    """``INPUT[:ROW]: why`` for each row or file that could not be read (in the summary too)."""
    warnings: list[str] = field(default_factory=list)
    without_grammar: int = 0
    """Documents LanguageTool could not wholly check (``grammar`` false in the summary): their blocks'
    state is kept, so the same command run again checks just those blocks."""


def state_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.cleaner-batch"


def summary_path(output: Path) -> Path:
    """The default summary file beside the findings: ``out.jsonl`` → ``out.summary.jsonl``."""
    return output.with_name(f"{output.stem}.summary{output.suffix}")


def summary_row(item: Item, findings: Sequence[Finding], grammar: bool | None) -> dict[str, Any]:
    """One document's summary; ``grammar``: whether LanguageTool checked all of it (None: not asked)."""
    counts = {str(s): sum(f.severity == s for f in findings) for s in Severity}
    return {
        "id": item.id,
        "input": item.input,
        "row": item.row,
        "sha256": None if item.error else item.sha256,
        "chars": len(item.text),
        "findings": len(findings),
        **{str(s): counts[str(s)] for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
        "unreadable": item.error,
        "grammar": grammar,
    }


def _key(summary: dict[str, Any]) -> str:
    """``Item.key`` of the document a part line was written for."""
    if summary["unreadable"] is not None:
        fields = ("id", "input", "row", "unreadable")
        return "\x00".join(["unreadable", *(str(summary[name]) for name in fields)])
    return f"{summary['id']}\x00{summary['sha256']}"


_settings: dict[tuple[int, str], Any] = {}


def check_block(session: Session, block: Block) -> BlockResult:
    """Check one block's documents (in a worker): the same findings, in the same JSON form, as
    ``cleaner check --format json`` gives for the same text."""
    from cleaner.ruleset import on_time_budget_exceeded

    lines, warnings = [], []
    for item in block.items:
        findings: list[Finding] = []
        if item.error is None:
            settings = _settings.setdefault((id(session), item.path), session.settings(item.path))
            document = item.document or Document(item.path, item.text, alignment=_alignment(item, settings))
            skipped: list[str] = []
            before = session.grammar_incomplete(settings)
            with on_time_budget_exceeded(skipped.append):
                findings = session.check_document(document, settings)
            grammar = None if before is None else session.grammar_incomplete(settings) == before
            warnings.extend(f"rule {r} exceeded its time budget on {item.id}; skipped" for r in skipped)
            rows = [{"id": item.id, **finding_to_json(document, f)} for f in findings]
        else:
            rows, grammar = [], None
        lines.append({"summary": summary_row(item, findings, grammar), "findings": rows})
    return BlockResult(block.index, lines, warnings)


def _alignment(item: Item, settings: Settings) -> Alignment | None:
    """A row with a source column is one segment translating it: the source-aware checks run on it,
    with the configured source language (else detected) and dateline, as for a file's units."""
    if item.source is None:
        return None
    return completed(Alignment.whole(item.text, item.source, unit=item.id), settings.source)


def blocks(items: Iterable[Item], size: int) -> Iterator[Block]:
    iterator = iter(items)
    index = 0
    while chunk := tuple(islice(iterator, size)):
        yield Block(index, chunk)
        index += 1


class _State:
    """The state folder of an unfinished run: its manifest and one part file per finished block."""

    def __init__(self, output: Path, fingerprint: dict[str, Any], restart: bool) -> None:
        self.folder = state_folder(output)
        manifest = self.folder / MANIFEST
        self._refuse_foreign()
        if restart and self.folder.exists():
            shutil.rmtree(self.folder)
        if manifest.exists():
            try:
                recorded = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                recorded = None
            if recorded != fingerprint:
                raise BatchError(
                    f"{self.folder} holds an unfinished run with other inputs or options; "
                    "run it again with those, or pass --restart to start afresh"
                )
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            with write_new(manifest) as handle:
                handle.write(json.dumps(fingerprint, indent=2).encode())

    def _refuse_foreign(self) -> None:
        """The folder is removed when the run ends (or restarts): refuse one that is a link or holds
        anything but a run's own files, which would be lost with it."""
        if not os.path.lexists(self.folder):
            return
        if self.folder.is_symlink() or not self.folder.is_dir():
            raise BatchError(
                f"{self.folder} is in the way of the run's state folder; move it or name another output"
            )
        foreign = [
            e.name
            for e in os.scandir(self.folder)
            if not _OWN_FILE.fullmatch(e.name) or not e.is_file(follow_symlinks=False)
        ]
        if foreign:
            raise BatchError(
                f"{self.folder} holds files that are not a batch run's ({', '.join(sorted(foreign)[:3])}); "
                "move them or name another output"
            )

    def part(self, index: int) -> Path:
        return self.folder / f"part-{index:06d}.jsonl"

    def finished(self, block: Block) -> bool:
        """Whether an earlier run finished this block for the same documents, each with all the grammar
        check it asked for (a block with a document LanguageTool could not check is done again)."""
        path = self.part(block.index)
        if not path.exists():
            return False
        try:
            summaries = [line["summary"] for line in self.lines(block.index)]
            keys = [_key(summary) for summary in summaries]
            complete = all(summary["grammar"] is not False for summary in summaries)
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return complete and keys == [item.key for item in block.items]

    def lines(self, index: int) -> Iterator[dict[str, Any]]:
        with open(self.part(index), encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)

    def write(self, result: BlockResult) -> None:
        with write_new(self.part(result.index)) as handle:
            for line in result.lines:
                handle.write(json_line(line))

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def run_batch(
    options: BatchOptions,
    spec: WorkerSpec,
    progress: Callable[[int, int], None] | None = None,
    starting: Callable[[], AbstractContextManager[object]] | None = None,
) -> BatchResult:
    """Check the corpus and write the findings and summary files; ``progress(documents, resumed)`` is
    told of each block done. Raises BatchError, CorpusError, ConfigError or RuleError before any
    output is written when the run cannot be done."""
    # The run budget bounds how long one check waits for LanguageTool; a corpus run is meant to take
    # hours, so it has none unless one is set. Set here, before any worker starts, so all inherit it.
    os.environ.setdefault(BUDGET_ENV, "0")
    fingerprint = {
        "format": STATE_FORMAT,
        "cleaner": __version__,
        "inputs": [str(Path(p).resolve()) for p in options.inputs],
        "columns": asdict(options.columns),
        "block_size": options.block_size,
        "spec": {k: v for k, v in asdict(spec).items() if k != "use_cache"},
    }
    fingerprint = json.loads(json.dumps(fingerprint, default=str))
    reader = spec.session()
    _refuse_overwriting(options, reader)
    for path in options.inputs:  # a bad rule folder or selector fails here, before anything is written
        reader.checker(reader.settings(path))
    state = _State(options.output, fingerprint, options.restart)
    result = BatchResult()
    total_blocks = 0

    def pending() -> Iterator[Block]:
        nonlocal total_blocks
        for block in blocks(read_items(options.inputs, options.columns, reader), options.block_size):
            total_blocks = block.index + 1
            if state.finished(block):
                result.resumed += len(block.items)
                if progress is not None:
                    progress(len(block.items), len(block.items))
                continue
            yield block

    with shared_languagetool(spec, options.inputs, starting) as (ready, said):
        _add(result.warnings, said)
        if options.ray is not None:
            done: Iterator[Done[BlockResult]] = run_ray(
                check_block, pending(), ready, options.inputs, options.ray
            )
        else:
            done = run_local(check_block, pending(), ready, options.jobs)
        for outcome in done:
            state.write(outcome.value)
            _add(result.warnings, outcome.warnings)
            _add(result.warnings, outcome.value.warnings)
            if progress is not None:
                progress(len(outcome.value.lines), 0)
    _merge(state, total_blocks, options, result)
    if not result.without_grammar:
        state.remove()
    return result


def _refuse_overwriting(options: BatchOptions, reader: Session) -> None:
    """Raise BatchError when writing the findings or the summary would destroy an input or each other:
    the same file by name, through a symbolic link or as a hard link, or a file a folder input holds.
    Checked before anything is written or removed."""
    targets = {"output": options.output, "summary": options.summary}
    for what, target in targets.items():
        if target.is_dir():
            raise BatchError(f"{target}: the {what} is a folder; name a file")
    if _same_file(options.output, options.summary):
        raise BatchError(f"{options.output}: the output and the summary are the same file; name two files")
    existing = {ident: what for what, target in targets.items() if (ident := _identity(target)) is not None}
    for given in options.inputs:
        for what, target in targets.items():
            if _same_file(Path(given), target):
                raise BatchError(f"{target}: the {what} is the input {given}; writing it would destroy it")
        if existing and not is_corpus(given) and Path(given).is_dir():
            for found in reader.files([given]):
                if isinstance(found, str) and (what := existing.get(_identity(Path(found)))):
                    raise BatchError(
                        f"{targets[what]}: the {what} is {found}, an input in {given}; writing it would "
                        "destroy it"
                    )


def _same_file(first: Path, second: Path) -> bool:
    """The same file (followed links, hard links), or the same path once resolved when one is missing."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.realpath(first) == os.path.realpath(second)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode (what hard links share), or None when it cannot be looked at."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _add(warnings: list[str], new: Iterable[str]) -> None:
    warnings.extend(w for w in new if w not in warnings)


def _merge(state: _State, count: int, options: BatchOptions, result: BatchResult) -> None:
    """The parts, in block order, into the findings file and the summary file."""

    def findings() -> Iterator[list[dict[str, Any]]]:
        for index in range(count):
            yield [row for line in state.lines(index) for row in line["findings"]]

    def summaries() -> Iterator[list[dict[str, Any]]]:
        for index in range(count):
            yield [line["summary"] for line in state.lines(index)]

    replaced = write_rows(options.output, findings, finding_schema)
    replaced += write_rows(options.summary, summaries, summary_schema)
    if replaced:
        result.warnings.append(
            f"{replaced} rows held a lone surrogate (a broken \\ud800-style escape), which Parquet cannot "
            "store: written with U+FFFD in its place (a .jsonl output keeps it)"
        )
    for batch in summaries():
        for row in batch:
            result.documents += 1
            result.findings += row["findings"]
            result.without_grammar += row["grammar"] is False
            if row["unreadable"] is not None:
                where = row["input"] if row["row"] is None else f"{row['input']}:{row['row']}"
                message = row["unreadable"]
                result.unreadable.append(f"{where}: {message}")
