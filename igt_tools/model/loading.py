"""Model folders and hub ids -> (model, tokenizer, metadata); and saving a model folder.

Published PolyGloss and GlossLM checkpoints name a custom architecture
(`PolyGlossSeq2Seq`) with an `auto_map` to code shipped with the model. That
code only subclasses T5ForConditionalGeneration, so we never run it: the
config is read as plain JSON into a T5Config, the model is built from
transformers' own class, and the weights are read as tensors (safetensors,
or torch.load with weights_only=True), never unpickled as objects.
"""

import json
import os
import pickle
import re
from pathlib import Path

from ..core.errors import ModelError, OptionError
from . import folder_checks
from .folder_checks import first_line, listed, pickle_refusal
from .metadata import ModelMetadata

# Only data files come from the hub, never code.
HUB_PATTERNS = ["*.json", "*.safetensors", "*.csv", "*.txt"]
HUB_BIN_PATTERNS = ["pytorch_model*.bin"]
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$", re.ASCII)  # the hub's names are ASCII

# Config keys that point at code or at another class: dropped, so nothing can load them.
REMOTE_CODE_KEYS = ("architectures", "auto_map", "custom_pipelines", "trust_remote_code")
# The settings files of a folder we write: none may ask anyone to run code.
SETTINGS_FILES = ("config.json", "tokenizer_config.json", "generation_config.json", "special_tokens_map.json")

# Keys that T5ForConditionalGeneration derives from `shared.weight` when a checkpoint leaves them out.
EMBEDDING_KEYS = folder_checks.EMBEDDING_COPIES


def load_model(name_or_path, device="cpu", dtype=None, adapter=None, digest=False):
    """(model, tokenizer, metadata) from a local folder or a Hugging Face hub id.

    `dtype`: a torch dtype or its name ("float32", "bfloat16", "float16");
    None keeps float32. The model is returned in eval mode on `device`.
    `adapter`: an igt-lora adapter folder, checked against these weights and
    applied; the metadata is then the adapter's, with the model's as `.base`.
    `digest` (implied by `adapter`): set `metadata.weights_digest`.
    """
    folder = resolve(name_or_path)
    data = read_config_json(folder)
    # The config must fit the weights before anything is built from it (or many bytes read).
    header = safetensors_shapes(folder)
    if header is not None:
        folder_checks.check_against_weights(data, *header, str(folder), _ignored_keys())
    state = read_weights(folder)
    if header is None:
        shapes = {name: tuple(tensor.shape) for name, tensor in state.items()}
        folder_checks.check_against_weights(data, shapes, "the weights", str(folder), _ignored_keys())
    generation_config = read_generation_config(folder, data["vocab_size"])
    tokenizer = load_tokenizer(folder, data["vocab_size"])
    metadata = ModelMetadata.read(folder)
    if digest or adapter is not None:
        metadata.weights_digest = weights_digest(state)
    model = build_model(config_from(data, folder), state, _dtype(dtype), source=str(folder),
                        tied_head=data.get("tie_word_embeddings"))
    del state
    if generation_config is not None:
        model.generation_config = generation_config
    if adapter is not None:
        from . import lora

        model, metadata = lora.apply_adapter(model, metadata, adapter)
    model.to(device)
    model.eval()
    return model, tokenizer, metadata


def resolve(name_or_path):
    """A local folder as is; a hub id downloaded (data files only) to the local cache. Neither: one
    ModelError line. The commands resolve --model before they read any input, so it comes at once."""
    folder = local_folder(name_or_path)
    return folder if folder is not None else download(str(name_or_path))


def local_folder(name_or_path):
    """The local folder a model name names, or None for a hub id to download. A name that is neither
    (a file, or a missing path that cannot be a hub id) is a ModelError, without the network."""
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    if path.exists():
        raise ModelError("not a model folder (expected a folder with config.json)", str(name_or_path))
    if not looks_like_hub_id(str(name_or_path)):
        raise ModelError("no such model folder", str(name_or_path))
    return None


def looks_like_hub_id(name):
    """`owner/name`, and not a local path: no ./, ../, ~ or absolute path, and the owner is no folder here
    (`models/typo` is a mistyped folder, not a model of a hub user called models)."""
    # The hub's own rules too: at most 96 characters a name, no `--` or `..` in it.
    if not HUB_ID.match(name) or "--" in name or ".." in name or max(map(len, name.split("/"))) > 96:
        return False
    owner = name.split("/")[0]
    return owner not in (".", "..") and not Path(owner).exists()


