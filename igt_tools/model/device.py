"""Where a model runs: the device and precision behind the commands' `auto`, and the batch sizes.

torch is imported inside the functions, so that a command can read these
defaults (for its --help) without loading it.
"""

from ..core.errors import OptionError

# Token budget of a batch (examples x beams x longest input) when a command is given none:
# igt-gloss's decoding and igt-score --model's perplexity.
BATCH_TOKENS = {"cpu": 16384, "cuda": 131072}


def resolve_device(name="auto"):
    """'cpu' or 'cuda[:N]' for a --device value; auto: the GPU if there is one."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise OptionError("--device cuda: no GPU is available")
    return name


def has_bfloat16(device):
    """Whether the device ('cpu', 'cuda[:N]') computes in bfloat16: a GPU that has it."""
    import torch

    return device.startswith("cuda") and torch.cuda.is_bf16_supported()


def resolve_dtype(device, dtype):
    """The precision for a --dtype value; auto: bfloat16 on a GPU that has it, else float32."""
    if dtype == "auto":
        return "bfloat16" if has_bfloat16(device) else "float32"
    return dtype


def batch_tokens(device):
    """The default token budget of a batch on this device."""
    return BATCH_TOKENS["cuda" if device.startswith("cuda") else "cpu"]
