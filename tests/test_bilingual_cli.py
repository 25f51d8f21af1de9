"""Source-aware inputs through the real command line: ``--source`` pairs, the folder convention and
bilingual files, findings naming their unit in every format, and ``fix`` writing only target bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pexpect
import pytest

from cleaner.bilingual import open_document
from tests.conftest import FIXTURES, check_json, run_cli
from tests.test_workflow import sarif_schema  # noqa: F401  (the published schema, a session fixture)

BILINGUAL = FIXTURES / "bilingual"
DATELINE = (
    "--dateline",
    "2021-12-13",
)  # the day the Japanese and Chinese sources' "12日", "10日" are read from
FORMATS = {
    "energy.de-en.xlf": ["hour.</target>", "proposal, diplomats", "on Thursday to discuss"],
    "briefing.ja-en.xlf": ["urgent.</target>", "</pc>.</target>", "questions, call <ph", "on Sunday"],
    "memory.ru-en.tmx": ["until Friday.</seg>", "tomorrow.</seg>", "warned on Thursday"],
    "newsroom.de-en.po": ['connections."', 'give in\\". Talks', 'follow, "', "strike for Friday."],
    "sirens.uk-en.tsv": ["in Kyiv.\treviewed", "Sunday, the", "On Wednesday sirens"],
    "summit.zh-en.jsonl": ["on Friday.", 'productive.\\" \\u2014 caf\\u00e9'],
}


def outside_targets(path: Path) -> list[str]:
    """The file's text with every target's characters cut out: what no repair may change."""
    file = open_document(str(path)).container
    assert file is not None
    parts, position = [], 0
    for target in file.targets:
        parts.append(file.raw.text[position : target.pieces[0].raw_start])
        position = target.pieces[-1].raw_end
    return [*parts, file.raw.text[position:]]


@pytest.mark.parametrize("name", FORMATS)
def test_fix_writes_only_target_bytes_and_twice_is_a_no_op(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copy(BILINGUAL / name, path)
    first = run_cli("fix", "--unsafe-fixes", *DATELINE, str(path))
    assert first.returncode == 0, first.stderr
    repaired = path.read_text(encoding="utf-8")
    for expected in FORMATS[name]:
        assert expected in repaired
    assert outside_targets(path) == outside_targets(BILINGUAL / name)
    written = path.read_bytes()
    second = run_cli("fix", "--unsafe-fixes", *DATELINE, str(path))
    assert second.returncode == 0 and "0 repairs applied" in second.stdout
    assert path.read_bytes() == written


def test_safe_fix_leaves_the_unsafe_weekday_for_review(tmp_path: Path) -> None:
    path = tmp_path / "energy.xlf"
    shutil.copy(BILINGUAL / "energy.de-en.xlf", path)
    result = run_cli("fix", "--no-grammar", str(path))
    assert result.returncode == 1 and "2 repairs applied, 1 left for review" in result.stdout
    assert "on Wednesday to discuss" in path.read_text(encoding="utf-8")


def test_findings_name_their_unit_in_text_json_and_sarif(sarif_schema: dict) -> None:  # noqa: F811
    path = str(BILINGUAL / "memory.ru-en.tmx")
    text = run_cli("check", "--no-grammar", path)
    assert text.returncode == 1
    assert (
        f"{path}:11:31: consistency.weekday-mismatch [consistency] error: Wednesday does not match the source"
        in text.stdout
    )
    assert "(unit talks-1, column 18)" in text.stdout
    report = check_json("--no-grammar", path)
    findings = {f["rule"]: f for f in report["files"][0]["findings"]}
    weekday = findings["consistency.weekday-mismatch"]
    assert (weekday["unit"], weekday["unit_start"], weekday["unit_end"]) == ("talks-1", 17, 26)
    assert (weekday["line"], weekday["column"], weekday["excerpt"]) == (11, 31, "Wednesday")
    log = json.loads(run_cli("check", "--no-grammar", "--format", "sarif", path).stdout)
    jsonschema.validate(log, sarif_schema)
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for result in log["runs"][0]["results"]:
        location = result["locations"][0]
        region = location["physicalLocation"]["region"]
        shown = lines[region["startLine"] - 1][region["startColumn"] - 1 :]
        assert shown.startswith(Path(path).read_text(encoding="utf-8")[region["charOffset"] :][:3])
        assert location["logicalLocations"][0]["name"] in {"talks-1", "tu2", "prices-3"}
    github = run_cli("check", "--no-grammar", "--format", "github", path).stdout
    assert "line=11,col=31,endLine=11,endColumn=40,title=consistency.weekday-mismatch" in github


def test_grammar_findings_in_a_bilingual_file_point_at_their_unit(tmp_path: Path) -> None:
    """The real LanguageTool server checks the targets; its findings map back to units and file lines."""
    path = tmp_path / "grammar.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "Ihr gefielen die Ergebnisse nicht."\nmsgstr "She did not like the the results."\n',
        encoding="utf-8",
    )
    report = check_json("--require-grammar", str(path))
    grammar = [f for f in report["files"][0]["findings"] if f["source"] == "languagetool"]
    assert grammar, report
    assert [(f["excerpt"], f["unit"], f["unit_start"], f["line"], f["column"]) for f in grammar] == [
        ("the the", "L5", 17, 6, 26)  # `msgstr "` takes 8 columns
    ]


def test_source_pair_aligns_paragraphs(tmp_path: Path) -> None:
    target = BILINGUAL / "pair" / "report.txt"
    report = check_json(
        "--no-grammar",
        "--source",
        str(target.with_suffix(".de.txt")),
        str(target),
    )
    units = {(f["rule"], f["unit"]) for f in report["files"][0]["findings"]}
    assert ("consistency.weekday-mismatch", "p1") in units
    assert ("punctuation.space-before-punctuation", "p2") in units


def test_source_pair_with_another_paragraph_count_is_an_error_naming_both(tmp_path: Path) -> None:
    source, target = tmp_path / "de.txt", tmp_path / "en.txt"
    source.write_text("Erster Absatz.\n\nZweiter Absatz.\n\nDritter Absatz.\n", encoding="utf-8")
    target.write_text("First paragraph.\n\nSecond and third paragraph.\n", encoding="utf-8")
    result = run_cli("check", "--no-grammar", "--source", str(source), str(target))
    assert result.returncode == 2
    assert (
        f"{target} has 2 paragraphs (separated by blank lines) but its source {source} has 3" in result.stderr
    )
    fixed = run_cli("fix", "--no-grammar", "--source", str(source), str(target))
    assert fixed.returncode == 2 and "has 2 paragraphs" in fixed.stderr


def test_a_translation_on_standard_input_pairs_with_its_source(tmp_path: Path) -> None:
    source = tmp_path / "de.txt"
    source.write_text("Am Donnerstag regnete es.\n", encoding="utf-8")
    report = check_json("--no-grammar", "--source", str(source), "-", stdin=b"It rained on Friday.\n")
    assert [f["rule"] for f in report["files"][0]["findings"]] == ["consistency.weekday-mismatch"]
    fixed = run_cli(
        "fix", "--unsafe-fixes", "--no-grammar", "--source", str(source), "-", stdin=b"It rained on Friday.\n"
    )
    assert (fixed.returncode, fixed.stdout) == (0, "It rained on Thursday.\n")


def test_source_pair_of_lines_when_a_file_has_no_blank_lines(tmp_path: Path) -> None:
    source, target = tmp_path / "de.txt", tmp_path / "en.txt"
    source.write_text("Am Donnerstag regnete es.\nDie Preise stiegen.\n", encoding="utf-8")
    target.write_text("It rained on Friday.\n\nPrices rose .\n", encoding="utf-8")
    report = check_json("--no-grammar", "--source", str(source), str(target))
    assert {(f["rule"], f["unit"]) for f in report["files"][0]["findings"]} == {
        ("consistency.weekday-mismatch", "p1"),
        ("punctuation.space-before-punctuation", "p2"),
    }


def test_source_needs_exactly_one_translation_file() -> None:
    result = run_cli("check", "--source", "a.de.txt", "a.txt", "b.txt")
    assert result.returncode == 2 and "exactly one translation file" in result.stderr


def test_folder_convention_pairs_article_with_its_language_tagged_source(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(BILINGUAL / "pair", folder)
    (folder / "notes.old.txt").write_text("An old note , kept.\n", encoding="utf-8")
    (folder / "notes.txt").write_text("A note.\n", encoding="utf-8")
    report = check_json("--no-grammar", str(folder))
    files = {Path(f["path"]).name: f["findings"] for f in report["files"]}
    assert sorted(files) == ["notes.old.txt", "notes.txt", "report.txt"]  # report.de.txt is a source
    assert ("consistency.weekday-mismatch", "p1") in {(f["rule"], f.get("unit")) for f in files["report.txt"]}
    assert all("unit" not in f for f in files["notes.old.txt"])  # "old" is no language: not a pair


def test_diff_of_a_bilingual_file_is_a_patch_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "news.po"
    shutil.copy(BILINGUAL / "newsroom.de-en.po", path)
    before = path.read_bytes()
    result = run_cli("fix", "--no-grammar", "--diff", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert (
        '-msgstr "Railway cancels 120 connections ."\n+msgstr "Railway cancels 120 connections."'
        in result.stdout
    )
    assert path.read_bytes() == before
    patched = tmp_path / "patched"
    patched.mkdir()
    shutil.copy(path, patched / "news.po")
    applied = subprocess.run(
        ["git", "apply", "--directory=patched", "-"],
        input=result.stdout,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert applied.returncode == 0
    run_cli("fix", "--no-grammar", str(path))
    assert (patched / "news.po").read_bytes() == path.read_bytes()


def test_interactive_review_writes_the_accepted_repairs_into_the_targets(tmp_path: Path) -> None:
    path = tmp_path / "memory.tmx"
    shutil.copy(BILINGUAL / "memory.ru-en.tmx", path)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "cleaner", "fix", "--interactive", "--no-grammar", str(path)],
        env={**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"},
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )
    for key in ("y", "n", "y"):  # the weekday (unsafe), the space before "." (skipped), the doubled stop
        child.expect(r"Apply this repair \[[^\]]*\]\? ")
        child.sendline(key)
    child.expect(pexpect.EOF)
    text = path.read_text(encoding="utf-8")
    assert "warned on Thursday of" in text and "until Friday .</seg>" in text and "tomorrow.</seg>" in text
    assert outside_targets(path) == outside_targets(BILINGUAL / "memory.ru-en.tmx")


# --- [tool.cleaner.source]: the source options in the configuration ------------------------------------


def _summit(folder: Path, config: str) -> Path:
    """A JSON Lines file with its own column names, and a configuration beside it."""
    folder.mkdir()
    (folder / "cleaner.toml").write_text(config, encoding="utf-8")
    row = {
        "zh": "毛里求斯10日首次报告两例奥密克戎病例。",
        "en": "Mauritius reported two omicron cases on Monday.",
    }
    path = folder / "summit.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _weekday_repairs(*args: str) -> list[str]:
    result = run_cli("check", "--no-grammar", "--format", "json", *args)
    assert result.returncode == 1, result.stderr
    return [
        finding["fixes"][0]["replacement"]
        for file in json.loads(result.stdout)["files"]
        for finding in file["findings"]
        if finding["rule"] == "consistency.weekday-mismatch"
    ]


def test_source_settings_come_from_the_configuration_and_command_line_options_override_them(
    tmp_path: Path,
) -> None:
    config = (
        'include = ["*.jsonl"]\n\n[source]\nlanguage = "zh"\ndateline = 2021-12-13\n'
        'source-column = "zh"\ntarget-column = "en"\n'
    )
    path = _summit(tmp_path / "desk", config)
    assert _weekday_repairs(str(path.parent)) == ["Friday"]  # walked by include; 10日 of Dec 2021: a Friday
    assert _weekday_repairs("--dateline", "2021-11-13", str(path)) == ["Wednesday"]  # 10 Nov 2021
    shown = run_cli("config", str(path)).stdout
    where = str((path.parent / "cleaner.toml").resolve())
    assert f"source.dateline = 2021-12-13    # {where}" in shown
    assert f"source.source-column = zh    # {where}" in shown
    assert "source.siblings = true    # default" in shown
    # without the configured columns the same file cannot be read, and the error says why
    unread = run_cli("check", "--no-grammar", "--source-column", "source", str(path))
    assert unread.returncode == 2 and "source" in unread.stderr


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[source]\ndate-line = 2021-12-13\n", "unknown key 'source.date-line' (known: dateline, language,"),
        ('[source]\nlanguage = "xx-yy"\n', "source.language: 'xx-yy' is not a language CLDR knows"),
        ('[source]\ndateline = "13.12.2021"\n', "source.dateline: '13.12.2021' is not a date"),
        ('[source]\nsiblings = "no"\n', "source.siblings is true or false"),
    ],
)
def test_a_wrong_source_setting_is_an_error_naming_the_key(tmp_path: Path, table: str, message: str) -> None:
    path = _summit(tmp_path / "desk", table)
    result = run_cli("check", "--no-grammar", str(path))
    assert result.returncode == 2
    assert message in result.stderr and str(path.parent / "cleaner.toml") in result.stderr


def test_an_english_tagged_sibling_is_an_article_not_a_source(tmp_path: Path) -> None:
    """``story.en.txt`` beside ``story.txt`` is an English version (or the translation of story.txt):
    taken for a source it would never be checked."""
    (tmp_path / "story.txt").write_text("Done. . Now.\n", encoding="utf-8")
    for name in ("story.en.txt", "story.en-GB.txt"):
        (tmp_path / name).write_text("The deal..was done.\n", encoding="utf-8")
    report = check_json("--no-grammar", str(tmp_path))
    assert {Path(f["path"]).name: len(f["findings"]) for f in report["files"]} == {
        "story.txt": 1,
        "story.en-GB.txt": 1,
        "story.en.txt": 1,
    }


def test_siblings_false_checks_a_language_tagged_file_as_an_article_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(BILINGUAL / "pair", folder)
    (folder / "cleaner.toml").write_text("[source]\nsiblings = false\n", encoding="utf-8")
    report = check_json("--no-grammar", str(folder))
    files = {Path(f["path"]).name: f["findings"] for f in report["files"]}
    assert sorted(files) == ["report.de.txt", "report.txt"]
    assert not any(f["rule"].startswith("consistency.") for f in files["report.txt"])  # not paired


def test_a_folder_walk_checks_the_bilingual_files_include_names(tmp_path: Path) -> None:
    folder = tmp_path / "l10n"
    shutil.copytree(BILINGUAL, folder)
    walked = check_json("--no-grammar", str(folder))
    assert sorted(Path(f["path"]).name for f in walked["files"]) == ["report.txt"]  # by default: articles
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cleaner]\ninclude = ["*.txt", "*.xlf", "*.xliff", "*.tmx", "*.po"]\n', encoding="utf-8"
    )
    report = check_json("--no-grammar", str(folder))
    files = {Path(f["path"]).name: f["findings"] for f in report["files"]}
    assert sorted(files) == [
        "briefing.ja-en.xlf",
        "energy.de-en.xlf",
        "memory.ru-en.tmx",
        "newsroom.de-en.po",
        "report.txt",
    ]
    units = {f.get("unit") for f in files["memory.ru-en.tmx"] if f["rule"] == "consistency.weekday-mismatch"}
    assert units == {"talks-1"}  # read as TMX, unit by unit, exactly as when named
    in_workers = run_cli("check", "--no-grammar", "--format", "json", "--jobs", "2", str(folder))
    assert json.loads(in_workers.stdout) == report  # worker processes read each file as a run of one does


def test_an_unknown_source_language_on_the_command_line_is_a_usage_error() -> None:
    result = run_cli(
        "check", "--no-grammar", "--source-language", "xx", str(BILINGUAL / "summit.zh-en.jsonl")
    )
    assert result.returncode == 2 and "--source-language 'xx' is not a language CLDR knows" in result.stderr
