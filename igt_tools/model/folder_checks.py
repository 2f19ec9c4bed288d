"""A model folder's settings checked before anything is built from them.

A folder from the hub is untrusted data: a config of a million layers would
build for ever, a negative size or a float where an int belongs ends in a
traceback deep in torch, a token id past the vocabulary in an IndexError
while decoding, a tokenizer asking for a billion extra ids in an
out-of-memory kill. So every size and id is checked for type and range, and
the model the config describes must have exactly as many parameters as the
weights file holds: its safetensors header says so without reading a
tensor. Each problem is one ModelError naming the file and the setting.
"""

import json
import math
import re
import struct
from pathlib import Path

from ..core.errors import ModelError

# Generous bounds: the largest published T5 (XXL) and ByT5 models are far inside them.
MAX_LAYERS = 256
SIZES = {  # config.json key -> (smallest, largest)
    "vocab_size": (1, 1 << 22),
    "d_model": (1, 1 << 16),
    "d_kv": (1, 1 << 14),
    "d_ff": (1, 1 << 18),
    "num_heads": (1, 1 << 10),
    "num_layers": (1, MAX_LAYERS),
    "num_decoder_layers": (1, MAX_LAYERS),
    "relative_attention_num_buckets": (1, 1 << 12),
    "relative_attention_max_distance": (1, 1 << 20),
}
DEFAULTS = {"d_kv": 64, "d_ff": 2048, "num_heads": 8, "relative_attention_num_buckets": 32,
            "relative_attention_max_distance": 128}
TOKEN_IDS = ("pad_token_id", "eos_token_id", "bos_token_id", "decoder_start_token_id", "unk_token_id",
             "sep_token_id", "forced_bos_token_id", "forced_eos_token_id")
BYTE_IDS = 3 + 256  # a ByT5 tokenizer's specials and bytes, before its extra ids
MAX_HEADER_BYTES = 100_000_000  # the safetensors library's own limit

# Stored beside shared.weight by older checkpoints, or left over: not parameters of their own.
EMBEDDING_COPIES = ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight")
HEAD = "lm_head.weight"


def check_config(data, source):
    """config.json's sizes and ids: integers (not true/false, not 2.5) within SIZES; ids within the vocabulary."""
    for key, (low, high) in SIZES.items():
        if key == "num_decoder_layers" and data.get(key) is None:
            continue
        value = data.get(key, DEFAULTS.get(key))
        _check_int(value, low, high, f"config.json: {key}", source)
    proj = data.get("feed_forward_proj", "relu")
    if not isinstance(proj, str) or not proj:
        raise ModelError(f"config.json: feed_forward_proj must be a name such as gated-gelu, not {_shown(proj)}", source)
    for key in ("dropout_rate", "layer_norm_epsilon"):
        value = data.get(key)
        if value is not None and (not _is_number(value) or not 0 <= value <= 1):
            raise ModelError(f"config.json: {key} must be a number from 0 to 1, not {_shown(value)}", source)
    check_token_ids(data, data["vocab_size"], "config.json", source)


def check_token_ids(data, vocab_size, file, source):
    """The special token ids a config or generation config sets: null, or ids the vocabulary has."""
    for key in TOKEN_IDS:
        value = data.get(key)
        for token_id in value if isinstance(value, list) else [value]:
            if token_id is not None:
                _check_int(token_id, 0, vocab_size - 1, f"{file}: {key}", source, "(the vocabulary's ids)")


def expected_shapes(data):
    """{parameter name: shape} of the T5 model of this (checked) config, as transformers names them,
    without the output layer; so the weights can be checked against the config before a model is built."""
    d_model, heads, d_kv, d_ff = data["d_model"], *(data.get(k, DEFAULTS[k]) for k in ("num_heads", "d_kv", "d_ff"))
    inner = heads * d_kv
    gated = data.get("feed_forward_proj", "relu").split("-")[0] == "gated"
    buckets = data.get("relative_attention_num_buckets", DEFAULTS["relative_attention_num_buckets"])
    shapes = {"shared.weight": (data["vocab_size"], d_model)}

    def attention(prefix, position_bias):
        shapes.update({f"{prefix}.{n}.weight": (inner, d_model) for n in ("q", "k", "v")})
        shapes[f"{prefix}.o.weight"] = (d_model, inner)
        if position_bias:
            shapes[f"{prefix}.relative_attention_bias.weight"] = (buckets, heads)

    def feed_forward(prefix):
        for name in ("wi_0", "wi_1") if gated else ("wi",):
            shapes[f"{prefix}.DenseReluDense.{name}.weight"] = (d_ff, d_model)
        shapes[f"{prefix}.DenseReluDense.wo.weight"] = (d_model, d_ff)

    for stack, layers in (("encoder", data["num_layers"]), ("decoder", data.get("num_decoder_layers") or data["num_layers"])):
        for i in range(layers):
            block = f"{stack}.block.{i}.layer"
            attention(f"{block}.0.SelfAttention", position_bias=i == 0)
            if stack == "decoder":
                attention(f"{block}.1.EncDecAttention", position_bias=False)
            sublayers = 3 if stack == "decoder" else 2
            feed_forward(f"{block}.{sublayers - 1}")
            shapes.update({f"{block}.{n}.layer_norm.weight": (d_model,) for n in range(sublayers)})
        shapes[f"{stack}.final_layer_norm.weight"] = (d_model,)
    return shapes


