"""Loading the local models: converted once into the cache folder, then loaded with CTranslate2 on the
CPU. Users may bring their own CTranslate2 generator with a sentencepiece or tokenizers tokenizer."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

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
    try:
        return HuggingFaceTokenizer(path) if path.suffix == ".json" else SentencePieceTokenizer(path)
    except ImportError as exc:
        raise ModelUnavailable(f"reading {path} needs {exc.name}: pip install 'cleaner[neural]'") from exc
    except Exception as exc:  # both libraries raise bare Exception / RuntimeError for a damaged file
        raise ModelUnavailable(f"cannot read the tokenizer {path}: {exc}") from exc


def language_model_dir() -> Path:
    return cache_dir() / "models" / LM_NAME


LoadError = (RuntimeError, ValueError, OSError, ModelUnavailable)
"""What loading a damaged model raises: CTranslate2 reports a truncated ``model.bin`` as RuntimeError."""
T = TypeVar("T")


def _convert(folder: Path, convert: Callable[[Path], object]) -> None:
    """Convert into ``folder``; whatever goes wrong becomes ModelUnavailable, which the CLI reports."""
    try:
        convert(folder)
    except ModelUnavailable:
        raise
    except ImportError as exc:
        raise ModelUnavailable(f"converting the model needs: pip install 'cleaner[neural]' ({exc})") from exc
    except Exception as exc:  # a damaged source file: gguf, safetensors and CTranslate2 raise anything
        message = f"cannot convert the model into {folder}: {type(exc).__name__}: {exc}"
        raise ModelUnavailable(message) from exc


def _prepared(folder: Path, convert: Callable[[Path], object]) -> Path:
    """``folder`` holding a converted model, converting into it first when it has none."""
    if not (folder / "model.bin").is_file():
        _convert(folder, convert)
    return folder


def _load_cached(folder: Path, load: Callable[[Path], T], convert: Callable[[Path], object]) -> T:
    """Load the model cleaner converted into its cache folder, converting it first if need be.

    A converted model that will not load (truncated by a full disk or a crash outside cleaner's atomic
    write, say) is moved aside and converted again, once: it is cleaner's own derived file, so repairing
    it beats telling the user to.
    """
    _require_packages()
    _prepared(folder, convert)
    try:
        return load(folder)
    except LoadError as exc:
        try:
            aside = _move_aside(folder)
        except OSError as move:
            raise ModelUnavailable(
                f"the converted model in {folder} will not load ({exc}) and cannot be moved aside ({move}); "
                f"delete the folder and run `cleaner setup`"
            ) from exc
        print(
            f"warning: the converted model in {folder} would not load ({exc}); moved it to {aside} and "
            "converting it again",
            file=sys.stderr,
        )
        _convert(folder, convert)
    try:
        return load(folder)
    except LoadError as exc:
        raise ModelUnavailable(f"the model converted again into {folder} still will not load: {exc}") from exc


def _move_aside(folder: Path) -> Path:
    """Rename ``folder`` to a new ``….corrupt-DATE[-N]`` beside it (kept for a post-mortem) and return
    the new name; never onto an earlier one."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        aside = folder.with_name(f"{folder.name}.corrupt-{stamp}" + (f"-{attempt}" if attempt else ""))
        if not aside.exists():
            folder.rename(aside)
            return aside
    raise OSError(f"too many {folder.name}.corrupt-{stamp}* folders beside it")


def _load_given(folder: Path, load: Callable[[Path], T]) -> T:
    """Load a model the user named (``[tool.cleaner.neural] model``): never converted or moved by cleaner."""
    _require_packages()
    if not (folder / "model.bin").is_file():
        state = (
            "does not exist"
            if not folder.exists()
            else ("is not a folder" if not folder.is_dir() else "holds no model.bin")
        )
        raise ModelUnavailable(
            f"no CTranslate2 model in {folder}: it {state} (check [tool.cleaner.neural] model; "
            "leave it unset for the bundled model)"
        )
    try:
        return load(folder)
    except LoadError as exc:
        raise ModelUnavailable(
            f"cannot load the CTranslate2 model in {folder}: {exc} (a truncated or corrupt model.bin? "
            "convert it again)"
        ) from exc


