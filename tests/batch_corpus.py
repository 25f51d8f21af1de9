"""Small corpora of real machine-translated text for the batch tests: the damaged and clean fixtures and
documents from the dev data, written as a folder of files, a JSONL file and a Parquet file with the
same texts, so ``batch`` can be compared with ``check`` on exactly the same text."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

import psutil

from cleaner.corpus import read_rows
from tests.conftest import FIXTURES, SHARED_EVAL


def texts(dev_documents: int, repeat: int = 1) -> dict[str, str]:
    """id -> text: every fixture article, then ``dev_documents`` Bio-MQM documents (``repeat`` times
    over, under other ids, for corpora that must take a while). Articles only: a folder holding a
    translation beside its source (fixtures/bilingual/) is checked against it, a corpus row is not."""
    articles = [*FIXTURES.glob("clean/*.txt"), *FIXTURES.glob("damaged/*.txt")]
    found = {path.stem: path.read_text(encoding="utf-8") for path in sorted(articles)}
    with open(SHARED_EVAL / "biomqm_x2en_docs.jsonl", encoding="utf-8") as handle:
        dev = [json.loads(line) for line in islice(handle, dev_documents)]
    for copy in range(repeat):
        for record in dev:
            found[f"{record['id']}#{copy}".replace(":", "_")] = record["text"]
    return found


def write_folder(folder: Path, corpus: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in corpus.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    return folder


def write_jsonl(path: Path, corpus: dict[str, str], sources: dict[str, str] | None = None) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for name, text in corpus.items():
            row = {"doc": name, "body": text, **({"src": sources[name]} if sources else {})}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_parquet(path: Path, corpus: dict[str, str]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"doc": list(corpus), "body": list(corpus.values())}), path, row_group_size=7)
    return path


COLUMNS = ("--id-column", "doc", "--text-column", "body")


def batch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleaner", "batch", *args]


def findings_by_id(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Rows of a findings file grouped by document id, in the JSON report's form (Parquet's null
    ``score`` of a fix without one dropped, as JSON leaves it out)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read_rows(path):
        name = row.pop("id")
        for fix in row["fixes"]:
            if fix.get("score") is None:
                fix.pop("score", None)
        grouped[name].append(row)
    return dict(grouped)


def kill_when(process: subprocess.Popen[str], ready: Callable[[], bool], timeout: float = 240) -> None:
    """SIGKILL ``process`` as soon as ``ready()``; fail if it ends or times out first, or if its worker
    processes outlive it."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, f"the run ended before it could be killed: {process.communicate()}"
        assert time.monotonic() < deadline, "the run never reached the point to kill it at"
        time.sleep(0.05)
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"processes of the killed run live on: {alive}"
