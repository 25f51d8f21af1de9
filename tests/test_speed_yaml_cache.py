"""Parsed rule files and word lists are cached by content in the user cache folder (the speed issue:
no per-run work that can be done once). The cache must never change a result: an edited file is a new
document, and a cache folder that cannot be read or written only costs time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cleaner.data
from cleaner.data import YamlError, load_yaml
from cleaner.paths import CACHE_ENV
from tests.conftest import SEEDS

_PROBE = """
import json, sys
from cleaner.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"exit": code, "yaml": "yaml" in sys.modules}), file=sys.stderr)
"""


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache folder for this process (the cache is read once per process, so it is reset)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    cleaner.data._cached.cache_clear()
    yield folder
    cleaner.data._cached.cache_clear()


def _check(cache: Path, *args: str) -> tuple[int, bool, str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, "check", "--no-grammar", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, CACHE_ENV: str(cache), "NO_COLOR": "1"},
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["exit"], report["yaml"], result.stdout


def test_the_second_run_parses_no_yaml_and_finds_the_same(tmp_path: Path) -> None:
    seed = str(next(SEEDS.glob("*.txt")))
    first = _check(tmp_path / "cache", seed)
    second = _check(tmp_path / "cache", seed)
    assert first[:2] == (1, True)
    assert second == (1, False, first[2])


def test_an_edited_rule_is_read_as_edited(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    article = tmp_path / "a.txt"
    article.write_text("The zorblax arrived.\n", encoding="utf-8")
    rule = (
        "id: local.word\ncategory: typography\nseverity: warning\nsummary: s\nmessage: m\n"
        "pattern: '\\b{word}\\b'\nexamples:\n  flag:\n    - text: 'a {word} b'\n  pass:\n    - 'a b'\n"
    )
    (rules / "word.yaml").write_text(rule.format(word="zorblax"), encoding="utf-8")
    assert "local.word" in _check(tmp_path / "cache", "--rules", str(rules), str(article))[2]
    (rules / "word.yaml").write_text(rule.format(word="quuxly"), encoding="utf-8")
    assert "local.word" not in _check(tmp_path / "cache", "--rules", str(rules), str(article))[2]


def test_each_caller_gets_its_own_copy(cache_in: Path) -> None:
    first = load_yaml("a: [1, 2]\n")
    first["a"].append(3)
    assert load_yaml("a: [1, 2]\n") == {"a": [1, 2]}


def test_a_damaged_cache_file_is_parsed_afresh(cache_in: Path) -> None:
    cache_in.mkdir()
    (cache_in / Path(cleaner.data._cache_file()).name).write_bytes(b"not a pickle")
    assert load_yaml("b: 1\n") == {"b": 1}
    cleaner.data._cached().save()
    cleaner.data._cached.cache_clear()
    assert load_yaml("b: 1\n") == {"b": 1}
    assert cleaner.data._cached().parsed  # the repaired file was read back


def test_a_cache_folder_that_cannot_be_made_only_costs_time(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # a file where the folder should be
    cleaner.data._cached.cache_clear()
    try:
        assert load_yaml("c: x\n") == {"c": "x"}
        cleaner.data._cached().save()  # what runs at exit: says nothing, raises nothing
    finally:
        cleaner.data._cached.cache_clear()


def test_invalid_yaml_is_still_an_error(cache_in: Path) -> None:
    with pytest.raises(YamlError):
        load_yaml("a: [1, 2\n")


def test_runs_of_two_projects_keep_each_others_documents(cache_in: Path, monkeypatch) -> None:
    """A run writes back what it used last and keeps the others (up to ``KEPT``): a project whose
    rules differ does not make the other parse its rules again."""

    def run(*documents: str) -> None:  # one process: the cache file read, documents used, saved
        cleaner.data._cached.cache_clear()
        for document in documents:
            load_yaml(document)
        cleaner.data._cached().save()

    run("project: a\n", "shared: 1\n")
    run("project: b\n", "shared: 1\n")
    cleaner.data._cached.cache_clear()
    kept = cleaner.data._cached().parsed
    assert len(kept) == 3  # both projects' documents, the shared one once
    monkeypatch.setattr(cleaner.data, "KEPT", 2)
    run("project: c\n")
    cleaner.data._cached.cache_clear()
    kept = cleaner.data._cached().parsed
    assert len(kept) == 2 and load_yaml("project: c\n") == {"project": "c"}
    assert cleaner.data._cached().used == {next(reversed(kept))}  # the one used last is kept last
