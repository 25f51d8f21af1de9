"""Untranslated fragments (``untranslated.foreign-script``): what counts as one finding, and what is left
alone. The rule's own flag/pass examples run in test_rule_examples.py; these cover the behaviour around
them: one finding per run, every script, the full pipeline without double reports."""

from __future__ import annotations

import pytest
import regex

from cleaner.analysis import first_maybe_foreign
from cleaner.findings import Applicability, Category
from cleaner.pipeline import Checker, Selection
from cleaner.ruleset import load_rules

RULE = "untranslated.foreign-script"
ENGLISH = (
    "The delegation arrived in the capital on Monday morning and met the prime minister for talks "
    "about trade, energy and the border. "
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(rules=[rule for rule in load_rules() if rule.id == RULE])


@pytest.mark.parametrize(
    ("fragment", "script"),
    [
        ("国务院新闻办公室", "Chinese/Japanese (Han)"),
        ("ありがとうございます", "Hiragana"),
        ("コーヒーショップ", "Katakana"),
        ("대한민국 정부", "Korean (Hangul)"),
        ("Министерство иностранных дел", "Cyrillic"),
        ("وزارة الخارجية", "Arabic"),
        ("משרד החוץ", "Hebrew"),
        ("กระทรวงการต่างประเทศ", "Thai"),
        ("विदेश मंत्रालय", "Devanagari"),
        ("Υπουργείο Εξωτερικών", "Greek"),
    ],
)
def test_a_run_of_any_script_is_one_finding(checker: Checker, fragment: str, script: str) -> None:
    text = f"{ENGLISH}A statement from the {fragment} was read out. {ENGLISH}"
    (finding,) = checker.check_text(text)
    assert text[finding.start : finding.end] == fragment
    assert finding.category is Category.UNTRANSLATED
    assert script in finding.message
    assert finding.fixes == ()


def test_a_run_broken_by_a_latin_name_is_reported_once(checker: Checker) -> None:
    text = f"{ENGLISH}据 Reuters 报道，出口增长了。 {ENGLISH}"
    (finding,) = checker.check_text(text)
    assert text[finding.start : finding.end] == "据 Reuters 报道，出口增长了。"


def test_separate_fragments_far_apart_are_separate_findings(checker: Checker) -> None:
    text = f"The 国务院 said on Monday that the trade talks with the 商务部 would resume. {ENGLISH}"
    assert [text[f.start : f.end] for f in checker.check_text(text)] == ["国务院", "商务部"]


def test_a_lone_letter_with_no_latin_look_alike_is_named(checker: Checker) -> None:
    text = f"{ENGLISH}The plant produced 5 tonnes of Жsteel and compared (р=0.001)."
    (finding,) = checker.check_text(text)
    assert text[finding.start : finding.end] == "Ж"
    assert "CYRILLIC CAPITAL LETTER ZHE" in finding.message


def test_look_alike_letters_get_their_latin_letter_as_a_safe_repair() -> None:
    rules = [rule for rule in load_rules() if rule.id == "typography.look-alike-letter"]
    text = f"{ENGLISH}Samples were kept at –120 °С and compared (р=0.001)."
    findings = Checker(rules=rules).check_text(text)
    assert [(text[f.start : f.end], f.best_fix.replacement, f.best_fix.applicability) for f in findings] == [
        ("С", "C", Applicability.SAFE),
        ("р", "p", Applicability.SAFE),
    ]


def test_cjk_punctuation_gets_an_unsafe_english_counterpart(checker: Checker) -> None:
    text = f"{ENGLISH}It was accompanied by interleukin-1、the release of other factors。"
    findings = checker.check_text(text)
    assert [(f.best_fix.replacement, f.best_fix.applicability) for f in findings if f.best_fix] == [
        (", ", Applicability.UNSAFE),
        (".", Applicability.UNSAFE),
    ]


@pytest.mark.parametrize(
    "text",
    [
        f"{ENGLISH}Levels above 0.5 μg/mL, α-synuclein, π, Ω, γδ T cells, β-Klotho and Δvapour.",
        f"{ENGLISH}President Volodymyr Zelensky (Володимир Зеленський) spoke in Kyiv (Київ).",
        f"{ENGLISH}Russians call a country house a «дача», and many own one.",
        f"{ENGLISH}Prices rose to €120, ¥1980 and £30 🎉, about 5 µm ± 2 ℃.",
        "国务院周一表示，出口增长了。\nThe State Council said on Monday that exports rose.\n"
        "经济稳定，就业增加。\nThe economy is stable and employment is rising.",
    ],
)
def test_symbols_glosses_quoted_words_and_bilingual_texts_are_fine(checker: Checker, text: str) -> None:
    assert checker.check_text(text) == []


def test_full_width_punctuation_is_left_to_unicode_damage() -> None:
    text = f"{ENGLISH}Prices rose，officials said."
    checker = Checker(Selection(select=("typography.unicode-damage", RULE)))
    assert [f.rule for f in checker.check_text(text)] == ["typography.unicode-damage"]


def test_markdown_code_is_not_flagged() -> None:
    from cleaner.markdown import markup_spans

    text = f"{ENGLISH}Run `echo 你好` to greet.\n"
    checker = Checker(Selection(select=(RULE,)))
    assert checker.check_text(text, markup_spans(text)) == []


def test_the_first_look_for_foreign_letters_passes_over_none_the_script_detectors_report() -> None:
    """``first_maybe_foreign`` skips whole Unicode blocks with the standard library before the script
    detectors load ``regex``: none of those blocks holds a letter either detector reports (the ohm sign,
    a Greek letter, is a symbol in English text and was never one)."""
    foreign = regex.compile(r"[^\P{L}\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]")
    skipped = [chr(code) for code in range(0x2800) if first_maybe_foreign(f"a{chr(code)}") is None]
    assert [char for char in skipped if foreign.match(char)] == ["\u2126"]
    assert first_maybe_foreign("plain “ASCII” — with typography") is None
    assert first_maybe_foreign("Рutin") == 0
