"""Source-aware structure checks: sentences counted in any script, quotes and brackets paired, and the two
detectors that compare a translation's structure with its source's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaner.alignment import Alignment, Segment
from cleaner.analysis import TextAnalysis
from cleaner.consistency.structure import PAIRS, is_balanced, sentence_count, unpaired
from cleaner.pipeline import Checker
from cleaner.ruleset import load_rules

STRUCTURE_RULES = {"consistency.sentence-count", "consistency.unbalanced-quotes"}


def _findings(text: str, alignment: Alignment | None) -> list:
    checker = Checker(rules=[rule for rule in load_rules() if rule.id in STRUCTURE_RULES])
    analysis = TextAnalysis(text, alignment)
    return [
        finding
        for detector in checker.detectors_for(analysis.alignment)
        for finding in detector.find(analysis)
    ]


def _one_segment(text: str, source: str, language: str) -> Alignment:
    return Alignment((Segment(0, len(text), source),), language)


def test_sentences_are_counted_at_each_scripts_terminals() -> None:
    assert sentence_count("在市场需求的感召下。他便认为可以成立一家工厂！是吗？") == 3
    assert sentence_count("Hallo Welt. Wie geht es? Gut!") == 3
    assert sentence_count("ฉันชอบกิน ข้าวผัด") == 2  # Thai ends sentences with a space
    assert sentence_count("क्या हाल है। ठीक है।") == 2
    assert sentence_count("He paid 39.5 euros.") == 1
    assert sentence_count("速さ 当然遅い") == 1


def test_a_lower_case_word_continues_a_source_sentence_but_not_a_suspect_translation() -> None:
    source = "Восковые мелки, 12 цв., выкручивающиеся, в пластик. корпусе."
    assert sentence_count(source) == 1
    assert sentence_count("Crayons in a plastic. case.", lower_case_continues=False) == 2


def test_unpaired_names_each_lone_quote_and_bracket() -> None:
    assert unpaired("The deal (signed in May) holds.") == []
    assert unpaired('He said "yes (maybe.') == [(8, '"'), (13, "(")]
    assert unpaired("services” will make") == [(8, "”")]
    assert unpaired("「引用」と【注】") == []


def test_a_source_is_paired_in_its_own_conventions() -> None:
    assert is_balanced("Er nannte ihn „eine Katastrophe“.")
    assert is_balanced("Han sa ”nej” och gick.")
    assert is_balanced("«Мы не сдадимся», — сказала она.")
    assert not is_balanced("「ここはね、昔半島だったんだよ。")
    assert not is_balanced("(siehe oben")


@given(st.lists(st.sampled_from(PAIRS), max_size=6), st.text(alphabet="ab .", max_size=8))
def test_nested_pairs_are_never_unpaired(pairs, filler) -> None:
    text = filler
    for pair in pairs:
        text = f"{pair.opener}{text}{pair.closer}{filler}"
    assert unpaired(text) == []
    assert is_balanced(text)


def test_a_split_sentence_is_found_in_its_own_segment() -> None:
    first = "The summit ended on Friday."
    second = "Yale implemented de facto racial quotas for Asian-American applicants. more than 20 years."
    text = f"{first}\n\n{second}\n"
    start = text.index("Yale")
    alignment = Alignment(
        (
            Segment(0, len(first), "Der Gipfel endete am Freitag."),
            Segment(start, start + len(second), "耶鲁大学对亚裔申请学生实施了种族配额达20年以上。", "p2"),
        )
    )
    findings = _findings(text, alignment)
    assert [(f.rule, text[f.start : f.end]) for f in findings] == [
        ("consistency.sentence-count", "applicants. more")
    ]
    assert [fix.replacement for fix in findings[0].fixes] == ["applicants more", "applicants. More"]


def test_no_source_no_finding() -> None:
    assert _findings("The contract (signed in May will run. until 2030.", None) == []


def test_more_lower_case_stops_than_extra_sentences_is_a_style_not_a_split() -> None:
    text = "Prices rose. wages fell. unions protested."
    source = "Die Preise stiegen, die Löhne fielen. Gewerkschaften protestierten."
    assert _findings(text, _one_segment(text, source, "de")) == []


def test_a_credit_after_the_last_stop_is_no_split() -> None:
    text = "She reached the podium 103 times. dpa"
    assert _findings(text, _one_segment(text, "Sie stand 103 Mal auf dem Podium.", "de")) == []


def test_a_lone_quote_the_source_shares_is_left_alone() -> None:
    text = "“We will not give up,” she said. “Never."
    assert _findings(text, _one_segment(text, "«Мы не сдадимся, — сказала она. — Никогда.", "ru")) == []
    lost = "He called it “a disaster and left."
    findings = _findings(lost, _one_segment(lost, "Er nannte es „eine Katastrophe“ und ging.", "de"))
    assert [(f.rule, lost[f.start : f.end], f.fixes) for f in findings] == [
        ("consistency.unbalanced-quotes", "“", ())
    ]


def test_a_split_a_monolingual_rule_reports_is_reported_once() -> None:
    text = "Wax crayons, 12 colours, twistable, in a plastic. case."
    source = "Восковые мелки, 12 цв., выкручивающиеся, в пластик. корпусе."
    wanted = {"consistency.sentence-count", "broken-sentence.adjective-noun-split"}
    both = Checker(rules=[rule for rule in load_rules() if rule.id in wanted])
    alone = Checker(rules=[rule for rule in load_rules() if rule.id == "consistency.sentence-count"])
    alignment = _one_segment(text, source, "ru")
    assert [f.rule for f in alone.check_text(text, alignment=alignment)] == ["consistency.sentence-count"]
    assert [f.rule for f in both.check_text(text, alignment=alignment)] == [
        "broken-sentence.adjective-noun-split"
    ]
