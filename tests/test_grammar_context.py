"""LanguageTool's matches judged with the rest of the document (cleaner/grammar/context.py): quotes that
pair on another line, repetitions that are a heading and the line under it, names, loanwords and host
names taken for misspellings, yearless dates checked against the current year; and comma style
(mapping.is_comma_style). Unit tests replay LanguageTool 6.7's matches; the marked ones ask a real server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cleaner.findings import Applicability, Finding
from cleaner.grammar.context import (
    crosses_heading,
    dated_in_current_year,
    in_context,
    in_host_name,
    in_source_name,
    is_name_particle,
    names_and_loanwords,
    quotes_paired_elsewhere,
)
from cleaner.grammar.engine import GrammarEngine, GrammarSettings
from cleaner.grammar.mapping import RawMatch, defaults, is_comma_style, is_name_apostrophe, to_finding
from cleaner.pipeline import Checker
from cleaner.repair.fixer import fix_text

SPANNING = '"That is a pity.\nThe weather would have been perfect," she says.\nHe said "no" twice.\n'
CARRIED = '"The first paragraph of a long quotation.\n"The second one ends it."\n'


def test_a_quote_pairs_with_its_partner_on_another_line_and_across_paragraphs() -> None:
    assert quotes_paired_elsewhere(SPANNING) == {0, SPANNING.index('," she') + 1}
    assert quotes_paired_elsewhere(CARRIED) == {0}  # the next paragraph opens with a quote of its own


def test_a_quote_that_pairs_nowhere_or_on_its_own_line_is_left_to_languagetool() -> None:
    assert quotes_paired_elsewhere('He said "no" twice.\nThe "plan was dropped.\nIt rained.\n') == set()
    assert quotes_paired_elsewhere('The "plan was dropped.\nHe went "home" early.\n') == set()


def test_a_repetition_across_a_heading_is_two_lines_and_one_in_wrapped_prose_is_a_doubled_word() -> None:
    heading = "Economy grows again - Xinhua\nXinhua News Agency reported the figures."
    start = heading.index("Xinhua")
    assert crosses_heading("ENGLISH_WORD_REPEAT_RULE", heading, start, heading.index("News") - 1)
    wrapped = "He saw the\nthe dog in the yard."
    assert not crosses_heading("ENGLISH_WORD_REPEAT_RULE", wrapped, 7, 14)
    ended = "The talks ended.\nThe talks went on."
    assert not crosses_heading("ENGLISH_WORD_REPEAT_RULE", ended, 0, 22)
    assert not crosses_heading("EN_UNPAIRED_QUOTES", heading, start, heading.index("News") - 1)


@pytest.mark.languagetool
def test_the_engine_drops_what_the_document_explains_and_never_joins_lines_unasked(
    languagetool_url: str,
) -> None:
    with GrammarEngine(GrammarSettings(url=languagetool_url, use_cache=False)) as grammar:
        assert [f for f in grammar.findings(SPANNING) if f.rule.endswith("EN_UNPAIRED_QUOTES")] == []
        unpaired = 'The minister said the plan was over.\nThe "plan was dropped after all.\n'
        assert [unpaired[f.start : f.end] for f in grammar.findings(unpaired)] == ['"']
        heading = "Economy grows again - Xinhua\nXinhua News Agency reported the figures on Monday.\n"
        assert [
            f.rule for f in grammar.findings(heading) if "REPEAT" in f.rule or "REPETITION" in f.rule
        ] == []
        wrapped = "The minister said that the talks would resume and the\nthe delegates agreed to it.\n"
        (repeat,) = [f for f in grammar.findings(wrapped) if f.rule.endswith("ENGLISH_WORD_REPEAT_RULE")]
        assert all(fix.applicability is Applicability.UNSAFE for fix in repeat.fixes)  # it joins two lines
        assert fix_text(wrapped, Checker(grammar=grammar).check_text).text == wrapped
        named = (
            "The Minister of Education, Adamu Adamu, and the conductor Yang Yang spoke on Monday.\n"
            "What we see is ylang ylang, a flower. Where a country is is an average score.\n"
        )
        repeats = [f for f in grammar.findings(named) if f.rule.endswith("ENGLISH_WORD_REPEAT_RULE")]
        assert repeats and all(fix.applicability is Applicability.UNSAFE for f in repeats for fix in f.fixes)
        assert (
            fix_text(named, Checker(grammar=grammar).check_text).text == named
        )  # names and English keep both


def _spelling(text: str, word: str, *suggestions: str, nth: int = 0) -> Finding:
    """A replayed speller match on the ``nth`` occurrence of ``word``, as LanguageTool 6.7 answers."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    match = RawMatch(
        start, start + len(word), "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", "", suggestions
    )
    return to_finding(match, 0, text)


