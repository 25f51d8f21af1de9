"""Source-aware helpers and detectors on aligned text: language detection, number and date reading, and
findings that land in the right segment of a document of several."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.alignment import Alignment, Segment
from cleaner.analysis import TextAnalysis
from cleaner.consistency.calendar import SourceDate, normalise, source_dates, weekday_names
from cleaner.consistency.language import detect
from cleaner.consistency.numbers import missing, source_quantities, target_values
from cleaner.pipeline import Checker
from cleaner.ruleset import load_rules


def _consistency_findings(text: str, alignment: Alignment | None) -> list:
    checker = Checker(rules=[rule for rule in load_rules() if rule.category == "consistency"])
    analysis = TextAnalysis(text, alignment)
    return [
        finding
        for detector in checker.detectors_for(analysis.alignment)
        for finding in detector.find(analysis)
    ]


def test_detect_names_the_language_and_declines_to_guess_from_too_little() -> None:
    assert detect("Am Freitag und Samstag war die Inzidenz in Thüringen geringfügig gesunken.") == "de"
    assert detect("毛里求斯10日首次报告该国两例奥密克戎毒株感染病例。") == "zh"
    assert detect("Шольц в среду предупредил о последствиях.") == "ru"
    assert detect("ok") is None


def test_weekday_names_reach_inflected_and_compound_forms() -> None:
    cases = {
        "ru": ("до четверга", 3),
        "uk": ("у п’ятницю", 4),
        "cs": ("ve středu", 2),
        "de": ("am Donnerstagabend", 3),
        "ja": ("木曜日に", 3),
        "zh": ("周四", 3),
        "pt": ("na quinta-feira", 3),
    }
    for language, (text, day) in cases.items():
        names = weekday_names(language)
        assert names is not None
        assert [index for index, _, _ in names.find(normalise(text))] == [day], language
    assert weekday_names("liv") is None  # no CLDR data: the detectors stay quiet


def test_source_dates_are_completed_by_the_dateline() -> None:
    dates = source_dates(normalise("新华社华盛顿５月２３日电 … ２３日向美国教育部提交申诉"), "zh")
    assert [(d.day, d.month) for d in dates] == [(23, 5), (23, 5)]
    assert SourceDate(30).resolve(datetime.date(2022, 1, 2)) == datetime.date(2021, 12, 30)
    assert SourceDate(12).resolve(None) is None
    german = source_dates("am 11.12.2021 und am 3. Mai", "de")
    assert {d.resolve(None) for d in german} == {datetime.date(2021, 12, 11), None}


def test_numbers_meet_across_formats_scales_and_words() -> None:
    source = normalise("Der Umsatz stieg um 2,5 Mio. Euro auf 1.234,5 Tonnen in drei Tagen, um 17 Uhr.")
    target = "Sales rose by 2.5 million euros to 1,234.5 tonnes in three days, at 5 p.m."
    assert missing(source_quantities(source, "de"), target_values(target)) == []
    lost = missing(source_quantities(source, "de"), target_values("Sales rose to 1,234.5 tonnes at 5 p.m."))
    assert [q.written for q in lost] == ["2,5 Mio.", "drei"]
    assert source_quantities("Covid-19 und G7", "de") == []


def test_findings_land_in_their_own_segment() -> None:
    text = "The summit ended on Friday.\n\nMauritius reported two cases on Monday.\n"
    second = text.index("Mauritius")
    alignment = Alignment(
        (
            Segment(0, second - 2, "Der Gipfel endete am Freitag."),
            Segment(second, len(text), "毛里求斯10日首次报告该国两例奥密克戎毒株感染病例。", "p2"),
        ),
        dateline=datetime.date(2021, 12, 12),
    )
    findings = _consistency_findings(text, alignment)
    assert [(f.rule, text[f.start : f.end]) for f in findings] == [("consistency.weekday-mismatch", "Monday")]
    assert findings[0].best_fix is not None and findings[0].best_fix.replacement == "Friday"


def test_a_document_without_sources_gets_no_consistency_finding() -> None:
    assert _consistency_findings("The Kremlin said on Tuesday that 25 people died.", None) == []


def test_every_cldr_language_is_read_without_error() -> None:
    """CLDR's data differs from language to language (no ordinal rules, no relative days, no compact
    formats): every language it has must be read, or declined, without an error."""
    from babel.localedata import locale_identifiers

    from cleaner.consistency.calendar import month_names, relative_days, source_months

    text = normalise("12 13.12.2021 ２５日 3,5 % 1.234,5 25 2 Mio. (木) Montag вчера")
    for language in sorted({identifier.split("_")[0] for identifier in locale_identifiers()}):
        weekday_names(language)
        month_names(language)
        source_dates(text, language)
        source_months(text, language)
        relative_days(text, language)
        source_quantities(text, language)


@settings(max_examples=150, deadline=None)
@given(
    target=st.text(
        alphabet=st.sampled_from("Monday 12 1,5 3.5% May 日月火 #@/.:-вчера четверга 万"), max_size=60
    ),
    source=st.text(
        alphabet=st.sampled_from("Montag 12日 1,5 3.5% Mai 月火木 #@/.:-вчера четверга 万（）"), max_size=60
    ),
    language=st.sampled_from([None, "de", "ja", "ru", "zh", "ar", "liv"]),
)
def test_any_aligned_text_gives_findings_inside_it(target: str, source: str, language: str | None) -> None:
    alignment = Alignment((Segment(0, len(target), source),), language, datetime.date(2021, 12, 13))
    for finding in _consistency_findings(target, alignment):
        assert 0 <= finding.start <= finding.end <= len(target)
        for fix in finding.fixes:
            assert 0 <= fix.start <= fix.end <= len(target)