def download(repo_id):
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(repo_id, allow_patterns=HUB_PATTERNS))
        if not any(folder.glob("*.safetensors")):
            folder = Path(snapshot_download(repo_id, allow_patterns=HUB_PATTERNS + HUB_BIN_PATTERNS))
    except Exception as err:  # network, authentication, missing repository: one line either way
        raise ModelError(f"no such model folder here, and the Hugging Face hub cannot provide it: {_hub_failure(err)}",
                         repo_id) from None
    return folder


def _hub_failure(err):
    """Why the hub could not provide a model, in a few words (its own messages run to several lines,
    with advice on settings)."""
    from huggingface_hub.errors import (GatedRepoError, LocalEntryNotFoundError, OfflineModeIsEnabled,
                                       RepositoryNotFoundError)

    if isinstance(err, GatedRepoError):
        return "it is gated (ask for access on its page, then log in: hf auth login)"
    if isinstance(err, RepositoryNotFoundError):
        return "no such model there (or a private one: log in with hf auth login)"
    if isinstance(err, LocalEntryNotFoundError):
        cause = err.__cause__
        if isinstance(cause, OfflineModeIsEnabled):
            return "offline (HF_HUB_OFFLINE is set), and it is not in the local cache"
        if cause is not None:
            why = f"{type(cause).__name__}: {first_line(cause)[:160]}"
            return f"cannot reach it ({why}), and it is not in the local cache"
    return f"{type(err).__name__}: {first_line(err)[:160]}"


def read_config_json(folder):
    """config.json as a dict, checked to describe a T5 model."""
    data = folder_checks.read_json_object(Path(folder) / "config.json", folder)
    if data is None:
        raise ModelError("not a model folder: no config.json", str(folder))
    if not all(key in data for key in ("d_model", "num_layers", "vocab_size")):
        raise ModelError("config.json does not describe a T5 model (d_model, num_layers, vocab_size)", str(folder))
    folder_checks.check_config(data, str(folder))
    return data


def config_from(data, folder):
    """T5Config from config.json's dict, without the keys that would name remote code."""
    from transformers import T5Config

    data = dict(data)
    for key in REMOTE_CODE_KEYS:
        data.pop(key, None)
    data["model_type"] = "t5"
    for key in ("transformers_version", "_name_or_path", "torch_dtype", "dtype"):
        data.pop(key, None)
    try:
        config = T5Config(**data)
    except (TypeError, ValueError) as err:
        raise ModelError(f"config.json: {err}", str(folder)) from None
    if isinstance(data.get("scale_decoder_outputs"), bool):
        # written by transformers 5, whose T5Config derives it from tie_word_embeddings
        config.scale_decoder_outputs = data["scale_decoder_outputs"]
    config.architectures = ["T5ForConditionalGeneration"]
    return config


def read_generation_config(folder, vocab_size):
    """generation_config.json -> GenerationConfig, as `from_pretrained` reads it; None without the file.

    The decoder honours what it supports (length_penalty, early_stopping, the
    special token ids) and refuses the rest, so it must see what the folder says.
    """
    from transformers import GenerationConfig
    from transformers.utils import logging as hf_logging

    data = folder_checks.read_json_object(Path(folder) / "generation_config.json", folder)
    if data is None:
        return None
    folder_checks.check_token_ids(data, vocab_size, "generation_config.json", str(folder))
    # transformers warns on stderr about beam settings in a config of one beam; igt-gloss sets the beams itself.
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        return GenerationConfig.from_dict(data)
    except (TypeError, ValueError) as err:
        raise ModelError(f"generation_config.json: {first_line(err)}", str(folder)) from None
    finally:
        hf_logging.set_verbosity(verbosity)


def safetensors_shapes(folder):
    """({tensor name: shape}, file name) from the safetensors headers of the folder's weights
    (one file or shards), reading no tensor; None when the weights are a pytorch_model.bin."""
    folder = Path(folder)
    if (folder / "model.safetensors").is_file():
        return folder_checks.safetensors_shapes(folder / "model.safetensors"), "model.safetensors"
    index_path = folder / "model.safetensors.index.json"
    if (folder / "pytorch_model.bin").is_file() or not index_path.is_file():
        return None
    shapes = {}
    for shard in _shards(folder, index_path):
        if not (folder / shard).is_file():
            raise ModelError(f"missing weight file {shard}", str(folder))
        shapes.update(folder_checks.safetensors_shapes(folder / shard))
    return shapes, "the safetensors shards"


