"""``cleaner batch`` on one machine: the same findings as ``check`` on the same texts, from JSONL, Parquet
and folders; ``--jobs 2`` the same as ``--jobs 1``; unreadable rows reported in place; a run killed with
SIGKILL and started again finishes with every document exactly once; ``check --jobs 2`` unchanged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cleaner.batch import state_folder
from cleaner.corpus import read_rows
from cleaner.grammar.engine import BUDGET_ENV
from tests.batch_corpus import (
    COLUMNS,
    batch_command,
    findings_by_id,
    kill_when,
    texts,
    write_folder,
    write_jsonl,
    write_parquet,
)
from tests.conftest import REPO, URL_ENV, run_cli


def check_findings(folder: Path, *options: str) -> dict[str, list[dict]]:
    """``cleaner check --format json`` on the folder: findings per file stem (the corpus id)."""
    result = run_cli("check", "--format", "json", "--exit-zero", *options, str(folder))
    assert result.returncode == 0, result.stderr
    return {Path(f["path"]).stem: f["findings"] for f in json.loads(result.stdout)["files"] if f["findings"]}


def batch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = run_cli("batch", *args, env=env)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """The fixtures and 40 dev documents, as a folder, and ``check``'s findings on it."""
    documents = texts(40)
    folder = write_folder(tmp_path_factory.mktemp("corpus") / "docs", documents)
    return documents, folder


def test_jsonl_parquet_and_folder_give_the_findings_check_gives(corpus, tmp_path: Path) -> None:
    documents, folder = corpus
    expected = check_findings(folder, "--no-grammar")
    assert len(expected) >= 3, "the corpus must have findings to compare"
    jsonl = write_jsonl(tmp_path / "corpus.jsonl", documents)
    parquet = write_parquet(tmp_path / "corpus.parquet", documents)

    batch(str(jsonl), *COLUMNS, "--no-grammar", "-o", str(tmp_path / "from-jsonl.jsonl"))
    batch(str(parquet), *COLUMNS, "--no-grammar", "-o", str(tmp_path / "from-parquet.parquet"))
    batch(str(folder), "--no-grammar", "-o", str(tmp_path / "from-folder.jsonl"))

    assert findings_by_id(tmp_path / "from-jsonl.jsonl") == expected
    assert findings_by_id(tmp_path / "from-parquet.parquet") == expected
    by_path = findings_by_id(tmp_path / "from-folder.jsonl")
    assert {Path(name).stem: rows for name, rows in by_path.items()} == expected

    summary = read_rows(tmp_path / "from-parquet.summary.parquet")
    assert [row["id"] for row in summary] == list(documents)
    assert [row["row"] for row in summary] == list(range(1, len(documents) + 1))
    assert {row["id"]: row["findings"] for row in summary if row["findings"]} == {
        name: len(rows) for name, rows in expected.items()
    }
    assert all(row["chars"] == len(documents[row["id"]]) and row["unreadable"] is None for row in summary)


def test_two_jobs_write_exactly_what_one_job_writes(corpus, tmp_path: Path) -> None:
    documents, _ = corpus
    jsonl = write_jsonl(tmp_path / "corpus.jsonl", documents)
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.jsonl"
        batch(str(jsonl), *COLUMNS, "--no-grammar", "--jobs", jobs, "--block-size", "5", "-o", str(out))
    assert (tmp_path / "jobs1.jsonl").read_bytes() == (tmp_path / "jobs2.jsonl").read_bytes()
    assert (tmp_path / "jobs1.summary.jsonl").read_bytes() == (tmp_path / "jobs2.summary.jsonl").read_bytes()
    assert not state_folder(tmp_path / "jobs2.jsonl").exists(), "a finished run leaves no state behind"