def _explained(text: str, *found: Finding) -> list[str]:
    return [text[found[i].start : found[i].end] for i in sorted(names_and_loanwords(found, text))]


def test_the_labels_of_a_host_name_are_not_misspellings_but_a_glued_sentence_is_not_a_host() -> None:
    text = (
        "As rus.err.ee wrote, the mayor resigned. See err.ee or kyivpost.com.\nHe went home.teh next day.\n"
    )
    assert in_host_name(text, text.index("rus"), text.index("rus") + 3)
    assert in_host_name(text, text.index("ee wrote"), text.index("ee wrote") + 2)
    assert in_host_name(text, text.index("err.ee or") + 4, text.index("err.ee or") + 6)
    assert in_host_name(text, text.index("kyivpost"), text.index("kyivpost") + 8)
    assert not in_host_name(text, text.index("teh"), text.index("teh") + 3)
    site = "At Letuška.cz, flights to Split are the most popular. He went Home.Teh next day.\n"
    assert in_host_name(site, site.index("cz"), site.index("cz") + 2)  # a site named by its address
    assert not in_host_name(site, site.index("Teh"), site.index("Teh") + 3)


def test_an_apostrophe_inside_a_name_is_no_unpaired_quote() -> None:
    text = "Our correspondent Shamsu Da'u reports. Then 'the plan' was 'dropped.\n"

    def unpaired(at: int) -> RawMatch:
        return RawMatch(at, at + 1, "EN_UNPAIRED_QUOTES", "PUNCTUATION", "typographical", "", ())

    assert is_name_apostrophe(unpaired(text.index("'u")), text)
    assert not is_name_apostrophe(unpaired(text.index("'dropped")), text)
    assert not is_name_apostrophe(unpaired(text.index("'the")), text)


def test_a_name_particle_before_a_capitalised_word_is_part_of_the_name() -> None:
    text = "He studied in Usti nad Labem, near Kirchheim unter Teck, and read Gazzetta dello Sport daily."
    for word in ("nad", "unter", "dello"):
        assert is_name_particle(text, text.index(word), text.index(word) + len(word))
    plain = "The nad was broken and di was gone."
    assert not is_name_particle(plain, plain.index("nad"), plain.index("nad") + 3)
    assert not is_name_particle(plain, plain.index("di"), plain.index("di") + 2)
    untranslated = "Watford mit 2:3 bei Arsenal, und Leicester gewann."  # German: every noun capitalised
    for word in ("bei", "und"):
        assert not is_name_particle(untranslated, untranslated.index(word), untranslated.index(word) + 3)


def test_a_loanword_used_throughout_in_lower_case_is_explained_and_a_one_off_non_word_is_not() -> None:
    text = (
        "Kisuke (75), a rakugo storyteller, performed.\nRakugo storyteller Katsura joined.\n"
        "Guest rakugo performers came, though they did not foreay for profit.\n"
    )
    found = (
        _spelling(text, "rakugo", "Bakugo"),
        _spelling(text, "rakugo", "Bakugo", nth=1),
        _spelling(text, "foreay", "foray"),
    )
    assert _explained(text, *found) == ["rakugo", "rakugo"]  # a capital at a sentence start says nothing


