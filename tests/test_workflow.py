"""Fitting the user's workflow: configuration, suppressions, Markdown, output formats, pre-commit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

from cleaner.config import ConfigError, settings_for
from cleaner.grammar.annotation import annotation
from cleaner.markdown import markup_spans
from cleaner.session import Session
from tests.conftest import REPO, SEEDS, check_json, run_cli

SEED = next(SEEDS.glob("*.txt"))
DAMAGED = "It ended. . Then it began.\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- configuration -------------------------------------------------------------------------------


def test_config_is_found_from_the_checked_file_upwards(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.cleaner]\nignore = ["punctuation.repeated-stop"]\n')
    write(tmp_path / "desk" / "cleaner.toml", 'select = ["typography"]\nfail-on = "info"\n')
    near = write(tmp_path / "desk" / "a.txt", DAMAGED)
    far = write(tmp_path / "other" / "b.txt", DAMAGED)
    assert settings_for(str(near)).select == ("typography",)
    assert settings_for(str(far)).ignore == ("punctuation.repeated-stop",)
    data = check_json("--no-grammar", str(tmp_path))
    assert {Path(f["path"]).name: len(f["findings"]) for f in data["files"]} == {"a.txt": 0, "b.txt": 0}
    flagged = check_json("--no-grammar", "--select", "punctuation", str(far))
    assert flagged["files"][0]["findings"] == []  # the config's ignore still applies beside --select


def test_unknown_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    config = write(tmp_path / ".cleaner.toml", 'selcet = ["punctuation"]\n')
    article = write(tmp_path / "a.txt", DAMAGED)
    with pytest.raises(ConfigError, match="unknown key 'selcet'"):
        settings_for(str(article))
    result = run_cli("check", str(article))
    assert result.returncode == 2 and "selcet" in result.stderr and str(config) in result.stderr


def test_per_file_ignores_include_exclude_and_config_command(tmp_path: Path) -> None:
    write(
        tmp_path / "cleaner.toml",
        """
include = ["*.txt", "*.text"]
exclude = ["archive/*"]
per-file-ignores = { "wire/*" = ["punctuation"] }
[languagetool]
language = "en-GB"
extend-disabled-rules = ["EN_QUOTES"]
""",
    )
    write(tmp_path / "wire" / "a.txt", DAMAGED)
    write(tmp_path / "desk" / "b.text", DAMAGED)
    write(tmp_path / "archive" / "c.txt", DAMAGED)
    data = check_json("--no-grammar", str(tmp_path))
    found = {Path(f["path"]).name: [x["rule"] for x in f["findings"]] for f in data["files"]}
    assert found == {"b.text": ["punctuation.repeated-stop"], "a.txt": []}
    shown = run_cli("config", str(tmp_path / "desk" / "b.text")).stdout
    assert "languagetool.language = en-GB    # " + str(tmp_path / "cleaner.toml") in shown
    assert "min-severity = info    # default" in shown


# -- suppressions and Markdown ---------------------------------------------------------------------


def test_inline_suppressions_and_unused_ones(tmp_path: Path) -> None:
    text = (
        "<!-- cleaner: disable=punctuation.repeated-stop -->\nIt ended. . Quietly.\n"
        "<!-- cleaner: enable=punctuation.repeated-stop -->\nIt ended. . Loudly.\n"
        "# cleaner: disable=typography\nNothing typographic here.\n"
    )
    with Session(grammar=False, report_unused_suppressions=True) as session:
        findings = session.check_text(text, "a.txt", session.settings("a.txt"))
    rules = [(f.rule, text[f.start : f.end]) for f in findings]
    assert rules == [
        ("punctuation.repeated-stop", " ."),
        ("suppression.unused", "# cleaner: disable=typography"),
    ]
    assert findings[0].start > text.index("Loudly") - 4


def test_markdown_code_links_html_and_front_matter_are_never_flagged(tmp_path: Path) -> None:
    article = write(
        tmp_path / "a.md",
        """---
title: Notes. . on style
---
# Notes

