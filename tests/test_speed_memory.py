"""A run streams (the speed issue: peak memory must not grow with the number of files checked).

Each file's document is handed to the report as soon as the file is checked and dropped after: the run
keeps findings only. Checked here by what stays alive, in the real session and through the real CLI's
reports, not by measuring memory (that is ``bench/speed.py``'s job).
"""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

from cleaner.document import Document
from cleaner.session import FileResult, Session
from tests.conftest import run_cli

DAMAGED = "He said on Monday that the talks has been held last week. . Then it rained.\n"


def test_no_document_outlives_its_turn(tmp_path: Path) -> None:
    paths = []
    for index in range(4):
        path = tmp_path / f"{index}.txt"
        path.write_text(DAMAGED, encoding="utf-8")
        paths.append(str(path))
    alive: list[weakref.ref[Document]] = []
    earlier_alive: list[bool] = []

    def on_file(document: Document, result: FileResult) -> None:
        gc.collect()
        earlier_alive.extend(ref() is not None for ref in alive)  # the files before this one
        alive.append(weakref.ref(document))
        assert result.path == document.path and result.findings

    with Session(grammar=False) as session:
        run = session.check_paths(paths, on_file=on_file)
    gc.collect()
    assert [r.path for r in run.files] == paths
    assert len(alive) == 4 and not any(earlier_alive)
    assert all(ref() is None for ref in alive)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_every_format_reports_each_file_it_was_handed(tmp_path: Path, fmt: str) -> None:
    """The reports take their part of each file as it is checked: every file's findings are still in the
    output, in the order of the files, with the positions only its document could give."""
    (tmp_path / "b.txt").write_text("Fine text.\n\n" + DAMAGED, encoding="utf-8")
    (tmp_path / "a.txt").write_text(DAMAGED, encoding="utf-8")
    result = run_cli("check", "--no-grammar", "--format", fmt, str(tmp_path))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert out.index("a.txt") < out.index("b.txt")
    if fmt == "json":
        files = json.loads(out)["files"]
        assert [Path(f["path"]).name for f in files] == ["a.txt", "b.txt"]
        assert {f["line"] for f in files[0]["findings"]} == {1}
        assert {f["line"] for f in files[1]["findings"]} == {3}
    elif fmt == "text":
        assert "a.txt:1:" in out and "b.txt:3:" in out and out.rstrip().splitlines()[-1].startswith("Found")
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
        assert lines == {1, 3}
    else:
        assert "line=3" in out if fmt == "github" else 'message="3:' in out
