"""The JSON report is written file by file (the speed issue: ``json`` indents in Python, 20 ms for 3,800
articles after the workers were done), and says exactly what ``json.dumps(report, indent=2)`` says."""

from __future__ import annotations

import json
from pathlib import Path

from cleaner.report.formats import statistics
from cleaner.report.json_report import JsonReport, json_text
from cleaner.session import RunResult, Session
from cleaner.sources import SourceError

DAMAGED = "The minister said that the government will. Not negotiate with the rebels.\n"


def reported(tmp_path: Path, names: list[str]) -> tuple[str, str]:
    """The report of a run over files of these names (each second one damaged), and the same report
    rendered whole by ``json_text``."""
    for index, name in enumerate(names):
        (tmp_path / name).write_text(DAMAGED if index % 2 else "A sound sentence.\n", encoding="utf-8")
    report = JsonReport()
    with Session(grammar=False) as session:
        run = session.check_paths([str(tmp_path / name) for name in names], on_file=report.add)
    run.errors.append(SourceError("missing.txt", "no such file or directory"))
    run.warnings.append("a warning")
    whole = {
        "version": 1,
        "files": report.files,
        "errors": [error.to_json() for error in run.errors],
        "warnings": run.warnings,
        "languagetool": run.languagetool,
        "statistics": [{"rule": rule, "count": count} for rule, count in statistics(run)],
    }
    return report.render(run), json_text(whole, indent=2)


def test_files_with_and_without_findings_and_awkward_names_read_as_one_dump(tmp_path: Path) -> None:
    names = ["plain.txt", 'quote"d.txt', "back\\slash.txt", "café “x”.txt", "tab\there.txt", "z.txt"]
    text, whole = reported(tmp_path, names)
    assert text == whole
    files = json.loads(text)["files"]
    assert [Path(f["path"]).name for f in files] == names
    assert [bool(f["findings"]) for f in files] == [False, True, False, True, False, True]


def test_a_name_with_a_lone_surrogate_escapes_every_character_beyond_ascii(tmp_path: Path) -> None:
    # a file name that is not UTF-8 reaches Python with its bad byte as a lone surrogate
    text, whole = reported(tmp_path, [b"caf\xe9.txt".decode("utf-8", "surrogateescape"), "na\u00efve.txt"])
    assert text == whole
    assert text.isascii() and "\\udce9" in text and "\\u00ef" in text


def test_a_run_without_files_is_the_plain_dump(tmp_path: Path) -> None:
    report = JsonReport()
    assert report.render(RunResult()) == json_text(
        {"version": 1, "files": [], "errors": [], "warnings": [], "languagetool": None, "statistics": []},
        indent=2,
    )
