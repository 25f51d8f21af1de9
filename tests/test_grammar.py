"""The grammar engine against a real LanguageTool server (started once for the session in conftest)."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from cleaner.findings import Applicability, Source
from cleaner.grammar import transport
from cleaner.grammar.engine import GrammarEngine, GrammarSettings, paragraphs
from cleaner.grammar.install import installation
from cleaner.grammar.mapping import defaults, utf16_to_code_points
from cleaner.pipeline import Checker
from cleaner.repair.fixer import fix_text
from tests.conftest import FIXTURES, SEEDS, check_json, run_cli

pytestmark = pytest.mark.languagetool


@pytest.fixture
def engine(languagetool_url: str):
    with GrammarEngine(GrammarSettings(url=languagetool_url, use_cache=False)) as grammar:
        yield grammar


def test_offsets_land_on_the_right_characters_after_astral_characters(engine: GrammarEngine) -> None:
    text = "Fireworks 🎉🎉 and 𝔘𝔫𝔦 symbols.\nThen 🇺🇦 he go to the the market."
    findings = engine.findings(text)
    spans = {f.rule: text[f.start : f.end] for f in findings}
    assert spans["languagetool.ENGLISH_WORD_REPEAT_RULE"] == "the the"
    assert any(span == "go" or span.endswith("go") for span in spans.values())
    assert all(f.source is Source.LANGUAGETOOL for f in findings)


def test_utf16_table() -> None:
    assert utf16_to_code_points("a🎉b") == [0, 1, 1, 2, 3]


def test_known_errors_are_found_and_the_audited_repair_is_safe(engine: GrammarEngine) -> None:
    text = "The minister said that the the talks would resume.\n"
    (repeat,) = [f for f in engine.findings(text) if f.rule == "languagetool.ENGLISH_WORD_REPEAT_RULE"]
    assert repeat.fixes[0].applicability is Applicability.SAFE
    outcome = fix_text(text, Checker(grammar=engine).check_text)
    assert outcome.text == "The minister said that the talks would resume.\n"


def test_an_abbreviation_is_neither_a_sentence_end_nor_a_misspelling(engine: GrammarEngine) -> None:
    text = "Sales were up 12 pct. from a year earlier, and the deficit reached $4.7 bn. in May.\n"
    assert [(f.rule, text[f.start : f.end]) for f in engine.findings(text)] == []
    ended = "The talks ended late. then it rained.\n"  # a real sentence end still needs its capital
    assert "languagetool.UPPERCASE_SENTENCE_START" in {f.rule for f in engine.findings(ended)}


@pytest.mark.parametrize("path", sorted((FIXTURES / "clean").glob("*.txt")), ids=lambda p: p.name)
def test_clean_articles_stay_silent_with_grammar(languagetool_url: str, path: Path) -> None:
    language = "en-GB" if "science" in path.name else "en-US"  # the feature is written in British English
    with GrammarEngine(GrammarSettings(language=language, url=languagetool_url, use_cache=False)) as grammar:
        findings = Checker(grammar=grammar).check_text(path.read_text(encoding="utf-8"))
    assert [(f.rule, f.message) for f in findings] == []


def test_one_finding_per_artefact_on_the_seed(engine: GrammarEngine) -> None:
    seed = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    raw = engine.findings(seed)
    assert {"languagetool.DOUBLE_PUNCTUATION"} <= {f.rule for f in raw}  # LanguageTool sees "them..they"
    combined = Checker(grammar=engine).check_text(seed)
    assert [f.rule for f in combined if f.source is Source.LANGUAGETOOL] == []
    assert len(combined) == 6  # the five artefacts and the call told as past (tense.scheduled-event…)


def test_every_rule_cleaner_disables_or_trusts_is_one_languagetool_knows(languagetool_url: str) -> None:
    """A misspelt or retired id in cleaner/data/languagetool.yaml would disable nothing, silently."""
    answer = transport.get(languagetool_url + "/v2/configinfo?language=en-US", time.monotonic() + 60)
    known = {rule["ruleId"] for rule in json.loads(answer.body)["rules"]}
    assert len(known) > 1000
    assert sorted(set(defaults().disabled) - known) == []
    assert sorted(set(defaults().safe) - known) == []


def test_a_rule_disabled_for_its_cost_never_reports_unless_brought_back(languagetool_url: str) -> None:
    text = "The ministers met in Berlin  on Monday and agreed on a plan.\n"  # a doubled space

    def rules(disabled: frozenset[str]) -> set[str]:
        settings = GrammarSettings(url=languagetool_url, use_cache=False, disabled_rules=disabled)
        with GrammarEngine(settings) as grammar:
            return {f.rule for f in grammar.findings(text)}

    assert "languagetool.CONSECUTIVE_SPACES" not in rules(frozenset(defaults().disabled))
    assert "languagetool.CONSECUTIVE_SPACES" in rules(frozenset(defaults().disabled) - {"CONSECUTIVE_SPACES"})


def test_paragraphs_split_at_blank_lines_and_sentence_ends_only() -> None:
    text = "A wrapped\nparagraph goes on.\nNext one.\n\nAfter a blank line\n"
    assert [p for _, p in paragraphs(text)] == [
        "A wrapped\nparagraph goes on.",
        "Next one.",
        "After a blank line\n",
    ]
    assert all(text[offset : offset + len(p)] == p for offset, p in paragraphs(text))


def test_cached_paragraphs_are_not_sent_again(languagetool_url: str, tmp_path: Path) -> None:
    text = "He go to school every days.\n"
    with GrammarEngine(GrammarSettings(url=languagetool_url)) as grammar:
        first = grammar.findings(text)
        assert first

        def refuse(*args: object):
            raise AssertionError("sent to the server although cached")

        grammar._client.check = grammar._client.check_many = refuse  # type: ignore[union-attr]
        assert grammar.findings(text) == first


def test_unreachable_server_means_rules_only_with_a_warning(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The talks ended. . Then it rained.\n", encoding="utf-8")
    env = {"CLEANER_LANGUAGETOOL_URL": "http://127.0.0.1:9"}
    result = run_cli("check", "--format", "json", str(article), env=env)
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert "no LanguageTool server answers at http://127.0.0.1:9" in data["warnings"][0]
    assert [f["rule"] for f in data["files"][0]["findings"]] == ["punctuation.repeated-stop"]
    assert "warning: grammar check skipped" in run_cli("check", str(article), env=env).stderr
    assert run_cli("check", "--require-grammar", str(article), env=env).returncode == 2


def test_missing_java_is_explained(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Fine text.\n", encoding="utf-8")
    env = {
        "CLEANER_LANGUAGETOOL_URL": "",
        "CLEANER_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": str(Path(sys.executable).parent),
    }
    result = run_cli("check", str(article), env=env)
    assert result.returncode == 0
    assert "Java was not found" in result.stderr


def test_server_that_dies_mid_run_is_restarted_once(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "languagetool").symlink_to(installation().folder.parent, target_is_directory=True)
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    with GrammarEngine(GrammarSettings(use_cache=False)) as grammar:
        assert grammar.findings("He go to school.")
        first = grammar._handle
        assert first is not None and first.owned
        os.kill(first.pid, signal.SIGKILL)
        assert grammar.findings("She go to school.")  # a fresh server answers
        assert grammar.problem is None and grammar._handle.pid != first.pid
        os.kill(grammar._handle.pid, signal.SIGKILL)
        started = time.monotonic()
        assert grammar.findings("They goes home.") == []  # restarted once only: now rules only
        assert grammar.problem is not None and grammar.problem.startswith("LanguageTool failed")
        assert time.monotonic() - started < 120  # and it did not hang


def test_long_lived_server_is_reused_across_runs(tmp_path: Path) -> None:
    (tmp_path / "languagetool").symlink_to(installation().folder.parent, target_is_directory=True)
    env = {"CLEANER_CACHE_DIR": str(tmp_path), "CLEANER_LANGUAGETOOL_URL": ""}
    assert run_cli("server", "status", env=env).returncode == 1
    started = run_cli("server", "start", env=env)
    assert started.returncode == 0, started.stderr
    try:
        status = run_cli("server", "status", env=env)
        assert status.returncode == 0 and "running at http://127.0.0.1:" in status.stdout
        url = status.stdout.split("running at ")[1].split()[0]
        for _ in range(2):
            data = check_json("--no-cache", "-", stdin=b"He go home.\n", env=env)
            assert data["languagetool"] == url and data["warnings"] == []
            assert any(f["source"] == "languagetool" for f in data["files"][0]["findings"])
    finally:
        stopped = run_cli("server", "stop", env=env)
    assert "stopped the server" in stopped.stdout
    assert run_cli("server", "status", env=env).returncode == 1
