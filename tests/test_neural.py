"""The neural stage with the real converted models: ranking, the meaning guard, user tokenizers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.findings import Applicability, Category, Finding, Fix, Severity
from cleaner.neural.errors import ModelUnavailable
from cleaner.neural.meaning import keeps_content, meaning_change
from cleaner.neural.models import LanguageModel, SentenceEncoder, load_tokenizer
from cleaner.neural.ranker import Ranker, sentence_window
from cleaner.pipeline import Checker
from tests.conftest import SEEDS, check_json, run_cli

SEED = next(SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    return Ranker(LanguageModel(), SentenceEncoder())


def test_language_model_prefers_the_joined_clause(ranker: Ranker) -> None:
    broken, joined = ranker.model.score(
        [
            "and that it would not. Accept anything about friendly third countries",
            "and that it would not accept anything about friendly third countries",
        ]
    )
    assert joined > broken + 5


def test_seed_candidates_come_out_ranked_with_scores(ranker: Ranker) -> None:
    text = SEED.read_text(encoding="utf-8")
    ranked = {f.rule: f for f in ranker.rank(text, Checker().check_text(text))}
    pipeline = ranked["broken-sentence.noun-phrase-split"].fixes
    assert [fix.replacement for fix in pipeline] == ["gas pipeline", "gas. Pipeline"]
    assert pipeline[0].score is not None and pipeline[0].score > pipeline[1].score
    them = ranked["punctuation.doubled-stop-between-words"].fixes
    assert all(fix.score is not None for fix in them)
    assert [fix.score for fix in them] == sorted((fix.score for fix in them), reverse=True)


def test_guard_demotes_a_repair_that_drops_not(ranker: Ranker) -> None:
    text = "The minister said the government would not accept the offer.\n"
    start = text.index("not ")
    finding = Finding(
        "house.example",
        Category.GRAMMAR,
        Severity.WARNING,
        "example",
        start,
        start + 4,
        fixes=(Fix(start, start + 4, "", Applicability.SAFE),),
    )
    (guarded,) = ranker.rank(text, [finding])
    assert guarded.fixes[0].applicability is Applicability.DISPLAY


def test_a_deletion_of_content_is_never_ranked_first(ranker: Ranker) -> None:
    text = "It could include a suspension of Russian gas. pipeline deliveries to Europe.\n"
    start = text.index("gas.")
    end = start + len("gas. pipeline")
    finding = Finding(
        "x.y",
        Category.BROKEN_SENTENCE,
        Severity.ERROR,
        "m",
        start,
        end,
        fixes=(
            Fix(start, end, "gas pipeline", Applicability.SAFE),
            Fix(start, end, "gas", Applicability.UNSAFE),
        ),
    )
    (ranked,) = ranker.rank(text, [finding])
    assert [fix.replacement for fix in ranked.fixes] == ["gas pipeline", "gas"]


def test_meaning_rules() -> None:
    assert meaning_change("would not accept", "would accept") == "adds or drops a negation"
    assert meaning_change("on 3 March", "on 4 March") == "changes a number"
    assert meaning_change("told Putin on Thursday", "told Putin on Friday") == "changes a date"
    assert meaning_change("told Putin", "told Biden") == "changes a name"
    assert meaning_change("not. Accept anything", "not accept anything") is None
    assert meaning_change("I didn't know. it's true", "I didn't know. It's true") is None
    assert keeps_content("gas. pipeline", "gas pipeline") and not keeps_content("gas. pipeline", "gas")


def test_encoder_tells_related_from_unrelated(ranker: Ranker) -> None:
    assert ranker.encoder is not None
    same = ranker.encoder.similarity(
        "Russian gas. pipeline, in addition", "Russian gas pipeline, in addition"
    )
    other = ranker.encoder.similarity("The cat sat on the mat.", "Stock markets fell sharply in Tokyo.")
    assert same > 0.9 > 0.3 > other


def test_a_sentencepiece_tokenizer_the_test_trains_itself(tmp_path: Path) -> None:
    import sentencepiece

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(SEED.read_text(encoding="utf-8").split(". ")) * 3, encoding="utf-8")
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(tmp_path / "spm"), vocab_size=200, model_type="unigram"
    )
    tokenizer = load_tokenizer(tmp_path / "spm.model")
    pieces = tokenizer.tokens("Biden told Putin on Thursday")
    assert pieces and pieces[0].startswith("▁")
    assert tokenizer.detokenize(pieces) == "Biden told Putin on Thursday"
    with pytest.raises(ModelUnavailable):
        load_tokenizer(tmp_path / "missing.model")
    with pytest.raises(ModelUnavailable):
        LanguageModel(tmp_path, tmp_path / "spm.model")


def candidates(text: str, span: str, *replacements: str) -> Finding:
    """A broken-sentence finding on ``span`` offering ``replacements`` in this order (the first is the
    one the rule ranks first)."""
    start = text.index(span)
    end = start + len(span)
    fixes = tuple(Fix(start, end, replacement) for replacement in replacements)
    return Finding("x.y", Category.BROKEN_SENTENCE, Severity.WARNING, "m", start, end, fixes=fixes)


def test_the_rule_order_stands_unless_the_model_is_clearly_more_confident(ranker: Ranker) -> None:
    """The model's taste for fewer tokens must not undo a rule's evidence: a comma before "so" and the
    deletion of an orphaned fragment stay first; a clear preference of the model still wins."""
    text = "He has only a mess around him and makes trouble. so it does not matter what colour it is.\n"
    (comma,) = ranker.rank(text, Checker().check_text(text))
    assert comma.fixes[0].replacement == "trouble, so"
    text = "Nobody knows where the talks will go. They will simply stay where they are. wait.\n"
    (orphan,) = ranker.rank(text, Checker().check_text(text))
    assert orphan.rule == "broken-sentence.orphan-fragment" and orphan.fixes[0].replacement == ""
    text = "The minister said he would not. Accept the offer from the rebels.\n"
    (ranked,) = ranker.rank(text, [candidates(text, "not. Accept", "not. Accept", "not accept")])
    assert ranked.fixes[0].replacement == "not accept"


def test_cli_neural_ranks_in_json_and_fix_takes_the_best(tmp_path: Path) -> None:
    data = check_json("--neural", str(SEED))
    split = next(f for f in data["files"][0]["findings"] if f["rule"] == "broken-sentence.noun-phrase-split")
    assert [fix["replacement"] for fix in split["fixes"]] == ["gas pipeline", "gas. Pipeline"]
    assert all("score" in fix for fix in split["fixes"])
    article = tmp_path / "a.txt"
    article.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    # The joins are for review (unsafe): with --unsafe-fixes the best-ranked candidate of each is taken.
    assert run_cli("fix", "--neural", "--unsafe-fixes", str(article)).returncode in (0, 1)
    fixed = article.read_text(encoding="utf-8")
    assert "Russian gas pipeline," in fixed and "would not accept anything" in fixed


def test_boundary_detector_finds_the_split_clause_of_the_seed(ranker: Ranker) -> None:
    from cleaner.neural.boundaries import RULE, BoundaryDetector

    text = SEED.read_text(encoding="utf-8")
    found = BoundaryDetector(ranker.model).find(text)
    assert [(f.rule, text[f.start : f.end]) for f in found] == [(RULE, ". Accept")]
    assert found[0].fixes[0].applicability is Applicability.UNSAFE
    assert BoundaryDetector(ranker.model).find("The talks ended. The ministers left.") == []


def test_all_candidates_of_a_finding_are_scored_on_its_whole_sentence() -> None:
    """One stretch of text for every candidate, so their scores compare: the finding's sentence from
    its start to its end, the stop the repair may remove included, and nothing of the sentences around."""
    text = "The talks ended. Sales reached 3.5 million euros. in the first quarter, it said. Nobody came.\n"
    start = text.index("euros.")
    fixes = [
        Fix(start, start + 9, "euros in"),
        Fix(start, start + 9, "euros. In"),
        Fix(start + 5, start + 6, ""),
    ]
    low, high = sentence_window(text, fixes)
    assert text[low:high] == "Sales reached 3.5 million euros. in the first quarter, it said."


def test_a_capital_restored_at_a_real_sentence_end_stays_safe_and_first(ranker: Ranker) -> None:
    """Capitalising "it's" adds no name (the meaning guard once demoted it to display)."""
    text = "I didn't know. it's the best part of the whole story.\n"
    (finding,) = ranker.rank(text, Checker().check_text(text))
    assert finding.rule == "casing.sentence-start"
    assert finding.fixes[0].replacement == "know. It"
    assert finding.fixes[0].applicability is Applicability.SAFE


def test_the_model_keeps_a_verbless_sentence_of_its_own_from_being_joined(ranker: Ranker) -> None:
    """A tagline after a real sentence end lost only its capital: where a rule offers the join first,
    the model, clearly more confident per token on the same sentence, puts the capital first."""
    text = "The hotel is close to the beach. great value for families.\n"
    (ranked,) = ranker.rank(text, [candidates(text, "beach. great", "beach great", "beach. Great")])
    # (a link word the model proposes, ", a great value", may follow: tests/test_neural_insertion.py)
    assert [fix.replacement for fix in ranked.fixes[:2]] == ["beach. Great", "beach great"]
    assert ranked.fixes[0].score is not None and ranked.fixes[1].score is not None
    assert ranked.fixes[0].score > ranked.fixes[1].score