def test_unreadable_rows_are_reported_in_place_and_the_rest_is_checked(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(
        b'{"doc": "a", "body": "Officials said the government will. Not negotiate with the rebels.", '
        b'"src": "Die Regierung verhandelt nicht mit den Rebellen."}\n'
        b"{not json\n"
        b'{"doc": "c"}\n'
        b"\n"
        b'{"doc": "d", "body": "It rained on Monday."}\n'
    )
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(corpus), *COLUMNS, "--source-column", "src", "--no-grammar", "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert f"error: {corpus}:2: not JSON" in result.stderr
    assert f"error: {corpus}:3: no 'body' column" in result.stderr
    summary = read_rows(tmp_path / "out.summary.jsonl")
    assert [(row["id"], row["row"], row["unreadable"] is None) for row in summary] == [
        ("a", 1, True),
        (None, 2, False),
        ("c", 3, False),  # a row that cannot be checked keeps the id it has
        ("d", 5, True),
    ]
    assert {row["id"] for row in read_rows(out)} == {"a"}


def test_a_state_folder_of_other_options_is_refused_until_restart(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl", texts(3))
    out = tmp_path / "out.jsonl"
    state = state_folder(out)
    state.mkdir()
    (state / "manifest.json").write_text('{"format": 1, "inputs": ["elsewhere"]}')
    refused = run_cli("batch", str(corpus), *COLUMNS, "--no-grammar", "-o", str(out))
    assert refused.returncode == 2 and "--restart" in refused.stderr
    assert not out.exists()
    batch(str(corpus), *COLUMNS, "--no-grammar", "--restart", "-o", str(out))
    assert len(read_rows(tmp_path / "out.summary.jsonl")) == len(texts(3))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_killed_mid_way_resumes_and_writes_every_document_once(tmp_path: Path, jobs: str) -> None:
    documents = texts(100, repeat=3)
    corpus = write_jsonl(tmp_path / "corpus.jsonl", documents)
    args = [str(corpus), *COLUMNS, "--no-grammar", "--block-size", "4"]
    batch(*args, "-o", str(tmp_path / "whole.jsonl"))

    out = tmp_path / "out.jsonl"
    state = state_folder(out)
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        batch_command(*args, "--jobs", jobs, "-o", str(out)),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    kill_when(process, lambda: len(list(state.glob("part-*.jsonl"))) >= 5)
    parts = len(list(state.glob("part-*.jsonl")))
    assert parts < len(documents) / 4, "killed before the end"
    assert not out.exists() and not (tmp_path / "out.summary.jsonl").exists(), "no half-written output"

    resumed = batch(*args, "--jobs", jobs, "-o", str(out))
    assert "done by an earlier run" in resumed.stderr
    assert out.read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    summary = read_rows(tmp_path / "out.summary.jsonl")
    assert [row["id"] for row in summary] == list(documents)
    assert not state.exists()


def test_check_with_two_jobs_prints_what_one_job_prints(corpus) -> None:
    _, folder = corpus
    for output_format in ("json", "text"):
        one = run_cli("check", "--no-grammar", "--format", output_format, str(folder), "missing.txt")
        two = run_cli(
            "check", "--no-grammar", "--jobs", "2", "--format", output_format, str(folder), "missing.txt"
        )
        assert one.returncode == two.returncode == 2
        assert one.stdout == two.stdout and one.stdout
        assert one.stderr == two.stderr


@pytest.mark.languagetool
def test_two_jobs_sharing_a_server_the_run_starts_give_checks_grammar_findings(tmp_path: Path) -> None:
    """With the real LanguageTool: ``check`` on the session's server, ``batch --jobs 2`` on a server of
    its own (no URL given: it starts one and both workers use it); the same findings, grammar included."""
    documents = texts(6)
    folder = write_folder(tmp_path / "docs", documents)
    expected = check_findings(folder)
    assert any(f["source"] == "languagetool" for rows in expected.values() for f in rows)
    corpus = write_jsonl(tmp_path / "corpus.jsonl", documents)
    out = tmp_path / "out.jsonl"
    env = {key: value for key, value in os.environ.items() if key != URL_ENV}
    result = subprocess.run(
        batch_command(
            str(corpus), *COLUMNS, "--jobs", "2", "--block-size", "2", "--require-grammar", "-o", str(out)
        ),
        cwd=REPO,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert findings_by_id(out) == expected


def test_parquet_output_keeps_every_field_even_ones_the_json_report_gains_later(tmp_path: Path) -> None:
    from cleaner.corpus import finding_schema, write_rows

    first = {"id": "a", "rule": "r.one", "line": 1, "fixes": []}
    later = {
        "id": "b",
        "rule": "r.two",
        "unit": "seg-7",
        "fixes": [{"start": 0, "end": 1, "replacement": "x", "applicability": "safe", "why": "new"}],
    }
    target = tmp_path / "out.parquet"
    write_rows(target, lambda: iter([[first], [], [later]]), finding_schema)
    rows = read_rows(target)
    assert [(r["id"], r["rule"], r["line"], r["unit"]) for r in rows] == [
        ("a", "r.one", 1, None),
        ("b", "r.two", None, "seg-7"),
    ]
    assert rows[1]["fixes"][0]["why"] == "new" and rows[1]["fixes"][0]["replacement"] == "x"


def test_check_with_two_jobs_passes_on_a_user_rule_skipped_for_lack_of_time(tmp_path: Path) -> None:
    from tests.test_hardening_engine import pattern_rule, rule_file

    rules = tmp_path / "rules"
    rule_file(rules, "slow", pattern_rule("house.slow", "(x+x+)+y", "xxy", "b"))
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text("x" * 3000 + "\nIt was the end.\n", encoding="utf-8")
    runs = [
        run_cli("check", "--no-grammar", "--format", "json", "--rules", str(rules), *jobs, str(folder))
        for jobs in ([], ["--jobs", "2"])
    ]
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[1].stdout)["warnings"] == [
        f"rule house.slow exceeded its time budget on {folder / name}.txt; skipped" for name in ("a", "b")
    ]


@pytest.mark.parametrize("dated", [(), ("--dateline", "2021-12-13", "--source-language", "zh")])
def test_a_source_column_runs_the_source_aware_checks_as_check_does_on_the_same_rows(
    tmp_path: Path, dated: tuple[str, ...]
) -> None:
    """The bilingual fixture read as a corpus: each row's target checked against its source column
    gives the consistency findings ``check`` gives on the same file read as bilingual JSON Lines, with
    the same dateline and source language (which date a bare "10日", so its weekday is checked)."""
    fixture = REPO / "fixtures" / "bilingual" / "summit.zh-en.jsonl"
    output = tmp_path / "findings.jsonl"
    options = ("--source-column", "source", "--no-grammar", *dated)
    batch(str(fixture), "--text-column", "target", *options, "-o", str(output))
    found = {(row["id"], row["rule"]) for row in read_rows(output) if row["rule"].startswith("consistency.")}
    expected = run_cli("check", "--format", "json", "--exit-zero", *options, str(fixture))
    units = {
        (f["unit"], f["rule"])
        for f in json.loads(expected.stdout)["files"][0]["findings"]
        if f["rule"].startswith("consistency.")
    }
    assert found and found == units
    assert (("zh-2", "consistency.weekday-mismatch") in found) == bool(dated)


def test_a_folder_of_bilingual_files_and_pairs_gives_the_findings_check_gives(tmp_path: Path) -> None:
    """Plain files in a batch are read as ``check`` reads them: XLIFF, TMX, PO and aligned tables as
    their targets with their sources (units named, repairs confined to one target), an article beside
    its ``article.LANG.txt`` against that source; ``--jobs 2`` sends the parsed files to its workers."""
    folder = tmp_path / "l10n"
    shutil.copytree(REPO / "fixtures" / "bilingual", folder)
    (folder / ".cleaner.toml").write_text(
        'include = ["*.txt", "*.xlf", "*.tmx", "*.po", "*.tsv", "*.jsonl"]\n', encoding="utf-8"
    )
    result = run_cli("check", "--format", "json", "--exit-zero", "--no-grammar", str(folder))
    expected = {Path(f["path"]).name: f["findings"] for f in json.loads(result.stdout)["files"]}
    assert {"energy.de-en.xlf", "newsroom.de-en.po", "memory.ru-en.tmx", "report.txt"} <= set(expected)
    assert "report.de.txt" not in expected  # the source beside report.txt, not an article
    assert all("unit" in f for rows in expected.values() for f in rows)
    for jobs in ("1", "2"):
        output = tmp_path / f"jobs{jobs}.jsonl"
        batch(str(folder), "--no-grammar", "--jobs", jobs, "-o", str(output))
        assert {Path(name).name: rows for name, rows in findings_by_id(output).items()} == expected


def test_documents_left_without_grammar_are_flagged_and_checked_by_the_next_run(tmp_path: Path) -> None:
    """With the real LanguageTool and a run budget too short for any answer, every document is
    flagged ``grammar: false`` and the run's state is kept; the same command with time to spare checks
    those documents again (not resumed) and then removes the state."""
    documents = texts(1)
    corpus = write_jsonl(tmp_path / "corpus.jsonl", documents)
    out = tmp_path / "out.jsonl"
    command = (str(corpus), *COLUMNS, "--no-cache", "--block-size", "2", "-o", str(out))
    hurried = run_cli("batch", *command, env={BUDGET_ENV: "0.001"})
    assert hurried.returncode == 0, hurried.stderr
    count = len(documents)
    assert f"{count} documents went without (all of) their grammar check" in hurried.stderr
    assert [row["grammar"] for row in read_rows(tmp_path / "out.summary.jsonl")] == [False] * count
    assert state_folder(out).is_dir()
    again = run_cli("batch", *command)
    assert again.returncode == 0, again.stderr
    assert "done by an earlier run" not in again.stderr and "without (all of)" not in again.stderr
    assert [row["grammar"] for row in read_rows(tmp_path / "out.summary.jsonl")] == [True] * count
    assert not state_folder(out).exists()
    rules_only = run_cli("batch", *command[:-1], str(tmp_path / "rules.jsonl"), "--no-grammar")
    assert rules_only.returncode == 0, rules_only.stderr
    assert [row["grammar"] for row in read_rows(tmp_path / "rules.summary.jsonl")] == [None] * count


def test_an_output_or_summary_that_is_an_input_or_each_other_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl", texts(2))
    folder = write_folder(tmp_path / "docs", texts(0))
    original, article = corpus.read_bytes(), next(folder.glob("*.txt"))
    (tmp_path / "link.jsonl").symlink_to(corpus)
    os.link(corpus, tmp_path / "hard.jsonl")
    os.link(article, tmp_path / "article.jsonl")
    (tmp_path / "folder.jsonl").mkdir()
    before = sorted(tmp_path.rglob("*"))
    refusals = [
        ("the output is the input", [str(corpus), "-o", str(corpus)]),
        ("the summary is the input", [str(corpus), "-o", "out.jsonl", "--summary", str(corpus)]),
        ("the output is the input", [str(corpus), "--restart", "-o", "link.jsonl"]),  # a symbolic link
        ("the output is the input", [str(tmp_path / "link.jsonl"), "-o", "hard.jsonl"]),  # a hard link
        (
            "the output and the summary are the same file",
            [str(corpus), "-o", "x.jsonl", "--summary", "./x.jsonl"],
        ),
        (f"an input in {folder}", [str(folder), "-o", "article.jsonl"]),  # a hard link to a file in it
        ("the output is a folder", [str(corpus), "-o", "folder.jsonl"]),
    ]
    for message, args in refusals:
        result = run_cli("batch", *COLUMNS, "--no-grammar", *args, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert sorted(tmp_path.rglob("*")) == before, args
        assert (
            corpus.read_bytes() == original
            and (tmp_path / "article.jsonl").read_bytes() == article.read_bytes()
        )


def test_a_state_folder_holding_other_files_is_never_taken_over(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl", texts(1))
    out = tmp_path / "out.jsonl"
    state = state_folder(out)
    state.mkdir()
    (state / "notes.txt").write_text("mine")
    for restart in ([], ["--restart"]):
        result = run_cli("batch", str(corpus), *COLUMNS, "--no-grammar", *restart, "-o", str(out))
        assert result.returncode == 2 and "not a batch run's (notes.txt)" in result.stderr
        assert (state / "notes.txt").read_text() == "mine" and not out.exists()


LONE_SURROGATE = "The caf\\ud800 is open again."
"""A JSON row's text with a lone surrogate escape: the Unicode-damage check flags it, as check does."""


def test_a_lone_surrogate_is_checked_and_written_as_json_escapes_and_parquet_replacements(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        f'{{"doc": "g", "body": "{LONE_SURROGATE}"}}\n{{"doc": "\\udc80id", "body": "It is caf\\u00e9."}}\n'
    )
    out = tmp_path / "out.jsonl"
    result = batch(str(corpus), *COLUMNS, "--no-grammar", "-o", str(out))
    assert not state_folder(out).exists(), result.stderr
    damage = [row for row in read_rows(out) if row["rule"] == "typography.unicode-damage"]
    assert [(row["id"], row["start"], row["excerpt"]) for row in damage] == [("g", 7, "\ud800")]
    out.read_bytes().decode("utf-8")  # valid UTF-8: the surrogate travels as a JSON escape
    assert [row["id"] for row in read_rows(tmp_path / "out.summary.jsonl")] == ["g", "\udc80id"]

    parquet = tmp_path / "out.parquet"
    result = batch(str(corpus), *COLUMNS, "--no-grammar", "-o", str(parquet))
    assert "2 rows held a lone surrogate" in result.stderr and "U+FFFD" in result.stderr
    damage = [row for row in read_rows(parquet) if row["rule"] == "typography.unicode-damage"]
    assert [(row["id"], row["start"], row["excerpt"]) for row in damage] == [("g", 7, "\ufffd")]
    assert [row["id"] for row in read_rows(tmp_path / "out.summary.parquet")] == ["g", "\ufffdid"]


def test_a_parquet_row_that_is_not_utf8_is_reported_by_its_id_and_the_rest_checked(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # Not every Parquet writer checks UTF-8: a string column built from its bytes, one stray byte in row 1
    bad = "The caf\udcc3 is open. ".encode("utf-8", "surrogateescape")
    data = bad + b"It rained on Monday."
    offsets = pa.array([0, len(bad), len(data)], pa.int32()).buffers()[1]
    body = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(data)])
    corpus = tmp_path / "corpus.parquet"
    pq.write_table(pa.table({"doc": ["bad", "good"], "body": body}), corpus)
    out = tmp_path / "out.jsonl"
    result = run_cli("batch", str(corpus), *COLUMNS, "--no-grammar", "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert f"error: {corpus}:1: 'body' column not UTF-8" in result.stderr
    summary = read_rows(tmp_path / "out.summary.jsonl")
    assert [(row["id"], row["unreadable"] is None, row["chars"]) for row in summary] == [
        ("bad", False, 0),
        ("good", True, len("It rained on Monday.")),
    ]
    assert not state_folder(out).exists()