def _shards(folder, index_path):
    """The weight files an index names."""
    try:
        weight_map = json.loads(index_path.read_text(encoding="utf-8"))["weight_map"]
        shards = sorted(set(weight_map.values()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as err:
        raise ModelError(f"cannot read {index_path.name}: {first_line(err)}", str(folder)) from None
    # A shard is a file in the folder, never a path out of it.
    if not all(isinstance(s, str) and s and Path(s).name == s for s in shards):
        raise ModelError(f"{index_path.name} names weight files outside the folder", str(folder))
    return shards


def _ignored_keys():
    """Weights that transformers' T5 leaves out when loading (a relative bias T5 never uses)."""
    from transformers import T5ForConditionalGeneration

    return tuple(T5ForConditionalGeneration._keys_to_ignore_on_load_unexpected or ())


def read_weights(folder):
    """{name: tensor} from model.safetensors (one file or sharded) or pytorch_model.bin."""
    folder = Path(folder)
    for index_name, single_name in (
        ("model.safetensors.index.json", "model.safetensors"),
        ("pytorch_model.bin.index.json", "pytorch_model.bin"),
    ):
        if (folder / single_name).is_file():
            return _read_weight_file(folder / single_name)
        if (folder / index_name).is_file():
            return _read_sharded(folder, folder / index_name)
    raise ModelError("no weights (model.safetensors or pytorch_model.bin)", str(folder))


def _read_sharded(folder, index_path):
    state = {}
    for shard in _shards(folder, index_path):
        state.update(_read_weight_file(folder / shard))
    return state


def _read_weight_file(path):
    import torch

    if not path.is_file():
        raise ModelError(f"missing weight file {path.name}", str(path.parent))
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path), device="cpu")
        # weights_only: tensors and plain containers only; pickled code is refused.
        return torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        raise ModelError(pickle_refusal(path.name, err), str(path.parent)) from None
    except Exception as err:
        problem = f"cannot read weights from {path.name}: {type(err).__name__}: {first_line(err)}"
        raise ModelError(problem, str(path.parent)) from None


def build_model(config, state, dtype=None, source="model", tied_head=None):
    """T5ForConditionalGeneration with exactly the weights in `state`.

    ByT5 checkpoints store `shared.weight` once (the encoder and decoder
    embeddings are the same tensor) and their own `lm_head.weight`; older
    files may store every copy. Anything missing or left over is an error:
    a half-loaded model would gloss nonsense without a word of warning.
    `tied_head`: config.json's `tie_word_embeddings` as written (transformers
    5 forces the config's to True), None when it says nothing.
    """
    import torch
    from transformers import T5ForConditionalGeneration

    state = folder_checks.with_shared_embedding(state)
    for key in EMBEDDING_KEYS:
        copy = state.pop(key, None)
        if copy is not None and "shared.weight" in state and not torch.equal(copy, state["shared.weight"]):
            raise ModelError(f"{key} differs from shared.weight: not a T5 checkpoint this loader understands", source)
    for key in T5ForConditionalGeneration._keys_to_ignore_on_load_unexpected or ():
        state.pop(key, None)
    lm_head = state.pop("lm_head.weight", None)
    separate_head = lm_head is not None and not (
        "shared.weight" in state and torch.equal(lm_head, state["shared.weight"])
    )
    # T5 v1.1 / ByT5 configs (tie_word_embeddings false) need their own output layer. transformers 5
    # writes `tie_word_embeddings: true` for every T5 and leaves a tied head out, whether or not
    # the decoder output is rescaled: such a head is the embedding, as transformers loads it.
    declared_separate = tied_head is False or (tied_head is None and not scales_decoder_outputs(config))
    if lm_head is None and declared_separate:
        raise ModelError("missing keys: lm_head.weight", source)

    # Built on the meta device (no time spent on a random initialisation), then given the real tensors.
    with torch.device("meta"):
        model = T5ForConditionalGeneration(config)
    expected = {name for name, _ in model.named_parameters()} | {name for name, _ in model.named_buffers()}
    expected -= set(EMBEDDING_KEYS) | {"lm_head.weight"}
    missing = sorted(expected - set(state))
    unexpected = sorted(set(state) - expected)
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f"missing keys: {listed(missing)}")
        if unexpected:
            problems.append(f"unexpected keys: {listed(unexpected)}")
        raise ModelError("weights do not fit a T5 model of this config (" + "; ".join(problems) + ")", source)
    target = dtype or torch.float32
    state = {name: tensor.to(target) if tensor.is_floating_point() else tensor for name, tensor in state.items()}
    try:
        model.load_state_dict(state, strict=False, assign=True)
    except RuntimeError as err:  # shape mismatches
        raise ModelError(f"weights do not fit the config: {first_line(err)}", source) from None
    model.encoder.embed_tokens.weight = model.shared.weight
    model.decoder.embed_tokens.weight = model.shared.weight
    if separate_head:
        untie_lm_head(model, lm_head.to(target))
    else:
        model.lm_head.weight = model.shared.weight
    return model


