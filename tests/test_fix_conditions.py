"""Candidates a rule offers only where an optional group of its pattern matched (``when:`` in ``fixes``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.pipeline import Checker
from cleaner.repair.edits import apply_fixes
from cleaner.ruleset import RuleError, load_rule_file

ORPHAN = "broken-sentence.orphan-fragment"


def _candidates(text: str) -> list[str]:
    """Every candidate of the orphaned-fragment finding, applied to ``text``."""
    findings = [f for f in Checker().check_text(text) if f.rule == ORPHAN]
    assert len(findings) == 1, findings
    return [apply_fixes(text, [fix]) for fix in findings[0].fixes]


def test_a_label_at_a_line_start_is_offered_its_colon_last() -> None:
    text = "The set comes in a wooden box.\nweight. two kilograms\n"
    candidates = _candidates(text)
    assert candidates[0] == "The set comes in a wooden box.\nweight\n"  # the rule's first choice stands
    assert candidates[-1] == "The set comes in a wooden box.\nWeight: two kilograms\n"


def test_a_word_inside_a_sentence_is_no_label() -> None:
    candidates = _candidates("You can take the train or simply stay where you are. wait.")
    assert not any(":" in candidate for candidate in candidates)
    assert len(candidates) == 3


def _rule(tmp_path: Path, fixes: str) -> Path:
    path = tmp_path / "no-colour.yaml"
    path.write_text(
        "id: house.colour\ncategory: style\nseverity: warning\nsummary: Spell it so.\n"
        "message: Spelling.\npattern: '(?:(?<![^\\n])(?P<start>))?\\bcolor\\b'\n"
        f"fixes:\n{fixes}"
        "examples:\n  flag: ['The color is red.']\n  pass: ['The colour is red.']\n",
        encoding="utf-8",
    )
    return path


def test_a_user_rule_offers_a_conditional_candidate_only_where_its_group_matched(tmp_path: Path) -> None:
    rule = load_rule_file(
        _rule(
            tmp_path,
            "  - replacement: colour\n    applicability: safe\n"
            "  - replacement: Colour\n    when: start\n    applicability: unsafe\n",
        ),
        user=True,
    )
    checker = Checker(rules=[rule])
    [inside] = checker.check_text("The color is red.")
    assert [fix.replacement for fix in inside.fixes] == ["colour"]
    [opening] = checker.check_text("color is red.")
    assert [fix.replacement for fix in opening.fixes] == ["colour", "Colour"]


def test_a_condition_naming_no_group_of_the_pattern_is_a_rule_error(tmp_path: Path) -> None:
    path = _rule(tmp_path, "  - replacement: colour\n    when: nowhere\n")
    with pytest.raises(RuleError, match="'when: nowhere' is not a named group"):
        load_rule_file(path, user=True)
