"""The link word the language model proposes at a broken boundary, with the real converted model."""

from __future__ import annotations

import pytest

from cleaner.findings import Applicability, Category, Finding, Fix, Severity
from cleaner.neural.insertion import WordInsertion, link_words
from cleaner.neural.models import LanguageModel, SentenceEncoder
from cleaner.neural.ranker import Ranker
from cleaner.pipeline import Checker
from cleaner.repair.edits import apply_fixes
from tests.conftest import SEEDS

SEED = next(SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return Ranker(LanguageModel(), SentenceEncoder())


def test_a_dropped_article_is_proposed_after_the_rules_candidates_and_unsafe(ranker: Ranker) -> None:
    text = "The hotel is close to the beach. great value for families.\n"
    found = Checker().check_text(text)
    (ranked,) = ranker.rank(text, found)
    rules = [fix.replacement for fix in found[0].fixes]
    assert sorted(fix.replacement for fix in ranked.fixes[: len(rules)]) == sorted(rules)
    proposed = ranked.fixes[len(rules) :]
    assert proposed and all(fix.applicability is Applicability.UNSAFE for fix in proposed)
    assert (
        apply_fixes(text, [proposed[0]]) == "The hotel is close to the beach, a great value for families.\n"
    )
    assert proposed[0].score is not None


def test_no_word_is_proposed_where_the_model_reads_the_rules_join_best(ranker: Ranker) -> None:
    text = SEED.read_text(encoding="utf-8")
    ranked = {f.rule: f for f in ranker.rank(text, Checker().check_text(text))}
    split = ranked["broken-sentence.noun-phrase-split"]
    assert [fix.replacement for fix in split.fixes] == ["gas pipeline", "gas. Pipeline"]


def test_words_are_proposed_only_at_the_stop_of_a_boundary_finding(ranker: Ranker) -> None:
    text = "Prices rose,, the ministry said. the talks went on.\n"
    comma = text.index(",,")
    stop = text.index("said.") + 4
    punctuation = Finding(
        "x.y",
        Category.PUNCTUATION,
        Severity.ERROR,
        "m",
        comma,
        comma + 2,
        fixes=(Fix(comma, comma + 2, ","),),
    )
    boundary = Finding(
        "x.z", Category.CASING, Severity.WARNING, "m", stop, stop + 5, fixes=(Fix(stop, stop + 5, ". The"),)
    )
    assert WordInsertion(ranker.model).propose(text, [punctuation, boundary])[0] == []
    (proposed,) = WordInsertion(ranker.model).propose(text, [boundary])
    assert {(fix.start, fix.end) for fix in proposed} == {(stop, stop + 3)}
    assert all(fix.replacement.split()[-1] == "t" for fix in proposed)  # the join's lower case kept


def test_link_words_come_from_the_closed_classes_and_never_negate() -> None:
    words = link_words()
    assert {"a", "an", "the", "and", "when", "which", "for"} <= words
    assert not words & {"nor", "not", "no"}


def test_the_session_proposes_words_unless_turned_off() -> None:
    from cleaner.session import Session

    text = "The hotel is close to the beach. great value for families.\n"
    for overrides, proposes in (({}, True), ({"neural.insertions": False}, False)):
        with Session({"neural.enabled": True, **overrides}, grammar=False) as session:
            (finding,) = session.check_text(text, "a.txt", session.settings("a.txt"))
        added = [fix for fix in finding.fixes if fix.replacement.endswith(" a g")]
        assert bool(added) == proposes
