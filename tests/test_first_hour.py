"""What a new user meets in the first hour (issue 12), through the real command line: defaults that
must not misfire on ordinary news, rule selection as ruff spells it, and output that says enough."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, REPO, check_json, run_cli

BRITISH = (
    "Berlin (dpa) - The colour of the centre was realised by the organisation, officials said. "
    "They recieved the report on Monday.\n"
)


def test_the_projects_own_clean_articles_pass_by_default() -> None:
    result = run_cli("check", str(FIXTURES / "clean"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


def test_british_spelling_and_agency_credits_are_accepted_but_misspellings_are_not(tmp_path: Path) -> None:
    article = tmp_path / "british.txt"
    article.write_text(BRITISH, encoding="utf-8")
    result = run_cli("check", "--format", "json", str(article))
    flagged = _flagged_words(result.stdout, article)
    assert flagged == ["recieved"], result.stdout + result.stderr


def test_a_configured_variant_is_checked_strictly(tmp_path: Path) -> None:
    article = tmp_path / "british.txt"
    article.write_text(BRITISH, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--language", "en-US", str(article))
    flagged = _flagged_words(result.stdout, article)
    assert {"colour", "centre", "recieved"} <= set(flagged), result.stdout + result.stderr
    assert "dpa" not in flagged  # an agency credit is no misspelling in any variant


def _flagged_words(stdout: str, article: Path) -> list[str]:
    text = article.read_text(encoding="utf-8")
    report = json.loads(stdout)
    return [
        text[f["start"] : f["end"]]
        for file in report["files"]
        for f in file["findings"]
        if f["category"] == "spelling"
    ]


DAMAGED = "The minister left.. The talks ended. They recieved the report on Monday.\n"


def test_select_takes_ruffs_comma_form_and_categories(tmp_path: Path) -> None:
    article = tmp_path / "damaged.txt"
    article.write_text(DAMAGED, encoding="utf-8")
    everything = _categories(run_cli("check", "--format", "json", str(article)))
    assert {"punctuation", "spelling"} <= everything
    result = run_cli("check", "--format", "json", "--select", "punctuation,tense", str(article))
    chosen = _categories(result)
    assert chosen and chosen <= {"punctuation", "tense"}, result.stdout + result.stderr


def test_ignore_takes_the_category_shown_in_brackets(tmp_path: Path) -> None:
    article = tmp_path / "british.txt"
    article.write_text(BRITISH, encoding="utf-8")
    result = run_cli("check", "--ignore", "spelling", str(article))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[spelling]" not in result.stdout


def test_a_misspelt_selector_gets_did_you_mean() -> None:
    result = run_cli("check", "--select", "punctuaton", str(FIXTURES / "clean"))
    assert result.returncode == 2
    assert "did you mean 'punctuation'?" in result.stderr


def test_an_invalid_severity_in_configuration_lists_the_valid_ones(tmp_path: Path) -> None:
    (tmp_path / "cleaner.toml").write_text('min-severity = "high"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("Fine.\n", encoding="utf-8")
    result = run_cli("check", "--no-grammar", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "'high' is not a severity (valid: 'info', 'warning', 'error')" in result.stderr


def _categories(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {f["category"] for file in json.loads(result.stdout)["files"] for f in file["findings"]}


def test_piped_output_names_each_findings_severity_and_every_kind_of_repair() -> None:
    result = run_cli("check", "seeds/")
    assert result.returncode == 1, result.stderr
    headers = [line for line in result.stdout.splitlines() if line.startswith("seeds/")]
    assert headers and all(
        " [" in h and any(f"] {s}: " in h for s in ("error", "warning", "info")) for h in headers
    ), headers
    assert "] error: " in result.stdout
    summary = result.stdout.splitlines()[-1]
    assert "fixable with `cleaner fix`" in summary
    assert "more with `cleaner fix --unsafe-fixes`" in summary and "`cleaner fix --interactive`" in summary


def test_the_summary_explains_display_only_suggestions() -> None:
    from cleaner.findings import Applicability, Category, Finding, Fix, Severity
    from cleaner.report.text_report import summary
    from cleaner.session import FileResult, RunResult

    def finding(applicability: Applicability) -> Finding:
        fix = Fix(0, 1, "x", applicability)
        return Finding("tense.x", Category.TENSE, Severity.WARNING, "m", 0, 1, fixes=(fix,))

    found = [finding(Applicability.SAFE), finding(Applicability.UNSAFE), finding(Applicability.DISPLAY)]
    run = RunResult(files=[FileResult("a.txt", found, None)])  # type: ignore[arg-type]
    text = summary(run)
    assert "1 fixable with `cleaner fix` (1 more with `cleaner fix --unsafe-fixes`" in text
    assert "1 suggestion (display) only shown, for you to judge and apply by hand" in text


def test_json_carries_the_statistics_and_junit_counts_test_cases() -> None:
    from xml.etree import ElementTree

    damaged = str(FIXTURES / "damaged" / "eu-gas-cap.txt")
    report = check_json("--statistics", "seeds/", damaged)
    counts = {row["rule"]: row["count"] for row in report["statistics"]}
    per_rule: dict[str, int] = {}
    for file in report["files"]:
        for f in file["findings"]:
            per_rule[f["rule"]] = per_rule.get(f["rule"], 0) + 1
    assert counts == per_rule and counts
    junit = ElementTree.fromstring(run_cli("check", "--format", "junit", "seeds/", damaged).stdout)
    cases = junit.findall(".//testcase")
    assert junit.get("tests") == str(len(cases))
    assert junit.get("failures") == str(sum(1 for case in cases if case.find("failure") is not None))


# --- configuration as the README shows it ---------------------------------------------------------------

README = REPO / "README.md"


def readme_toml_snippets() -> list[tuple[str, str]]:
    """(file name, text) of every TOML block in the README; its first line names the file it goes in."""
    blocks = re.findall(r"^```toml\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    assert blocks, "the README shows no configuration"
    named = []
    for block in blocks:
        first = block.splitlines()[0]
        assert re.fullmatch(r"# \.?[\w.]+\.toml", first), f"a README TOML block must name its file: {first!r}"
        named.append((first[2:], block))
    return named


def resolved(folder: Path, name: str, text: str) -> list[str]:
    """``cleaner config`` for an article beside a configuration file ``name`` holding ``text``: the
    settings, one ``key = value`` a line, without where they came from (the folder as ``<folder>``)."""
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "house-rules").mkdir(exist_ok=True)
    (folder / "a.txt").write_text("Fine.\n", encoding="utf-8")
    result = run_cli("config", "a.txt", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"# configuration file: {folder.resolve() / name}"
    rows = result.stdout.splitlines()[1:]
    configured = [row for row in rows if row.endswith(("[tool.cleaner]", name))]
    assert len(configured) == _count_settings(tomllib.loads(text)), rows  # every key was read from the file
    return [row.split("    # ")[0].replace(str(folder.resolve()), "<folder>") for row in rows]


def _count_settings(table: dict[str, Any]) -> int:
    """The settings in a parsed configuration (a table of tables counts its keys; per-file-ignores is
    one setting)."""
    return sum(
        _count_settings(value) if isinstance(value, dict) and key != "per-file-ignores" else 1
        for key, value in table.items()
    )


@pytest.mark.parametrize("index", range(len(readme_toml_snippets())))
def test_each_readme_configuration_snippet_works_as_written(tmp_path: Path, index: int) -> None:
    name, text = readme_toml_snippets()[index]
    settings = resolved(tmp_path, name, text)
    assert "fail-on = warning" in settings
    if "languagetool" in text:
        assert "languagetool.language = en-GB" in settings


def test_the_readme_snippets_mean_the_same_and_tool_cleaner_pasted_into_cleaner_toml_is_read(
    tmp_path: Path,
) -> None:
    snippets = dict(readme_toml_snippets())
    expected = resolved(tmp_path / "pyproject", "pyproject.toml", snippets["pyproject.toml"])
    assert resolved(tmp_path / "plain", "cleaner.toml", snippets["cleaner.toml"]) == expected
    # the case: the pyproject block pasted into a cleaner.toml as it is
    pasted = resolved(tmp_path / "pasted", "cleaner.toml", snippets["pyproject.toml"])
    assert pasted == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('select = ["tense"]\n[tool.cleaner]\nignore = ["casing"]\n', "both [tool.cleaner] and top-level"),
        ("[tool.ruff]\nline-length = 100\n", "unknown key 'tool.ruff'"),
    ],
)
def test_cleaner_toml_with_a_mixed_or_foreign_tool_table_is_refused_clearly(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "cleaner.toml").write_text(text, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Fine.\n", encoding="utf-8")
    result = run_cli("check", "--no-grammar", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "cleaner.toml" in result.stderr


# --- `cleaner rules --languagetool`: what cleaner changes of LanguageTool's defaults ----------------------


def test_rules_lists_the_languagetool_rules_cleaner_disables_or_trusts_with_reasons() -> None:
    import yaml

    data = yaml.safe_load((REPO / "cleaner" / "data" / "languagetool.yaml").read_text(encoding="utf-8"))
    # the JSON is the data file, one entry each, with its reason
    listed = json.loads(run_cli("rules", "--languagetool", "--format", "json").stdout)
    by_id = {(row["id"], row["kind"]): row for row in listed}
    assert (
        len(by_id)
        == len(listed)
        == len(data["disabled"]) + len(data["disabled_categories"]) + len(data["safe"])
    )
    for rule, reason in data["disabled"].items():
        assert by_id[f"languagetool.{rule}", "rule"] == {
            "id": f"languagetool.{rule}",
            "kind": "rule",
            "default": "disabled",
            "reason": reason,
        }
    assert all(
        by_id[category, "category"]["default"] == "disabled" for category in data["disabled_categories"]
    )
    assert all(by_id[f"languagetool.{rule}", "rule"]["default"] == "safe" for rule in data["safe"])
    # the text form, one line each, and the ids are what --ignore takes
    text = run_cli("rules", "--languagetool").stdout.splitlines()
    assert len(text) == len(listed)
    assert any(line.split()[:3] == ["languagetool.EN_QUOTES", "rule", "disabled"] for line in text), text
    ignored = run_cli("check", "--no-grammar", "--ignore", "languagetool.ENGLISH_WORD_REPEAT_RULE", "seeds/")
    assert ignored.returncode == 1, ignored.stderr  # accepted: the seed's own findings remain


def test_a_misspelt_languagetool_selector_points_at_the_listing() -> None:
    result = run_cli("check", "--no-grammar", "--ignore", "languagetool.EN_QUOTE", "-", stdin=b"Fine.\n")
    assert result.returncode == 0  # any languagetool.* id is LanguageTool's to know
    result = run_cli("check", "--no-grammar", "--ignore", "languagetol", "-", stdin=b"Fine.\n")
    assert result.returncode == 2
    assert "did you mean 'languagetool'" in result.stderr
    assert "`cleaner rules --languagetool`" in result.stderr


# --- releases and the published pre-commit hooks ----------------------------------------------------------


def test_the_version_is_one_value_with_a_changelog_entry() -> None:
    from importlib import metadata

    from cleaner import __version__

    assert metadata.version("cleaner") == __version__  # pyproject.toml reads it from cleaner/__init__.py
    assert run_cli("--version").stdout.strip() == f"cleaner {__version__}"
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+) ", changelog, re.M)
    assert headings and headings[0] == __version__  # the newest entry is this version's


def test_the_published_hooks_work_with_pre_commit_try_repo(tmp_path: Path) -> None:
    """pre-commit installs this repository into an environment of its own (from PyPI, as for a user's
    mirror) and runs `.pre-commit-hooks.yaml`'s hooks: the check blocks damage, the fix repairs it."""
    desk = tmp_path / "desk"
    desk.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=desk, env=env, capture_output=True, text=True, timeout=900, check=False
        )

    run("git", "init", "-q")
    seed = next((REPO / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    (desk / "seed.txt").write_text(seed, encoding="utf-8")
    (desk / "story.txt").write_text((FIXTURES / "clean" / "wire-story.txt").read_text("utf-8"), "utf-8")
    run("git", "add", "seed.txt", "story.txt")
    try_repo = (sys.executable, "-m", "pre_commit", "try-repo", str(REPO))

    clean = run(*try_repo, "cleaner-check", "--files", "story.txt")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"cleaner check \(machine-translation damage\)\.+Passed", clean.stdout), clean.stdout

    blocked = run(*try_repo, "cleaner-check", "--files", "seed.txt")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "seed.txt:1:24: tense.day-after-report [tense] error" in blocked.stdout
    assert (desk / "seed.txt").read_text(encoding="utf-8") == seed  # a check changes nothing

    fixed = run(*try_repo, "cleaner-fix", "--files", "seed.txt")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in fixed.stdout
    text = (desk / "seed.txt").read_text(encoding="utf-8")
    assert "possible attack.\n" in text  # the stray stop after the sentence's own is removed
    assert "it would not. Accept anything" in text and "Russian gas. pipeline," in text  # joins: review
    assert "Biden told his" in text  # an unsafe (tense) repair is never applied by the hook