def scales_decoder_outputs(config):
    """Original T5 (tied output layer) rescales the decoder output; T5 v1.1 and ByT5 do not.

    transformers 5 keeps this in `scale_decoder_outputs`; earlier versions read it
    from `tie_word_embeddings`.
    """
    return getattr(config, "scale_decoder_outputs", config.tie_word_embeddings)


def untie_lm_head(model, weight):
    """Give the model its own output layer (ByT5 style), initialised from `weight`."""
    import torch

    model.lm_head.weight = torch.nn.Parameter(weight.detach().clone().to(model.shared.weight.dtype))
    # transformers would otherwise treat lm_head as a copy of shared.weight when saving.
    tied = getattr(model, "all_tied_weights_keys", None)
    if isinstance(tied, dict):
        tied.pop("lm_head.weight", None)


def weights_digest(state):
    """sha256 over a checkpoint's tensors as stored (names, dtypes, shapes, bytes), in name order.

    The same weights give the same digest whether they come as safetensors,
    shards or a .bin file; an adapter records its base model's.
    """
    import hashlib

    import torch

    h = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name]
        h.update(f"{name}\0{tensor.dtype}\0{tuple(tensor.shape)}\0".encode("utf-8"))
        h.update(tensor.detach().contiguous().reshape(-1).view(torch.uint8).numpy().data)
    return "sha256:" + h.hexdigest()


def has_separate_head(model):
    return model.lm_head.weight is not model.shared.weight


def load_tokenizer(folder, vocab_size=None):
    """ByT5Tokenizer (it needs no vocabulary file); the folder's special-token settings if any,
    checked first to name only ids of the model's `vocab_size`."""
    from transformers import ByT5Tokenizer

    folder = Path(folder)
    if vocab_size is not None:
        folder_checks.check_tokenizer_settings(folder, vocab_size)
    if (folder / "tokenizer_config.json").is_file() or (folder / "special_tokens_map.json").is_file():
        try:
            return ByT5Tokenizer.from_pretrained(str(folder))
        except Exception as err:
            raise ModelError(f"cannot read the tokenizer settings: {type(err).__name__}: {first_line(err)}",
                             str(folder)) from None
    return ByT5Tokenizer()


def save_model(model, tokenizer, folder, metadata=None):
    """Write a normal Hugging Face model folder (safetensors) plus igt_tools.json.

    config.json says `tie_word_embeddings: false` when the output layer is
    separate, so every transformers version (and the published loaders)
    reads the folder as ByT5.
    """
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # stderr is ours: no "Writing model shards" bars
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model = getattr(model, "module", model)  # a DistributedDataParallel wrapper
    model.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tie_word_embeddings"] = not has_separate_head(model)
    if scales_decoder_outputs(model.config) == config["tie_word_embeddings"]:
        config.pop("scale_decoder_outputs", None)  # every transformers derives it from the tie
    else:  # a tied head without rescaling (or the reverse): said, so that no version guesses it
        config["scale_decoder_outputs"] = scales_decoder_outputs(model.config)
    tmp = config_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, config_path)
    for name in SETTINGS_FILES:
        _drop_code_keys(folder / name)
    if metadata is not None:
        metadata.write(folder)


def _drop_code_keys(path):
    """Rewrite a settings file without auto_map, trust_remote_code and the like, which a base model's
    files may carry into ours through transformers' save_pretrained (architectures is ours: T5)."""
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = [key for key in REMOTE_CODE_KEYS if key != "architectures" and key in data]
    if not keys:
        return
    for key in keys:
        del data[key]
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _dtype(dtype):
    import torch

    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    names = {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
             "float16": torch.float16, "fp16": torch.float16}
    if dtype not in names:
        raise ValueError(f"unknown dtype {dtype!r} (choose from float32, bfloat16, float16)")
    return names[dtype]


def save_merged(model_name, adapter, out):
    """Write the model with the adapter's updates in its weights to the folder `out` (a Path), atomically."""
    import shutil

    from . import lora
    from .metadata import REGRESSIONS_CSV

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OptionError(f"{out} already exists and is not empty: give another --out")
    base, tokenizer, base_metadata = load_model(model_name, digest=True)
    wrapped, adapter_metadata = lora.load_adapter(base, base_metadata, adapter)
    merged = lora.merge(wrapped)
    tmp = out.parent / f".tmp-{out.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    save_model(merged, tokenizer, tmp, lora.merged_metadata(adapter_metadata, adapter))
    calibration = Path(base_metadata.tables_folder) / REGRESSIONS_CSV
    if base_metadata.calibration and calibration.is_file():
        shutil.copy2(calibration, tmp / REGRESSIONS_CSV)  # estimates as for the model with the adapter
    if out.exists():
        out.rmdir()
    os.replace(tmp, out)