def test_a_lower_cased_name_stays_reported_even_when_it_recurs() -> None:
    names = 'Vojtěch Veselý came from Valeč.\n"It will work," vojtěch said.\nLater vojtěch left.\n'
    assert (
        _explained(names, _spelling(names, "vojtěch", "vote"), _spelling(names, "vojtěch", "vote", nth=1))
        == []
    )
    known = "Filming took place in the South iceland and the West iceland.\n"
    assert (
        _explained(
            known, _spelling(known, "iceland", "Iceland"), _spelling(known, "iceland", "Iceland", nth=1)
        )
        == []
    )
    initial = "President Volodymyr elensky spoke.\nThe call with Vladimir elensky was long.\n"
    assert (
        _explained(
            initial,
            _spelling(initial, "elensky", "Zelensky", "Lensky"),
            _spelling(initial, "elensky", "Zelensky", "Lensky", nth=1),
        )
        == []
    )  # a name that lost its first letter
    named = "The Artmat gallery opened.\nThey work for artmat and for artmat only.\n"
    assert (
        _explained(named, _spelling(named, "artmat", "art mat"), _spelling(named, "artmat", "art mat", nth=1))
        == []
    )


def test_a_lower_cased_abbreviation_or_a_near_miss_stays_reported_even_when_it_recurs() -> None:
    acronym = "The level of connective tissue growth factor (ctgf) rose.\nHigh ctgf predicts relapse.\n"
    assert (
        _explained(acronym, _spelling(acronym, "ctgf", "CTF"), _spelling(acronym, "ctgf", "CTF", nth=1)) == []
    )
    typo = "The atheric oils work.\nAtheric oils are cheap, and atheric extracts too.\n"
    found = (_spelling(typo, "atheric", "etheric"), _spelling(typo, "atheric", "etheric", nth=1))
    assert _explained(typo, *found) == []  # one edit from a word: a made-up word, however often repeated
    calque = "The epidemy spread in the north.\nDoctors said the epidemy would peak in May.\n"
    found = (_spelling(calque, "epidemy", "epidemic"), _spelling(calque, "epidemy", "epidemic", nth=1))
    assert _explained(calque, *found) == []  # mostly a word's letters in order: a calque, not a loanword
    named = "José recieved the award.\nAt Česká spořitelna the staff cheered.\n"
    found = (_spelling(named, "recieved", "received"), _spelling(named, "spořitelna", "spiritual"))
    assert _explained(named, *found) == ["spořitelna"]  # a typo after a name is a typo


def test_in_a_document_that_lower_cases_names_a_recurring_unknown_word_stays_reported() -> None:
    text = "They met skoda in Turkey.\nThe brzina pond froze.\nLater the brzina pond thawed.\n"
    found = (
        _spelling(text, "skoda", "Skoda"),
        _spelling(text, "brzina", "brain"),
        _spelling(text, "brzina", "brain", nth=1),
    )
    assert _explained(text, *found) == []
    assert _explained(text.replace("skoda", "Skoda"), *found[1:]) == ["brzina", "brzina"]


def test_the_lower_case_part_of_a_source_language_name_follows_an_accented_capitalised_word() -> None:
    text = (
        "On Saturday, Česká spořitelna charged some payments twice.\n"
        "They met on Malostranské náměstí.\n"
        "NBA: Stripclub-Ärger für Clippers-Star Lou Williams\n"
        '"It works," explained jana jusková, a spokeswoman, and Bjartmar thefted him.\n'
    )

    def named(word: str) -> bool:
        return in_source_name(text, text.index(word), text.index(word) + len(word))

    assert named("spořitelna") and named("náměstí")
    assert not named("für")  # a capital follows: untranslated text, not a name's tail
    assert not named("jusková") and not named("thefted")