def _convert_language_model(folder: Path) -> None:
    convert_gguf_llama(smollm_gguf(), folder)


def _require_packages() -> None:
    """A missing package is ModelUnavailable before any loading: it must not pass for a damaged model."""
    for package in ("ctranslate2", "tokenizers"):
        try:
            __import__(package)
        except ImportError as exc:
            message = f"the neural stage needs {package}: pip install 'cleaner[neural]'"
            raise ModelUnavailable(message) from exc


def _load_generator(folder: Path) -> Any:
    import ctranslate2

    return ctranslate2.Generator(
        str(folder), device="cpu", compute_type=COMPUTE_TYPE, intra_threads=os.cpu_count() or 1
    )


def prepare_language_model() -> Path:
    """The converted SmolLM2 model folder, converting it from the wheel's GGUF file on first use; a
    converted model that will not load is converted again (what ``cleaner setup`` relies on)."""
    folder = language_model_dir()
    _load_cached(folder, _load_generator, _convert_language_model)
    return folder


class LanguageModel:
    """Scores text by its log-probability under a causal language model (higher: more fluent)."""

    def __init__(
        self, folder: Path | None = None, tokenizer: Path | None = None, start_token: str = "<|endoftext|>"
    ):
        def load(folder: Path) -> tuple[Any, Tokenizer | None]:
            """The generator, and the tokenizer beside it unless another was named (a bad one of those
            is the user's to fix, not a reason to convert the cached model again)."""
            return _load_generator(folder), None if tokenizer else load_tokenizer(folder / "tokenizer.json")

        if folder is None:
            self.generator, own = _load_cached(language_model_dir(), load, _convert_language_model)
        else:
            self.generator, own = _load_given(folder, load)
        if own is None:
            assert tokenizer is not None  # load() leaves the tokenizer out only when one is named
            own = load_tokenizer(tokenizer)
        self.tokenizer = own
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

    def token_log_probs(self, texts: list[str]) -> list[list[float]]:
        """Each text's log-probability (nats) token by token, its first token first.

        ``score`` sums these; detectors that judge how readable a stretch of text is need them one by
        one (a mean per token does not grow with length, and the first tokens, scored without context,
        can be left out).
        """
        found: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            batch = [
                [self.start_token, *self.tokenizer.tokens(text)] for text in texts[start : start + BATCH]
            ]
            found.extend(list(result.log_probs) for result in self.generator.score_batch(batch))
        return found


ENCODER_NAME = "all-minilm-l6-v2-int8"


def encoder_dir() -> Path:
    return cache_dir() / "models" / ENCODER_NAME


def _convert_encoder(folder: Path) -> None:
    from cleaner.neural.convert import convert_bert_encoder, minilm_folder

    convert_bert_encoder(minilm_folder(), folder)


def _load_encoder(folder: Path) -> tuple[Any, Any]:
    """The CTranslate2 encoder and its tokenizer (tokenizers' own, for its padding settings)."""
    import ctranslate2
    from tokenizers import Tokenizer as _Tokenizer

    encoder = ctranslate2.Encoder(
        str(folder), device="cpu", compute_type=COMPUTE_TYPE, intra_threads=os.cpu_count() or 1
    )
    path = folder / "tokenizer.json"
    try:
        return encoder, _Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises bare Exception for a damaged file
        raise ModelUnavailable(f"cannot read the tokenizer {path}: {exc}") from exc


def prepare_encoder() -> Path:
    """The converted all-MiniLM-L6-v2 encoder folder, converting it from the wheel on first use; a
    converted encoder that will not load is converted again."""
    folder = encoder_dir()
    _load_cached(folder, _load_encoder, _convert_encoder)
    return folder


class SentenceEncoder:
    """Sentence embeddings (mean-pooled, normalised), to tell how far a repair moves the meaning."""

    def __init__(self, folder: Path | None = None) -> None:
        if folder is None:
            self.encoder, self.tokenizer = _load_cached(encoder_dir(), _load_encoder, _convert_encoder)
        else:
            self.encoder, self.tokenizer = _load_given(folder, _load_encoder)
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