Use `a. . b` or [this link](https://example.org/x..y) or <span title="the. Tag">a tag</span>.

```
code.. here ,, and there
```

    indented code. . too

The end. . Real damage.
""",
    )
    data = check_json(str(article))
    findings = data["files"][0]["findings"]
    text = article.read_text(encoding="utf-8")
    assert [(f["rule"], text[f["start"] : f["end"]]) for f in findings] == [
        ("punctuation.repeated-stop", " .")
    ]
    assert findings[0]["line"] == 14


def test_entity_references_are_markup_in_markdown_and_damage_in_plain_text(tmp_path: Path) -> None:
    """In Markdown "&lt;b&gt;" is how a literal "<b>" is written: repairing it would make it a live tag
    and hide the word from the page. In a plain-text article it is an HTML escape left by a pipeline."""
    text = "To show bold, type &lt;b&gt;word&lt;/b&gt;. Shares of AT&amp;T fell.\n"
    markdown, plain = write(tmp_path / "a.md", text), write(tmp_path / "a.txt", text)
    assert check_json("--no-grammar", str(markdown))["files"][0]["findings"] == []
    assert run_cli("fix", "--no-grammar", str(markdown)).returncode == 0
    assert markdown.read_text(encoding="utf-8") == text
    findings = check_json("--no-grammar", str(plain))["files"][0]["findings"]
    assert [(text[f["start"] : f["end"]], f["message"]) for f in findings][-1] == (
        "&amp;",
        "HTML entity: “&amp;” should be “&”.",  # the whole entity, not the diff's "amp;" → "nothing"
    )
    run_cli("fix", "--no-grammar", str(plain))
    assert plain.read_text(encoding="utf-8") == "To show bold, type <b>word</b>. Shares of AT&T fell.\n"


def test_languagetool_reads_a_markdown_entity_as_the_character_it_stands_for() -> None:
    text = "Type &lt;b&gt; for bold, as AT&amp;T&#8217;s guide says."
    parts = annotation(text, [(span.start, span.end) for span in markup_spans(text)])
    assert [(part["markup"], part["interpretAs"]) for part in parts if "markup" in part] == [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
        ("&#8217;", "\u2019"),
    ]


# -- output formats ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sarif_schema(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The published SARIF 2.1.0 schema, as Microsoft ships it in an npm package (no web needed)."""
    npm = shutil.which("npm")
    assert npm, "npm is needed to fetch the SARIF schema package"
    folder = tmp_path_factory.mktemp("sarif")
    subprocess.run(
        [npm, "pack", "--silent", "@microsoft/jest-sarif@1.0.0-beta.0"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (archive,) = folder.glob("*.tgz")
    with tarfile.open(archive) as tar:
        member = tar.extractfile("package/lib/schemas/sarif-2.1.0-rtm.5.json")
        assert member is not None
        return json.load(member)


def test_sarif_is_valid_against_the_published_schema(sarif_schema: dict) -> None:
    result = run_cli("check", "--format", "sarif", str(SEED), "fixtures/damaged/eu-gas-cap.txt")
    log = json.loads(result.stdout)
    jsonschema.validate(log, sarif_schema)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"tense.day-after-report", "typography.unicode-damage"}
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["region"]["startLine"] == 1 and first["region"]["startColumn"] == 24


def test_github_annotations_name_an_odd_file_as_the_runner_reads_it(tmp_path: Path) -> None:
    """The runner unescapes ``%0A``, ``%3A`` and ``%2C`` in ``file=`` to match the repository's file: a
    ``repr`` of the name would match nothing."""
    odd = write(tmp_path / "a\nb:c,d%.txt", "Done. . Now.\n")
    (line,) = run_cli("check", "--no-grammar", "--format", "github", str(odd)).stdout.splitlines()
    assert line.startswith(f"::error file={tmp_path}/a%0Ab%3Ac%2Cd%25.txt,line=1,col=6,")


def test_github_annotations_junit_and_statistics() -> None:
    github = run_cli("check", "--format", "github", str(SEED.relative_to(REPO))).stdout.splitlines()
    assert github[0].startswith("::error file=seeds/") and ",line=1,col=24," in github[0]
    assert len(github) == 6
    assert sum(line.startswith("::warning ") for line in github) == 1  # the scheduled call told as past
    junit = ElementTree.fromstring(run_cli("check", "--format", "junit", str(SEED)).stdout)
    assert junit.get("failures") == "1" == junit.get("tests")  # one file: one failed test case
    assert len(junit.findall(".//failure")) == 6
    stats = run_cli("check", "--statistics", str(SEED), "fixtures/damaged/eu-gas-cap.txt").stdout.splitlines()
    rows = [line.split() for line in stats[:-1]]
    assert ["2", "typography.unicode-damage"] in rows and ["1", "tense.weekday-date"] in rows
    counts = [int(count) for count, _ in rows]
    assert counts == sorted(counts, reverse=True)  # most frequent first


def test_statistics_still_say_which_file_could_not_be_read_and_why(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("The café opened on Monday.\n".encode("latin-1"))
    result = run_cli("check", "--no-grammar", "--statistics", str(latin1), str(SEED))
    assert result.returncode == 2
    assert f"error: {latin1}: not valid UTF-8: byte 0xe9 at byte offset 7" in result.stderr
    assert "broken-sentence.clause-split" in result.stdout  # the counts of the file that was read


# -- pre-commit ----------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=900, check=False)


def test_pre_commit_hook_blocks_the_seed_and_lets_a_clean_article_through(tmp_path: Path) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True)
    repo = tmp_path / "desk"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "desk@example.org")
    git(repo, "config", "user.name", "Desk")
    write(
        repo / ".pre-commit-config.yaml",
        f"repos:\n- repo: {REPO}\n  rev: {head.stdout.strip()}\n  hooks:\n  - id: cleaner-check\n",
    )
    git(repo, "add", ".pre-commit-config.yaml")
    hook = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert hook.returncode == 0, hook.stderr

    shutil.copy(SEED, repo / "seed.txt")
    git(repo, "add", "seed.txt")
    blocked = git(repo, "commit", "-m", "seed")
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "cleaner check" in output and "Failed" in output
    assert "seed.txt:1:24: tense.day-after-report [tense]" in output
    git(repo, "reset", "-q", "seed.txt")

    shutil.copy(REPO / "fixtures" / "clean" / "wire-story.txt", repo / "story.txt")
    git(repo, "add", "story.txt")
    committed = git(repo, "commit", "-m", "clean story")
    assert committed.returncode == 0, committed.stdout + committed.stderr
    output = committed.stdout + committed.stderr
    assert "cleaner check" in output and "Passed" in output
