"""The precomputed lexicon (``cleaner/data/lexicon.tsv``) says what lemminflect says.

cleaner reads lemminflect's answers from a file that ``scripts/build_lexicon.py`` generates, so that a
run does not parse lemminflect's tables or import NumPy. These tests hold the file to its source: it
is exactly what the generator writes from the installed lemminflect, and its lookups agree with
lemminflect's own on real text and on every word class the detectors ask about.
"""

from __future__ import annotations

import re
import subprocess
import sys

import lemminflect
import pytest

from cleaner import lexicon
from tests.conftest import REPO, SEEDS, SHARED_EVAL

VERB_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")


def test_shipped_lexicon_is_what_the_generator_writes() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_lexicon.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _sample_words() -> list[str]:
    """Words of real text (the seed, and dev data when it is there), with names and odd tokens, plus
    words whose forms lemminflect's model supplies rather than its table."""
    texts = [path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")]
    dev = SHARED_EVAL / "mqm_ted_zhen_docs.jsonl"
    if dev.exists():
        texts.append(dev.read_text(encoding="utf-8")[:400_000])
    words = {word for text in texts for word in re.findall(r"[^\W\d_]+(?:['’][a-z]+)?", text)}
    words |= {"while", "can", "be", "will", "'ll", "ain't", "Left", "LEFT", "xyzzyq", "signed", "told"}
    return sorted(words)


def test_lemmas_agree_with_lemminflect() -> None:
    words = _sample_words()
    assert len(words) > 200
    for word in words:
        assert lexicon.word_lemmas.__wrapped__(word) == lemminflect.getAllLemmas(word.lower()), word


def test_inflections_agree_with_lemminflect() -> None:
    lemmas = {
        lemma
        for word in _sample_words()
        for found in lemminflect.getAllLemmas(word.lower()).values()
        for lemma in found
    }
    lemmas |= {"while", "week", "say", "Say", "bless", "abdomen"}
    for lemma in sorted(lemmas):
        assert lexicon.inflections(lemma) == lemminflect.getAllInflections(lemma), lemma
        assert lexicon.inflections(lemma, "VERB") == lemminflect.getAllInflections(lemma, upos="VERB"), lemma
        for tag in (*VERB_TAGS, "NNS", "NN", "JJR"):
            assert lexicon.inflection(lemma, tag) == lemminflect.getInflection(lemma, tag), (lemma, tag)


@pytest.mark.parametrize("word", ["xyzzyq", "blorf", "Nwachukwu"])
def test_words_lemminflect_does_not_know_get_its_model_answer(word: str) -> None:
    """A word missing from the table is inflected by lemminflect's model, as before."""
    assert lexicon.word_lemmas.__wrapped__(word) == {}
    assert lexicon.inflection(word, "VBD") == lemminflect.getInflection(word, "VBD")
    assert lexicon.inflection(word, "NNS") == lemminflect.getInflection(word, "NNS")


def test_the_mapped_file_and_its_bytes_answer_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lexicon is searched in a memory map of the file, or in its bytes where it is no plain file
    (a zip archive): both give the same entries, first and last lines and unknown words included."""
    mapped = lexicon._lexicon()
    assert not isinstance(mapped, bytes)  # an installed or editable package is plain files
    words = [*_sample_words()[:300], "aardvark", "zzzz", "", "\uffff"]
    expected = [lexicon._entry(word.lower()) for word in words]
    monkeypatch.setattr(lexicon, "_lexicon", lambda: bytes(mapped))
    assert [lexicon._entry(word.lower()) for word in words] == expected
    assert any(expected) and not all(expected)
