"""Detection that generalises: broken sentences and stray stops found from what words are, each reported
once with right repairs, look-alikes left alone, and no `safe` repair that changes a word.

The sentences are the shapes the generalisation issue names, in wordings of their own: the rules know
word classes (lemminflect and the closed classes in cleaner/data/word_classes.yaml), not these words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cleaner.analysis import TextAnalysis
from cleaner.detectors.look_alike import latin_look_alike
from cleaner.findings import Applicability, Finding
from cleaner.pipeline import Checker
from cleaner.repair.edits import apply_fixes
from cleaner.ruleset import load_rules
from tests.conftest import run_cli

CHECKER = Checker()

# (text, the artefact as written, the repaired text that must be among the candidates)
BROKEN = [
    (
        "The minister said that the government will. Not negotiate with the rebels.",
        "will. Not negotiate",
        "The minister said that the government will not negotiate with the rebels.",
    ),
    (
        "Officials said the talks had. Made little progress on Tuesday.",
        "had. Made",
        "Officials said the talks had made little progress on Tuesday.",
    ),
    (
        "The company said it. Expects profits to fall this year.",
        "it. Expects",
        "The company said it expects profits to fall this year.",
    ),
    (
        "Police confirmed that three people. Were injured in the blast.",
        "people. Were",
        "Police confirmed that three people were injured in the blast.",
    ),
    (
        "It could include a suspension of the Russian gas. pipeline, in addition to sanctions.",
        "gas. pipeline",
        "It could include a suspension of the Russian gas pipeline, in addition to sanctions.",
    ),
    (
        "The universities used quotas for Asian-American applicants. more than 20 years.",
        "applicants. more",
        "The universities used quotas for Asian-American applicants more than 20 years.",
    ),
    (
        "Sales reached 3.5 million euros. in the first quarter.",
        "euros. in",
        "Sales reached 3.5 million euros in the first quarter.",
    ),
    (
        "The minister spoke on Monday, he said. adding that the talks were over.",
        "said. adding",
        "The minister spoke on Monday, he said, adding that the talks were over.",
    ),
    (
        "Police were alerted to a possible attack.. the suspect fled on foot.",
        "..",
        "Police were alerted to a possible attack. The suspect fled on foot.",
    ),
    (
        "The farm sells beef, cheese and other products in plastic. boxes.",
        ". boxes",
        "The farm sells beef, cheese and other products in plastic boxes.",
    ),
]

LOOK_ALIKES = [
    "He started from pole 18 times and reached the podium 103 times. dpa",
    "Pizza for 1980 yen (excl. tax), with a drink.",
    "Beef treats, 30 pcs. to 40 g each.",
    "2,000 pts. will be given away with your first purchase.",
    "Please arrange a replacement as soon as possible. thx",
    "Once it is sold, it is not returned; do not order what you can't do. Thank you all!",
    "Asked whether he would resign, he said he would not. Reporters then left.",
    "Foreign coins are worthless. . . Keep them anyway.",
    "I saw the weather forecast. Will be cold.",
    "I have a broken phone. Does not charge.",
    "That's how life is. Others only see the results.",
]


def _on(findings: list[Finding], text: str, evidence: str) -> list[Finding]:
    start = text.index(evidence)
    end = start + len(evidence)
    return [f for f in findings if f.start < end and start < f.end]


@pytest.mark.parametrize(("text", "evidence", "repaired"), BROKEN, ids=[b for _, b, _ in BROKEN])
def test_broken_sentence_is_found_once_with_the_right_repair(text: str, evidence: str, repaired: str) -> None:
    found = _on(CHECKER.check_text(text), text, evidence)
    assert len(found) == 1, [(f.rule, text[f.start : f.end]) for f in found]
    candidates = [apply_fixes(text, [fix]) for fix in found[0].fixes]
    assert repaired in candidates, candidates


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_that_are_fine_are_left_alone(text: str) -> None:
    assert CHECKER.check_text(text) == []


def test_a_lost_capital_is_reported_as_casing_never_as_a_join() -> None:
    text = "I received the card, although it has been over a week. can you help me"
    (finding,) = CHECKER.check_text(text)
    assert finding.rule == "casing.sentence-start"
    results = [apply_fixes(text, [fix]) for fix in finding.fixes]
    assert results[0].endswith("over a week. Can you help me")
    assert not any("week can" in result or "week, can" in result for result in results)


def test_a_verbless_sentence_that_lost_its_capital_is_casing_and_a_comparison_is_a_split() -> None:
    """No verb after the stop: a heading or tagline gets its capital back first (safe); a comparison
    ("longer than …") is the rest of the sentence before, joined first."""
    tagline = "Our shop sells shoes for every season. high quality leather boots for all."
    (finding,) = CHECKER.check_text(tagline)
    assert finding.rule == "casing.verbless-sentence-start"
    assert apply_fixes(tagline, finding.fixes[:1]).endswith("season. High quality leather boots for all.")
    assert finding.fixes[0].applicability is Applicability.SAFE
    comparison = "The strike at the port lasted three weeks. longer than the union had planned."
    (finding,) = CHECKER.check_text(comparison)
    assert finding.rule == "broken-sentence.fragment"
    assert apply_fixes(comparison, finding.fixes[:1]).endswith(
        "three weeks longer than the union had planned."
    )


def test_lower_case_text_is_not_flagged_for_its_case() -> None:
    text = "the council met today. officials said the budget passed. residents complained about it."
    assert CHECKER.check_text(text) == []
    # a layout capitalised its lines, but names are in lower case too: the text's style
    lines = (
        "The council met in paris today. officials said the budget passed.\n"
        "Residents complained. the mayor of lyon was not there. nobody asked why.\n"
    )
    assert CHECKER.check_text(lines) == []


def test_damage_in_a_text_with_a_sentence_per_line_is_found_however_often_it_occurs() -> None:
    """Stops inside a line are few where each sentence has a line of its own: there, two lost capitals
    and a cut are damage in a cased text (its line starts and its names say so), not a lower-case style."""
    text = (
        "The council met in Paris today.\n"
        "Officials said the budget was high. the mayor said it was not.\n"
        "Residents complained about the water. supply lines were broken for a week.\n"
        "The shops closed early. most of them reopened on Monday.\n"
    )
    found = {text[f.start : f.end]: f.rule for f in CHECKER.check_text(text)}
    assert found.get("high. the", "").startswith("casing.")
    assert found.get("early. most", "").startswith("casing.")
    assert "water. supply" in found


def _letters(text: str) -> str:
    """The letters a reader sees: look-alike letters ("р" for "p") read as the Latin ones they mimic."""
    seen = "".join(latin_look_alike(char) or char if not char.isascii() else char for char in text)
    return re.sub(r"[\W_]+", "", seen).lower()


def test_no_safe_repair_changes_a_word() -> None:
    """ruff's meaning of safe: a safe repair keeps every word a reader sees; only punctuation, spacing, the
    case of a letter at a sentence boundary and a look-alike letter's script may change (mojibake repair
    restores the word that was meant)."""
    texts = [example.text for rule in load_rules() for example in rule.flag_examples]
    texts += [text for text, _, _ in BROKEN] + LOOK_ALIKES
    checked = 0
    for text in texts:
        for finding in CHECKER.check_text(text):
            if finding.rule == "typography.unicode-damage":
                continue
            for fix in finding.fixes:
                if fix.applicability is Applicability.SAFE:
                    checked += 1
                    repaired = apply_fixes(text, [fix])
                    assert _letters(repaired) == _letters(text), (finding.rule, text, repaired)
    assert checked >= 10


_SENTENCE_STOP = re.compile(r"[.!?][\"”’)]*\s+[\"“(]?\w")


def test_no_safe_repair_joins_two_sentences() -> None:
    """A join at a full stop is for review whatever the rule that tells sentences apart: when the stop
    was a real sentence end ("could not. Fog grounded all flights") the join changes what the article
    says."""
    texts = [example.text for rule in load_rules() for example in rule.flag_examples]
    texts += [text for text, _, _ in BROKEN] + REAL_SENTENCE_ENDS
    for text in texts:
        for finding in CHECKER.check_text(text):
            if finding.category not in ("broken-sentence", "casing"):
                continue
            for fix in finding.fixes:
                if fix.applicability is Applicability.SAFE:
                    repaired = apply_fixes(text, [fix])
                    stops = len(_SENTENCE_STOP.findall(text))
                    assert len(_SENTENCE_STOP.findall(repaired)) >= stops, (finding.rule, text, repaired)


# A modal, "not", "to" or a noun before a stop, and a sentence of its own after it.
REAL_SENTENCE_ENDS = [
    '"I will. Thank you all," she replied.',
    "He had promised to attend the summit but could not. Fog grounded all flights.",
    "She said she wanted to. Time ran out, however.",
    "Others say prices will not. Demand remains strong in the north.",
    "She can. Watch her play on Sunday.",
    "It will not. Support for the plan has collapsed.",
    "They asked whether the firm would. Nobody answered.",
    "Few survivors remained. None after the war. none that you thought of.",
]


@pytest.mark.parametrize("text", REAL_SENTENCE_ENDS)
def test_a_sentence_of_its_own_after_the_stop_is_not_taken_for_a_split(text: str) -> None:
    assert [f.rule for f in CHECKER.check_text(text) if f.category == "broken-sentence"] == []


# Abbreviations that are words elsewhere, in the one setting where they are short forms: a US state
# after a place and a comma, a unit after a number, the "cent" of "per cent.".
ABBREVIATED_IN_SETTING = [
    "The college has named Dr. Clark of Hays, Kan. as its new president.",
    "The old mansions of Galena, Ill. are open for inspection.",
    "Fifty 24-in. and six 36-in. red letters were mounted on the wall.",
    "The stores turn over 45 per cent. to the Government.",
    "It takes about 16 msec. to cross the tissue.",
    "the college has named dr. clark of hays, kan. as its new president.",
]


@pytest.mark.parametrize("text", ABBREVIATED_IN_SETTING)
def test_an_abbreviation_in_its_setting_ends_no_sentence(text: str) -> None:
    found = [f.rule for f in CHECKER.check_text(text) if f.category in ("broken-sentence", "casing")]
    assert found == []


def test_a_state_that_is_no_word_is_abbreviated_after_a_place_in_lower_case_text() -> None:
    text = "the college has named dr. clark of hays, kan. as its new president."
    stop = text.index("kan.") + 3
    assert TextAnalysis(text).is_protected(stop, stop + 1)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("He felt ill. And then he left.", "ill"),
        ("They came in. And then they left.", "in"),
        ("it rained all day in boston, mass. and then it cleared.", "mass"),
    ],
)
def test_the_same_word_outside_its_setting_ends_a_sentence(text: str, word: str) -> None:
    stop = text.index(word + ".") + len(word)
    assert not TextAnalysis(text).is_protected(stop, stop + 1)


@pytest.mark.parametrize(
    "text",
    [
        "Final standings:\n\nTeam        Points\nArsenal     72\nChelsea     65\n",
        "Name     Age\nAnna     34\nManchester  68\nLeeds       61\n",
        'The poster read "你好，世界！" in red.',
        "The Persian word \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 means I want.",
        "The family emoji \U0001f468\u200d\U0001f469\u200d\U0001f467 was everywhere.",
    ],
)
def test_layout_and_the_spelling_of_other_scripts_are_left_alone(text: str) -> None:
    """Spaces that align columns, full-width punctuation inside CJK text, and the joiners Persian and emoji
    spell with are no damage: a plain `cleaner fix` must not touch them."""
    findings = CHECKER.check_text(text)
    assert [f.rule for f in findings if f.category == "typography"] == []


def test_a_mojibake_repair_that_removes_a_quotation_mark_is_never_safe() -> None:
    quoted = "The hit single “AMANHÃ” topped the charts."
    assert [f.rule for f in CHECKER.check_text(quoted)] == []
    text = "The campaign “ESPAÃ‘A 2030” began, and it wasnâ€™t cheap for the cafÃ© owners."
    fixes = {text[f.start : f.end]: f.best_fix for f in CHECKER.check_text(text) if f.best_fix}
    assert fixes["Ã‘"].replacement == "Ñ" and fixes["Ã‘"].applicability is Applicability.UNSAFE
    assert fixes["â€™"].replacement == "’" and fixes["â€™"].applicability is Applicability.SAFE
    assert fixes["Ã©"].replacement == "é" and fixes["Ã©"].applicability is Applicability.SAFE


def test_check_reports_the_issue_sentences_through_the_cli(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    # An article that capitalises its sentences, as news does, with the damage spread through it.
    sound = "The talks resumed on Monday. Delegates met again. Both sides spoke to the press."
    article.write_text("\n\n".join(f"{text} {sound}" for text, _, _ in BROKEN) + "\n", encoding="utf-8")
    result = run_cli("check", "--no-grammar", "--format", "json", str(article))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["files"][0]["findings"]
    text = article.read_text(encoding="utf-8")
    for _, evidence, _ in BROKEN:
        start = text.index(evidence)
        assert any(f["start"] < start + len(evidence) and start < f["end"] for f in findings), evidence


def test_fix_applies_only_safe_repairs_and_leaves_the_rest_for_review(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    original = (
        "Police were alerted to a possible attack.. the suspect fled on foot. Nobody was  hurt.\n"
        "It could include a suspension of the Russian gas. pipeline, in addition to sanctions. Talks go on.\n"
    )
    article.write_text(original, encoding="utf-8")
    result = run_cli("fix", "--no-grammar", str(article))
    assert result.returncode == 1, result.stderr  # "attack.. the" and the join "gas. pipeline" are for review
    assert article.read_text(encoding="utf-8") == original.replace("was  hurt", "was hurt")
    again = run_cli("fix", "--no-grammar", "--unsafe-fixes", str(article))
    assert again.returncode in (0, 1), again.stderr
    assert "attack. The suspect fled" in article.read_text(encoding="utf-8")
    assert "Russian gas pipeline, in addition" in article.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("pair", "season"),
    [
        ("2017 / 18", True),
        ("1999/ 00", True),
        ("2022 / 2023", True),
        ("2017 / 19", False),
        ("2022 / 2024", False),
    ],
)
def test_a_season_is_a_year_and_the_next_one(pair: str, season: bool) -> None:
    """Gene variants, counts and codes spaced around a slash are no seasons: a year and its successor are."""
    from cleaner.lexicon import are_successive_years

    assert are_successive_years(pair) is season


def test_the_tokenisation_leftovers_of_held_out_mt_are_found_with_spacing_repairs() -> None:
    """Spaced season and fraction slashes, an ellipsis range and spaced or glued "!": each found once, its
    safe repair changing only the marks at the damage; the range's dash, a reading, is for review."""
    text = (
        "City hold the record with 100 points in the 2017 / 18 season.\n"
        "Real will play the second leg of the 1 / 8 finals in Manchester.\n"
        "The air temperature at night will be 13... 15 degrees.\n"
        "It's a white star of obsession! !\n"
        "Brambies wins first place (Sankei Sports) - Yahoo!News\n"
    )
    findings = CHECKER.check_text(text)
    fixed = apply_fixes(
        text,
        [fix for finding in findings for fix in finding.fixes[:1] if fix.applicability is Applicability.SAFE],
    )
    assert fixed == (
        "City hold the record with 100 points in the 2017/18 season.\n"
        "Real will play the second leg of the 1/8 finals in Manchester.\n"
        "The air temperature at night will be 13... 15 degrees.\n"
        "It's a white star of obsession!!\n"
        "Brambies wins first place (Sankei Sports) - Yahoo! News\n"
    )
    (dash,) = [f.fixes[0] for f in findings if f.rule == "punctuation.ellipsis-range"]
    assert (dash.replacement, dash.applicability) == ("–", Applicability.UNSAFE)
