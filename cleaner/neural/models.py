"""Loading the local models: converted once into the cache folder, then loaded with CTranslate2 on the
CPU. Users may bring their own CTranslate2 generator with a sentencepiece or tokenizers tokenizer."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cleaner.neural.convert import convert_gguf_llama, smollm_gguf
from cleaner.neural.errors import ModelUnavailable
from cleaner.paths import cache_dir

LM_NAME = "smollm2-135m-instruct-int8"
COMPUTE_TYPE = "int8"
"""Named, not "auto": "auto" silently picks int8 on some CPUs and float32 on others."""
BATCH = 16


class Tokenizer(Protocol):
    def tokens(self, text: str) -> list[str]: ...


@dataclass
class HuggingFaceTokenizer:
    """A ``tokenizer.json`` (the tokenizers library)."""

    path: Path

    def __post_init__(self) -> None:
        from tokenizers import Tokenizer as _Tokenizer

        self._tokenizer = _Tokenizer.from_file(str(self.path))

    def tokens(self, text: str) -> list[str]:
        return self._tokenizer.encode(text, add_special_tokens=False).tokens


@dataclass
class SentencePieceTokenizer:
    """A sentencepiece model, as OPUS-MT and NLLB models ship them."""

    path: Path

    def __post_init__(self) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=str(self.path))

    def tokens(self, text: str) -> list[str]:
        return self._processor.encode(text, out_type=str)

    def detokenize(self, tokens: list[str]) -> str:
        return self._processor.decode_pieces(tokens)


def load_tokenizer(path: Path) -> Tokenizer:
    """A tokenizer by its file: ``*.json`` for tokenizers, anything else as a sentencepiece model."""
    if not path.is_file():
        raise ModelUnavailable(f"tokenizer file not found: {path}")
    return HuggingFaceTokenizer(path) if path.suffix == ".json" else SentencePieceTokenizer(path)


def language_model_dir() -> Path:
    return cache_dir() / "models" / LM_NAME


def _prepared(folder: Path, convert: Callable[[Path], object]) -> Path:
    """``folder`` holding a converted model, converting into it first when it has none."""
    if not (folder / "model.bin").is_file():
        convert(folder)
    return folder


def prepare_language_model() -> Path:
    """The converted SmolLM2 model folder, converting it from the wheel's GGUF file on first use."""
    return _prepared(language_model_dir(), lambda folder: convert_gguf_llama(smollm_gguf(), folder))


class LanguageModel:
    """Scores text by its log-probability under a causal language model (higher: more fluent)."""

    def __init__(
        self, folder: Path | None = None, tokenizer: Path | None = None, start_token: str = "<|endoftext|>"
    ):
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelUnavailable(
                "the neural stage needs ctranslate2: pip install 'cleaner[neural]'"
            ) from exc
        folder = folder or prepare_language_model()
        if not (folder / "model.bin").is_file():
            raise ModelUnavailable(f"no CTranslate2 model in {folder}")
        self.generator = ctranslate2.Generator(
            str(folder), device="cpu", compute_type=COMPUTE_TYPE, intra_threads=os.cpu_count() or 1
        )
        self.tokenizer = load_tokenizer(tokenizer or folder / "tokenizer.json")
        self.start_token = start_token
        """Prepended to every text: SmolLM2's configured start token is a chat token, not a text start."""

    def score(self, texts: list[str]) -> list[float]:
        """Summed log-probability (nats) of each text."""
        scores: list[float] = []
        for start in range(0, len(texts), BATCH):
            batch = [
                [self.start_token, *self.tokenizer.tokens(text)] for text in texts[start : start + BATCH]
            ]
            scores.extend(sum(result.log_probs) for result in self.generator.score_batch(batch))
        return scores


ENCODER_NAME = "all-minilm-l6-v2-int8"


def encoder_dir() -> Path:
    return cache_dir() / "models" / ENCODER_NAME


def prepare_encoder() -> Path:
    """The converted all-MiniLM-L6-v2 encoder folder, converting it from the wheel on first use."""
    from cleaner.neural.convert import convert_bert_encoder, minilm_folder

    return _prepared(encoder_dir(), lambda folder: convert_bert_encoder(minilm_folder(), folder))


class SentenceEncoder:
    """Sentence embeddings (mean-pooled, normalised), to tell how far a repair moves the meaning."""

    def __init__(self, folder: Path | None = None) -> None:
        import ctranslate2
        from tokenizers import Tokenizer as _Tokenizer

        folder = folder or prepare_encoder()
        self.encoder = ctranslate2.Encoder(
            str(folder), device="cpu", compute_type=COMPUTE_TYPE, intra_threads=os.cpu_count() or 1
        )
        self.tokenizer = _Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # the shipped file pads to 128, which spoils mean pooling
        self.tokenizer.no_truncation()

    def similarity(self, first: str, second: str) -> float:
        return self.similarities([(first, second)])[0]

    def similarities(self, pairs: list[tuple[str, str]]) -> list[float]:
        """Cosine similarity of each pair's embeddings, in batches."""
        import numpy as np

        texts = [text for pair in pairs for text in pair]
        vectors = []
        for start in range(0, len(texts), BATCH * 2):
            tokens = [self.tokenizer.encode(text).tokens[:512] for text in texts[start : start + BATCH * 2]]
            hidden = np.array(self.encoder.forward_batch(tokens).last_hidden_state)
            for index, sequence in enumerate(tokens):
                vector = hidden[index, : len(sequence)].mean(axis=0)
                vectors.append(vector / np.linalg.norm(vector))
        return [float(vectors[2 * i] @ vectors[2 * i + 1]) for i in range(len(pairs))]
