"""How a rule file is read: a key given twice is an error rather than silently the last one (PyYAML's
default), and ``where:`` takes one word test per group or a list of tests that must all hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.pipeline import Checker
from cleaner.ruleset import RuleError, load_rule_file
from tests.conftest import run_cli

RULE = (
    "id: house.bare-noun\ncategory: style\nseverity: warning\nsummary: A word after a stop.\n"
    "message: Look at it.\npattern: '\\.[ ]+(?P<next>[a-z]+)'\n{where}"
    "examples:\n  flag: ['It ended. again.']\n  pass: ['It ended. Again.']\n"
)


def _rule(tmp_path: Path, where: str) -> Path:
    path = tmp_path / "house.yaml"
    path.write_text(RULE.format(where=where), encoding="utf-8")
    return path


def test_a_list_of_word_tests_on_one_group_must_all_hold(tmp_path: Path) -> None:
    rule = load_rule_file(_rule(tmp_path, "where:\n  next: [known-word, '!noun-only']\n"), user=True)
    checker = Checker(rules=[rule])
    flagged = [f.start for f in checker.check_text("It ended. pipeline. systemd. again.")]
    assert flagged == [len("It ended. pipeline. systemd")]  # "pipeline" only a noun, "systemd" unknown


def test_a_key_given_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _rule(tmp_path, "where:\n  next: known-word\n  next: '!noun-only'\n")
    with pytest.raises(RuleError, match=r"found the key .next. twice[\s\S]*line 9"):
        load_rule_file(path, user=True)
    result = run_cli("check", "--no-grammar", "--rules", str(tmp_path), "-", stdin=b"It ended. again.\n")
    assert result.returncode == 2 and "found the key 'next' twice" in result.stderr, result.stderr
