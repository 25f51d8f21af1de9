"""LanguageTool's matches judged with the rest of the document (cleaner/grammar/context.py): quotes that
pair on another line, repetitions that are a heading and the line under it."""

from __future__ import annotations

import pytest

from cleaner.findings import Applicability
from cleaner.grammar.context import crosses_heading, quotes_paired_elsewhere
from cleaner.grammar.engine import GrammarEngine, GrammarSettings
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
