"""LoRA adapters (peft) on a model folder: a new language from a few hundred examples.

An adapter folder is what peft writes (adapter_config.json and
adapter_model.safetensors, loadable by `PeftModel.from_pretrained`) plus
igt_tools.json: the base model's task, prompts and unit, the digest of its
weights, the languages and examples trained on, dev loss and perplexity.
An adapter is only ever applied to the weights it was trained on: another
base model would run without complaint and gloss nonsense.

The paper's settings (REFERENCE.md 4): rank 8, alpha 8, dropout 0.2. The
paper does not say which layers; the default is peft's for T5, the
attention's query and value projections.
"""

import contextlib
import pickle
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..core.errors import ModelError
from .folder_checks import first_line, pickle_refusal
from .metadata import ModelMetadata

CONFIG_FILE = "adapter_config.json"
WEIGHTS_FILE = "adapter_model.safetensors"
# T5's linear layers: attention q, k, v, o; feed-forward wi (wi_0, wi_1 when gated), wo.
T5_LINEAR_MODULES = ("q", "k", "v", "o", "wi", "wi_0", "wi_1", "wo")
ALL_LINEAR = "all-linear"  # peft's name for every linear layer but the output layer


@dataclass(frozen=True)
class LoraSettings:
    rank: int = 8
    alpha: float = 8.0
    dropout: float = 0.2
    target_modules: tuple = ("q", "v")

    def check(self):
        """ValueError unless peft can use these settings on a T5."""
        if self.rank < 1:
            raise ValueError("--rank must be at least 1")
        if self.alpha <= 0:
            raise ValueError("--alpha must be positive")
        if not 0 <= self.dropout < 1:
            raise ValueError("--dropout must be within 0..1")
        unknown = [m for m in self.target_modules if m not in T5_LINEAR_MODULES + (ALL_LINEAR,)]
        if unknown or not self.target_modules or (ALL_LINEAR in self.target_modules and len(self.target_modules) > 1):
            raise ValueError(f"--target-modules: {', '.join(unknown) or 'none given'} (choose from "
                             f"{', '.join(T5_LINEAR_MODULES)}, or {ALL_LINEAR} alone)")
        return self


def is_adapter_folder(folder):
    return (Path(folder) / CONFIG_FILE).is_file()


@contextlib.contextmanager
def _quiet():
    """peft and transformers warn on stderr about things that do not concern a T5 here
    (deprecated names, embeddings no longer tied after a merge); stderr is ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def new_adapter(model, settings, seed, base_name):
    """The model wrapped in a fresh trainable LoRA adapter (the same for the same seed)."""
    import torch
    from peft import LoraConfig, get_peft_model

    settings.check()
    modules = ALL_LINEAR if settings.target_modules == (ALL_LINEAR,) else list(settings.target_modules)
    config = LoraConfig(r=settings.rank, lora_alpha=settings.alpha, lora_dropout=settings.dropout,
                        target_modules=modules, task_type="SEQ_2_SEQ_LM")
    config.base_model_name_or_path = str(base_name)
    with torch.random.fork_rng(devices=[]), _quiet():
        torch.manual_seed(seed)
        try:
            return get_peft_model(model, config)
        except ValueError as err:  # e.g. a module name this model does not have
            raise ValueError(f"--target-modules: {err}") from None


def load_adapter(model, base_metadata, folder, trainable=False):
    """(PeftModel, the adapter's metadata with `.base` set) for an adapter made for these weights.

    `base_metadata.weights_digest` must be set (loading.load_model(digest=True)).
    """
    from peft import PeftModel

    folder = Path(folder)
    metadata = check_base(folder, base_metadata)
    with _quiet():
        try:
            wrapped = PeftModel.from_pretrained(model, str(folder), is_trainable=trainable)
        except pickle.UnpicklingError as err:
            raise ModelError(pickle_refusal("the adapter's weights", err), str(folder)) from None
        except Exception as err:  # shapes or names that do not fit: one line either way
            raise ModelError(f"cannot apply the adapter: {type(err).__name__}: {first_line(err)}", str(folder)) from None
    return wrapped, metadata


def apply_adapter(model, base_metadata, folder):
    """(the model with the adapter's layers in it, the adapter's metadata): for glossing and scoring."""
    wrapped, metadata = load_adapter(model, base_metadata, folder)
    return wrapped.get_base_model(), metadata


def check_base(folder, base_metadata):
    """The adapter's metadata, or a ModelError unless it was trained on exactly these weights."""
    folder = Path(folder)
    if not folder.is_dir() or not is_adapter_folder(folder):
        raise ModelError(f"not an adapter folder (no {CONFIG_FILE})", str(folder))
    metadata = ModelMetadata.read(folder)
    recorded = (metadata.adapter or {}).get("base_digest")
    if not recorded:
        raise ModelError("no base model digest in igt_tools.json: cannot check that the adapter fits the model "
                         "(igt-lora writes it)", str(folder))
    if recorded != base_metadata.weights_digest:
        raise ModelError(f"the adapter was trained on another model ({metadata.adapter.get('base')}, weights "
                         f"{_short(recorded)}), not on these weights ({_short(base_metadata.weights_digest)})",
                         str(folder))
    metadata.base = base_metadata
    return metadata


def parameter_counts(model):
    """(trainable parameters, all parameters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


def save_adapter(model, tokenizer, folder, metadata=None):
    """peft's adapter files (safetensors) plus igt_tools.json; the tokenizer is the base model's."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model = getattr(model, "module", model)  # a DistributedDataParallel wrapper
    with _quiet():
        # save_embedding_layers=False: "auto" would look the base model up on the hub
        model.save_pretrained(str(folder), safe_serialization=True, save_embedding_layers=False)
    (folder / "README.md").unlink(missing_ok=True)  # peft's model card template, empty
    if metadata is not None:
        metadata.write(folder)


def merge(wrapped):
    """The base model with the adapter's low-rank updates added into its weights."""
    with _quiet():
        return wrapped.merge_and_unload()


def merged_metadata(adapter_metadata, adapter_folder):
    """A merged model's metadata: the adapter's figures, the languages of both, the base's calibration."""
    base = adapter_metadata.base
    languages = Counter(base.languages) + Counter(adapter_metadata.languages)
    training = dict(adapter_metadata.training, merged_adapter={**adapter_metadata.adapter, "folder": str(adapter_folder)})
    return replace(adapter_metadata, languages=dict(sorted(languages.items())), adapter=None,
                   calibration=base.calibration, training=training, base=None)


def _short(digest):
    return (digest or "unknown")[:19]
