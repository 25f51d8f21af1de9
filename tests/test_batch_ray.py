"""``cleaner batch --ray local``: a real local Ray cluster (started by the run) gives the output ``--jobs 1``
gives; a worker process killed while it checks a block has its block retried by Ray, and the output
still has every document exactly once; with grammar, the node's LanguageTool server (an actor's) is used.
Ray is slow to start on a small machine, so the corpora are small and most runs are rules only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from cleaner.corpus import read_rows
from tests.batch_corpus import COLUMNS, batch_command, findings_by_id, texts, write_folder, write_jsonl
from tests.conftest import REPO, URL_ENV, run_cli

TASK_TITLE = "ray::cleaner_task"
"""The process title Ray gives a worker while it runs cleaner's task (``ray::IDLE`` between tasks)."""


def batch(*args: str) -> None:
    result = run_cli("batch", *args)
    assert result.returncode == 0, result.stderr


def test_ray_local_writes_exactly_what_one_job_writes(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl", texts(30))
    args = [str(corpus), *COLUMNS, "--no-grammar", "--block-size", "4"]
    batch(*args, "-o", str(tmp_path / "one.jsonl"))
    batch(*args, "--ray", "local", "-o", str(tmp_path / "ray.jsonl"))
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert (tmp_path / "ray.summary.jsonl").read_bytes() == (tmp_path / "one.summary.jsonl").read_bytes()


def _busy_worker(run: psutil.Process) -> psutil.Process | None:
    """A Ray worker of this run (a descendant of its process) busy with cleaner's task."""
    for child in run.children(recursive=True):
        try:
            if child.cmdline()[:1] == [TASK_TITLE]:
                return child
        except (psutil.NoSuchProcess, psutil.AccessDenied, IndexError):
            continue
    return None


def test_a_killed_worker_has_its_block_retried_and_every_document_is_written_once(tmp_path: Path) -> None:
    documents = texts(500, repeat=4)  # 2,000 documents in 20 blocks: long enough to catch one
    corpus = write_jsonl(tmp_path / "corpus.jsonl", documents)
    args = [str(corpus), *COLUMNS, "--no-grammar", "--block-size", "100"]
    batch(*args, "-o", str(tmp_path / "one.jsonl"))

    out = tmp_path / "ray.jsonl"
    process = subprocess.Popen(
        batch_command(*args, "--ray", "local", "-o", str(out)),
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    run = psutil.Process(process.pid)
    deadline = time.monotonic() + 240
    while (worker := _busy_worker(run)) is None:
        assert process.poll() is None, (
            f"the run ended before a worker could be killed: {process.communicate()}"
        )
        assert time.monotonic() < deadline, "no Ray worker ever ran cleaner's task"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    killed = worker.pid
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert not psutil.pid_exists(killed) or psutil.Process(killed).status() == psutil.STATUS_ZOMBIE

    assert out.read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    summary = read_rows(tmp_path / "ray.summary.jsonl")
    assert [row["id"] for row in summary] == list(documents), "every document exactly once, in order"


@pytest.mark.languagetool
def test_ray_with_grammar_uses_a_server_per_node_and_gives_checks_findings(tmp_path: Path) -> None:
    """No URL given: the node's server actor starts LanguageTool for the node's tasks."""
    documents = texts(4)
    folder = write_folder(tmp_path / "docs", documents)
    checked = run_cli("check", "--format", "json", "--exit-zero", str(folder))
    assert checked.returncode == 0, checked.stderr
    corpus = write_jsonl(tmp_path / "corpus.jsonl", documents)
    out = tmp_path / "out.jsonl"
    env = {key: value for key, value in os.environ.items() if key != URL_ENV}
    result = subprocess.run(
        batch_command(
            str(corpus), *COLUMNS, "--ray", "local", "--block-size", "3", "--require-grammar", "-o", str(out)
        ),
        cwd=REPO,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    expected = {
        Path(f["path"]).stem: f["findings"] for f in json.loads(checked.stdout)["files"] if f["findings"]
    }
    assert any(f["source"] == "languagetool" for rows in expected.values() for f in rows)
    assert findings_by_id(out) == expected