def check_against_weights(data, shapes, weights_name, source, ignored=()):
    """The config must describe the weights, tensor for tensor: the same names and shapes (so as
    many parameters), and an output layer, if stored, of [vocab_size, d_model]."""
    expected = expected_shapes(data)
    stored = _without_copies(shapes, ignored)
    missing = sorted(set(expected) - set(stored))
    unexpected = sorted(set(stored) - set(expected))
    wrong = sorted(name for name in set(expected) & set(stored) if tuple(stored[name]) != expected[name])
    if missing or unexpected or wrong:
        problems = [f"missing keys: {listed(missing)}"] if missing else []
        problems += [f"unexpected keys: {listed(unexpected)}"] if unexpected else []
        problems += [f"{name} is {list(stored[name])}, the config says {list(expected[name])}" for name in wrong[:1]]
        count = lambda table: sum(math.prod(shape) for shape in table.values())  # noqa: E731
        raise ModelError(f"the weights do not fit config.json ({'; '.join(problems)}): the config describes "
                         f"{count(expected):,} parameters, {weights_name} holds {count(stored):,}", source)
    head = shapes.get(HEAD)
    if head is not None and tuple(head) != (data["vocab_size"], data["d_model"]):
        raise ModelError(f"{weights_name}: {HEAD} is {list(head)}, not [vocab_size, d_model] "
                         f"= [{data['vocab_size']}, {data['d_model']}]", source)


def with_shared_embedding(weights):
    """A copy of {name: tensor or shape} with shared.weight, taken from an embedding copy's name
    in checkpoints that keep it only there."""
    weights = dict(weights)
    if "shared.weight" not in weights:
        for key in EMBEDDING_COPIES:
            if key in weights:
                weights["shared.weight"] = weights[key]
                break
    return weights


def _without_copies(shapes, ignored):
    """The stored shapes as parameters: without the output layer, embedding copies and `ignored` names."""
    skipped = set(EMBEDDING_COPIES) | {HEAD} | set(ignored)
    return {name: shape for name, shape in with_shared_embedding(shapes).items() if name not in skipped}


def listed(keys, most=5):
    shown = ", ".join(keys[:most])
    return shown + (f" and {len(keys) - most} more" if len(keys) > most else "")


def safetensors_shapes(path):
    """{tensor name: shape} from a .safetensors file's header, reading no tensor."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as stream:
        prefix = stream.read(8)
        length = struct.unpack("<Q", prefix)[0] if len(prefix) == 8 else None
        if length is None or length > min(MAX_HEADER_BYTES, size - 8):
            raise ModelError(f"{path.name} is not a safetensors file (its header length is wrong)", str(path.parent))
        try:
            header = json.loads(stream.read(length))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ModelError(f"{path.name}: its header is not valid JSON", str(path.parent)) from None
    if not isinstance(header, dict):
        raise ModelError(f"{path.name}: its header is not a JSON object", str(path.parent))
    shapes = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        shape = entry.get("shape") if isinstance(entry, dict) else None
        if not isinstance(shape, list) or not all(_is_int(n) and n >= 0 for n in shape):
            raise ModelError(f"{path.name}: tensor {name!r} has no valid shape", str(path.parent))
        shapes[name] = tuple(shape)
    return shapes


def check_tokenizer_settings(folder, vocab_size):
    """tokenizer_config.json and added_tokens.json may only name ids the model's vocabulary has."""
    folder = Path(folder)
    config = read_json_object(folder / "tokenizer_config.json", folder)
    if config is not None:
        extra = config.get("extra_ids")
        if extra is not None:
            _check_int(extra, 0, max(vocab_size - BYTE_IDS, 0), "tokenizer_config.json: extra_ids", str(folder),
                       f"(vocab_size {vocab_size} less ByT5's {BYTE_IDS} specials and bytes)")
        decoder = config.get("added_tokens_decoder") or {}
        if not isinstance(decoder, dict):
            raise ModelError("tokenizer_config.json: added_tokens_decoder must be an object", str(folder))
        for key in decoder:
            token_id = int(key) if key.isdigit() and len(key) < 12 else key
            _check_int(token_id, 0, vocab_size - 1, "tokenizer_config.json: added_tokens_decoder id", str(folder),
                       "(the vocabulary's ids)")
    added = read_json_object(folder / "added_tokens.json", folder)
    for token, token_id in (added or {}).items():
        _check_int(token_id, 0, vocab_size - 1, f"added_tokens.json: {token[:40]!r}", str(folder),
                   "(the vocabulary's ids)")


def read_json_object(path, folder):
    """A settings file's JSON object; None when the folder has no such file."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ModelError(f"cannot read {path.name}: {first_line(err)}", str(folder)) from None
    if not isinstance(data, dict):
        raise ModelError(f"{path.name} is not a JSON object", str(folder))
    return data


def _check_int(value, low, high, what, source, why=""):
    if not _is_int(value) or not low <= value <= high:
        raise ModelError(f"{what} must be an integer from {low:,} to {high:,}{' ' + why if why else ''}, "
                         f"not {_shown(value)}", source)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value):
    text = json.dumps(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def first_line(err):
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def pickle_refusal(name, err):
    """One line for a weights file that torch's weights-only unpickler refused. Its own message
    is many lines that advise loading the file unsafely: not advice to pass on."""
    found = re.search(r"(?:GLOBAL|global)\s+([\w.]+)", str(err))
    what = f"it names {found.group(1)}" if found else first_line(err)[:120]
    return f"refused {name}: it holds pickled objects, not only tensors ({what}); igt-tools never unpickles code"
