"""Where a model runs: the device and precision behind the commands' `auto`, and the batch sizes."""

import click

BATCH_TOKENS = {"cpu": 16384, "cuda": 131072}


def resolve_device(device, dtype):
    """('cpu' | 'cuda[:N]', dtype name or None) from the options' `auto`s."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif device.startswith("cuda") and not torch.cuda.is_available():
        raise click.BadParameter("no CUDA device is available here", param_hint="--device")
    if dtype == "auto":
        dtype = "bfloat16" if device.startswith("cuda") and torch.cuda.is_bf16_supported() else "float32"
    return device, dtype