def test_a_yearless_weekday_is_judged_only_in_an_article_from_this_year() -> None:
    today = date(2026, 12, 1)
    assert dated_in_current_year("Results of 2025 and plans for 2026.", today)
    assert not dated_in_current_year("Arotile died in 2020, on Monday, July 14th.", today)
    assert not dated_in_current_year("She died on Monday, July 14th.", today)
    assert dated_in_current_year("Plans for 2026 and for 2027.", today)  # a year to come says nothing
    assert not dated_in_current_year("The 2025 plan runs until 2030.", today)
    text = "The ceremony on Monday, July 14th was in 2020.\n"
    match = RawMatch(16, 34, "EN_DATE_WEEKDAY_CURRENTYEAR", "SEMANTICS", "inconsistency", "", ("Tuesday",))
    finding = to_finding(match, 0, text)
    assert in_context([finding], text, today) == []
    this_year = text.replace("2020", "2026")
    assert in_context([to_finding(match, 0, this_year)], this_year, today) != []


def test_a_missing_comma_after_a_linking_adverb_is_style_except_after_however() -> None:
    def adverb(paragraph: str) -> RawMatch:
        word = paragraph.split()[0]
        rule = "SENT_START_CONJUNCTIVE_LINKING_ADVERB_COMMA"
        return RawMatch(0, len(word), rule, "PUNCTUATION", "typographical", "", (word + ",",))

    assert is_comma_style(adverb("Finally he said goodbye."), "Finally he said goodbye.")
    assert is_comma_style(adverb("Therefore the stakeholders met."), "Therefore the stakeholders met.")
    assert not is_comma_style(
        adverb("However the convention will be held."), "However the convention will be held."
    )
    other = RawMatch(0, 7, "COMMA_PARENTHESIS_WHITESPACE", "PUNCTUATION", "typographical", "", ())
    assert not is_comma_style(other, "Finally , he said.")
    assert "PRP_COMMA" in defaults().disabled


@pytest.mark.languagetool
def test_the_engine_keeps_misspellings_and_drops_names_loanwords_hosts_and_comma_style(
    languagetool_url: str,
) -> None:
    text = (
        "Kisuke, a rakugo storyteller, performed in Usti nad Labem on Friday.\n"
        "As rus.err.ee wrote, guest rakugo performers also came.\n"
        "Finally he said that the governemt had failed.\n"
        "However the convention will be held in May.\n"
    )
    with GrammarEngine(GrammarSettings(url=languagetool_url, use_cache=False)) as grammar:
        found = grammar.findings(text)
        raw = [text[m.start : m.end] for m in grammar.check_paragraph(text) or []]
    assert {"rakugo", "nad", "rus", "ee", "Finally"} <= set(raw)  # what LanguageTool itself reports
    spans = sorted((f.rule.removeprefix("languagetool."), text[f.start : f.end]) for f in found)
    assert ("MORFOLOGIK_RULE_EN_US", "governemt") in spans
    assert ("SENT_START_CONJUNCTIVE_LINKING_ADVERB_COMMA", "However") in spans
    for word in ("rakugo", "nad", "rus", "ee", "Finally"):
        assert word not in [span for _, span in spans]


@pytest.mark.languagetool
def test_a_yearless_weekday_is_reported_in_this_year_s_article_only(languagetool_url: str) -> None:
    year = date.today().year
    day = date(year, 7, 14)
    wrong = (day + timedelta(days=1)).strftime("%A")
    sentence = f"The ceremony was held on {wrong}, July 14th, as planned."
    with GrammarEngine(GrammarSettings(url=languagetool_url, use_cache=False)) as grammar:
        this_year = f"Budget for {year} approved.\n{sentence}\n"
        archived = f"Budget for {year - 6} approved.\n{sentence}\n"
        rule = "languagetool.EN_DATE_WEEKDAY_CURRENTYEAR"
        assert [this_year[f.start : f.end] for f in grammar.findings(this_year) if f.rule == rule] != []
        assert [f for f in grammar.findings(archived) if f.rule == rule] == []
