"""``cleaner check --jobs 2``: worker processes read the files themselves (``Session.read``), several to a
task, and the run reports exactly what a run of one reports: bilingual files with their units, an
article checked against its ``article.LANG.txt``, ``--source``, standard input, files that cannot be read
(a clear error in their place, nothing else lost), the progress bar told of every file once, in order."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from cleaner import parallel
from cleaner.document import Document
from cleaner.pipeline import Checker
from cleaner.session import AUTO_JOBS_MIN_BYTES, FileResult, Session, auto_jobs
from cleaner.sources import SourceError
from tests.conftest import FIXTURES, run_cli

BILINGUAL = FIXTURES / "bilingual"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Articles, bilingual files (XLIFF, PO, TMX), an article beside its German source, a file that is
    not UTF-8 and a binary one, in a folder whose configuration checks them all."""
    folder = tmp_path_factory.mktemp("mixed") / "docs"
    shutil.copytree(BILINGUAL, folder)
    for path in sorted(FIXTURES.glob("*/*.txt")):
        shutil.copy(path, folder / path.name)
    (folder / "latin1.txt").write_bytes("The café opened on Monday.\n".encode("latin-1"))
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / ".cleaner.toml").write_text('include = ["*.txt", "*.xlf", "*.tmx", "*.po"]\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("output_format", ["json", "text", "sarif", "github", "junit"])
def test_two_jobs_report_what_one_job_reports_on_bilingual_paired_and_unreadable_files(
    mixed: Path, output_format: str
) -> None:
    command = ("check", "--no-grammar", "--format", output_format, str(mixed), "missing.txt")
    one, two = run_cli(*command), run_cli(*command[:1], "--jobs", "2", *command[1:])
    assert one.returncode == two.returncode == 2  # files that could not be checked
    assert two.stdout == one.stdout and two.stderr == one.stderr
    if output_format != "json":
        return
    report = json.loads(two.stdout)
    files = {Path(f["path"]).name: f["findings"] for f in report["files"]}
    assert {"energy.de-en.xlf", "newsroom.de-en.po", "memory.ru-en.tmx", "eu-gas-cap.txt"} <= set(files)
    assert "report.de.txt" not in files  # the source of report.txt beside it, not an article
    assert ("consistency.weekday-mismatch", "p1") in {(f["rule"], f.get("unit")) for f in files["report.txt"]}
    errors = {Path(e["path"]).name: e["message"] for e in report["errors"]}
    assert errors["latin1.txt"] == "not valid UTF-8: byte 0xe9 at byte offset 7"
    assert errors["image.txt"] == "binary file (contains NUL bytes); not checked"
    assert errors["missing.txt"] == "no such file or directory"


def test_two_jobs_read_a_translation_with_the_source_given_on_the_command_line(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    shutil.copy(BILINGUAL / "pair" / "report.txt", target)  # alone: only --source pairs it
    command = (
        "check",
        "--no-grammar",
        "--format",
        "json",
        "--source",
        str(BILINGUAL / "pair" / "report.de.txt"),
    )
    one, two = run_cli(*command, str(target)), run_cli(*command, "--jobs", "2", str(target))
    assert two.stdout == one.stdout
    findings = json.loads(two.stdout)["files"][0]["findings"]
    assert ("consistency.weekday-mismatch", "p1") in {(f["rule"], f.get("unit")) for f in findings}


def test_two_jobs_check_standard_input_as_one_job_does() -> None:
    text = (FIXTURES / "damaged" / "eu-gas-cap.txt").read_bytes()
    one = run_cli("check", "--no-grammar", "--format", "json", "-", stdin=text)
    two = run_cli("check", "--no-grammar", "--format", "json", "--jobs", "2", "-", stdin=text)
    assert two.returncode == one.returncode == 1
    assert two.stdout == one.stdout and json.loads(two.stdout)["files"][0]["findings"]


def test_progress_and_reports_hear_of_every_file_once_in_order_as_in_a_run_of_one(mixed: Path) -> None:
    paths = [str(mixed), "missing.txt"]

    def run(jobs: int) -> tuple[list[tuple[int, str]], list[tuple[str, int]], list[str]]:
        told: list[tuple[int, str]] = []
        heard: list[tuple[str, int]] = []

        def listen(document: Document | None, file: FileResult) -> None:
            heard.append((file.path, len(file.findings)))
            if document is not None:
                assert document.path == file.path
            # a worker sends back a document only where a report needs its text: to place findings
            assert document is not None if jobs == 1 or file.findings else document is None

        with Session(grammar=False) as session:
            result = session.check_paths(paths, lambda n, p: told.append((n, p)), listen, jobs=jobs)
        assert [f.path for f in result.files] == [path for path, _ in heard]
        return told, heard, [e.path for e in result.errors]

    one, two = run(1), run(2)
    assert two == one
    told, heard, errors = two
    assert {count for _, count in heard} > {0}  # clean files and files with findings
    assert told[0] == (len(told) - 1, "") and len(told) - 1 == len(heard) + len(errors)
    assert errors == [str(mixed / "image.txt"), str(mixed / "latin1.txt"), "missing.txt"]


def test_tasks_keep_the_files_in_order_with_errors_in_place_and_spread_a_small_run(tmp_path: Path) -> None:
    small = []
    for number in range(40):
        small.append(str(tmp_path / f"{number:02d}.txt"))
        Path(small[-1]).write_text("x" * 9_999 + "\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text("y" * (2 * parallel.TASK_BYTES), encoding="utf-8")
    gone = SourceError("gone", "no such file or directory")

    spread = parallel._tasks(Session(grammar=False), small, jobs=2)
    assert [file for task in spread for file in task] == small
    assert len(spread) == 2 * parallel.WINDOW_PER_WORKER  # every worker gets work, and a queue of it

    items = [*small[:3], gone, str(big), *small[3:]]
    tasks = parallel._tasks(Session(grammar=False), items, jobs=2)
    assert [x for task in tasks for x in (task if isinstance(task, tuple) else [task])] == items
    assert tasks[:3] == [tuple(small[:3]), gone, (str(big),)]  # a big file is a task of its own
    per_task = (40 * 10_000 + 2 * parallel.TASK_BYTES) // (2 * parallel.WINDOW_PER_WORKER) // 10_000
    assert [len(task) for task in tasks[3:]] == [per_task] * (37 // per_task) + [37 % per_task]


def test_a_run_of_many_files_sends_several_to_a_task(tmp_path: Path) -> None:
    files = []
    for number in range(400):
        files.append(str(tmp_path / f"{number:03d}.txt"))
        Path(files[-1]).write_text("An article of a few thousand bytes. " * 80, encoding="utf-8")
    tasks = parallel._tasks(Session(grammar=False), files, jobs=2)
    assert [file for task in tasks for file in task] == files
    budget = min(parallel.TASK_BYTES, 400 * 2880 // (2 * parallel.WINDOW_PER_WORKER))
    per_task = budget // 2880
    assert per_task >= 2 and {len(task) for task in tasks[:-1]} == {per_task} and len(tasks[-1]) <= per_task


_PREPARED: list[int] = []
"""The sessions (their ids) ``_prepare`` ran on: in a spawned worker, its own; in a forked one, the one
made and prepared before the fork, which the worker has (at the same address) with this list."""


def _prepare(session: Session) -> None:
    _PREPARED.append(id(session))


def _was_prepared(session: Session, task: int) -> tuple[int, int]:
    return task, _PREPARED.count(id(session))


def test_workers_start_and_prepare_before_the_tasks_are_made() -> None:
    """``check --jobs N`` walks the folders while its workers start: the tasks are asked for once the
    workers run, and each worker's session was prepared once before its tasks (by the worker, or before
    it was forked: then not again)."""
    workers_when_asked: list[int] = []

    def tasks() -> Iterator[int]:
        workers_when_asked.append(len(multiprocessing.active_children()))
        yield from range(8)

    spec = parallel.WorkerSpec(grammar=False)
    done = list(parallel.run_local(_was_prepared, tasks(), spec, jobs=2, ordered=True, prepare=_prepare))
    assert [outcome.value for outcome in done] == [(task, 1) for task in range(8)]
    assert workers_when_asked == [2]


def test_check_hands_its_workers_the_walk_itself_when_jobs_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(3):
        (tmp_path / f"{index}.txt").write_text("It was an attack. .\n", encoding="utf-8")
    handed: list[object] = []
    check_files = parallel.check_files

    def recorded(session: Session, paths: list[str], items: Iterable[str], *rest: object) -> object:
        handed.append(items)
        return check_files(session, paths, items, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "check_files", recorded)
    with Session(grammar=False) as session:
        two = session.check_paths([str(tmp_path)], jobs=2)
        one = session.check_paths([str(tmp_path)], jobs=1)
    assert len(handed) == 1 and not isinstance(handed[0], list)  # a lazy walk, not the files found
    assert [(f.path, f.findings) for f in two.files] == [(f.path, f.findings) for f in one.files]
    assert len(one.files) == 3 and all(f.findings for f in one.files)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_workers_are_forked_only_while_no_other_thread_runs() -> None:
    """A fork taken while another thread holds a lock would leave the worker that lock held forever: a
    progress bar's thread (or a native library's) makes the run spawn its workers instead."""

    def threads() -> int:
        return len(os.listdir("/proc/self/task"))

    before = threads()
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not parallel._single_threaded()
        assert parallel._start_method().get_start_method() == "spawn"
    finally:
        release.set()
        thread.join()
    # a joined thread leaves the kernel's list of the process's threads a moment after it ends (as may
    # the pool threads of an earlier test's run); other tests may leave threads of their own running
    deadline = time.monotonic() + 10
    while threads() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    expected = "fork" if threads() == 1 else "spawn"
    assert parallel._start_method().get_start_method() == expected


def test_a_run_is_split_over_the_cores_by_default_only_when_it_is_big_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting workers costs about what they save on some 500 articles: below ``AUTO_JOBS_MIN_BYTES`` a
    run stays in one process; above, one worker per core, never more than there are files."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    article = "The talks resumed on Monday. " * 70 + "\n"  # some 2 KB, a short news article
    for index in range(4):
        (tmp_path / f"{index}.txt").write_text(article, encoding="utf-8")
    small = sorted(str(path) for path in tmp_path.glob("*.txt"))
    assert auto_jobs(small) == 1
    assert auto_jobs(["-", small[0]]) == 1  # standard input is one text, not a reason for workers
    big = tmp_path / "big.txt"
    big.write_text(article * (AUTO_JOBS_MIN_BYTES // len(article) + 1), encoding="utf-8")
    assert auto_jobs([*small, str(big)]) == 4
    assert auto_jobs([str(big), small[0]]) == 2
    assert auto_jobs([str(big)]) == 1
    assert auto_jobs([*small, str(big), str(tmp_path / "missing.txt"), SourceError("x", "gone")]) == 4


def test_check_splits_a_big_run_by_itself_and_reports_what_one_job_reports(tmp_path: Path) -> None:
    """``cleaner check`` with no ``--jobs`` on a run over the threshold: worker processes, same report."""
    folder = tmp_path / "archive"
    folder.mkdir()
    damaged = "The minister said that the government will. Not negotiate with the rebels.\n"
    sound = "The talks resumed on Monday, and both sides said they were hopeful of progress. " * 40 + "\n"
    for index in range(AUTO_JOBS_MIN_BYTES // len(sound) + 20):
        (folder / f"{index:04}.txt").write_text(
            sound + (damaged if index % 50 == 0 else ""), encoding="utf-8"
        )
    by_default = run_cli("check", "--no-grammar", "--format", "json", str(folder))
    one = run_cli("check", "--no-grammar", "--format", "json", "--jobs", "1", str(folder))
    assert by_default.returncode == one.returncode == 1, by_default.stderr
    assert json.loads(by_default.stdout) == json.loads(one.stdout)
    assert len(json.loads(one.stdout)["files"]) == AUTO_JOBS_MIN_BYTES // len(sound) + 20


def test_a_session_left_to_choose_hands_a_big_run_to_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cleaner.session.AUTO_JOBS_MIN_BYTES", 10)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    for index in range(3):
        (tmp_path / f"{index}.txt").write_text("It was an attack. .\n", encoding="utf-8")
    handed: list[int] = []
    check_files = parallel.check_files

    def recorded(session: Session, paths: list[str], items: list[str], jobs: int, *rest: object) -> object:
        handed.append(jobs)
        return check_files(session, paths, items, jobs, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "check_files", recorded)
    with Session(grammar=False) as session:
        chosen = session.check_paths([str(tmp_path)], jobs=None)
        one = session.check_paths([str(tmp_path)], jobs=1)
    assert handed == [2]
    assert [(f.path, f.findings) for f in chosen.files] == [(f.path, f.findings) for f in one.files]
    assert len(one.files) == 3 and all(f.findings for f in one.files)
    # The neural model runs on every core already, and each worker would load a copy of it.
    with Session({"neural.enabled": True}, grammar=False) as session:
        assert session._auto_jobs(list(session.files([str(tmp_path)]))) == 1


def test_tasks_go_out_while_a_big_walk_goes_on(tmp_path: Path) -> None:
    """Once the files found fill every place in the workers' queues, tasks are handed out before the
    walk ends: the same tasks as when every file is found first."""
    files = []
    for number in range(20):
        files.append(str(tmp_path / f"{number:02d}.txt"))
        Path(files[-1]).write_text("z" * 200_000, encoding="utf-8")
    walked: list[str] = []

    def walk() -> Iterator[str]:
        for file in files:
            walked.append(file)
            yield file

    stream = parallel._task_stream(Session(grammar=False), walk(), jobs=2)
    first = next(stream)
    full = 2 * parallel.WINDOW_PER_WORKER * parallel.TASK_BYTES
    assert len(walked) == -(-full // 200_000) < len(files)
    assert [first, *stream] == parallel._tasks(Session(grammar=False), files, jobs=2)


def test_a_warmed_up_checker_loads_nothing_more_for_its_texts() -> None:
    """``Checker.warm_up`` (run before ``--jobs`` forks its workers) loads what a text of every kind the
    detectors load for would: afterwards, checking one imports no module."""
    checker = Checker()
    checker.warm_up()
    before = set(sys.modules)
    text = "Caf\u00c3\u00a9 opened last Monday. . The \u0444 talks,, \u4e2d\u6587 resumed..Then 3 days ago.\n"
    checker.check_text(text)
    assert set(sys.modules) - before == set()
