"""Candidates a rule offers only where an optional group of its pattern matched (``when:`` in ``fixes``)
or where word tests hold (``where:`` in ``fixes``), and word tests on the clause before a group
(``clause-to:``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.detectors.patterns import clause_before
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


@pytest.mark.parametrize(
    ("fix", "error"),
    [
        ("    when: nowhere\n", "'when: nowhere' is not a named group"),
        ("    where:\n      nowhere: known-word\n", "'fix where' names group 'nowhere'"),
    ],
)
def test_a_fix_condition_naming_no_group_of_the_pattern_is_a_rule_error(
    tmp_path: Path, fix: str, error: str
) -> None:
    path = _rule(tmp_path, "  - replacement: colour\n" + fix)
    with pytest.raises(RuleError, match=error):
        load_rule_file(path, user=True)


def test_a_candidate_with_word_tests_is_offered_only_where_they_hold() -> None:
    """An "and" before a phrase joins without a comma; before a clause, the comma comes first."""
    phrase = "Growth was driven by higher exports. and lower spending on imports."
    clause = "Prices rose in March. and wages fell for the first time in years."
    [first] = [f for f in Checker().check_text(phrase) if f.rule == "broken-sentence.lowercase-continuation"]
    [second] = [f for f in Checker().check_text(clause) if f.rule == "broken-sentence.lowercase-continuation"]
    assert [fix.replacement for fix in first.fixes] == ["exports and", "exports, and", "exports. And"]
    assert [fix.replacement for fix in second.fixes] == ["March, and", "March and", "March. And"]


def test_the_clause_before_a_stop_starts_after_the_last_sentence_end_not_an_abbreviation() -> None:
    text = "It rained. Mr. Smith and the Russian gas. pipeline"
    assert clause_before(text, text.index(".", 40)) == "Mr. Smith and the Russian gas"
    text = "He left; the plan. Was unrealistic"
    assert clause_before(text, text.index("plan") + 4) == " the plan"
    assert clause_before("The U.S. gas", 12) == "The U.S. gas"


def test_a_clause_test_decides_what_a_group_alone_cannot() -> None:
    """The same words after the stop: a cut after a noun phrase with no verb, a sentence after one with."""
    rule = "broken-sentence.predicate-split"
    assert [f.rule for f in Checker().check_text("The whole plan. Was unrealistic.") if f.rule == rule]
    assert not [f for f in Checker().check_text("We read the plan. Was it realistic?") if f.rule == rule]
    assert not [f for f in Checker().check_text("Critics read the plan. Was unrealistic.") if f.rule == rule]
