"""A model folder copied with its weights in bf16: half the bytes, to bring a GPU-trained model back.

    python training/bf16_copy.py SOURCE TARGET

Every file of SOURCE is copied into TARGET, model.safetensors with each tensor cast to bf16.
igt-gloss loads such a folder in float32 (igt_tools.model.loading). Used by gpu.sh and
gpu_context.sh on the GPU machine.
"""

import shutil
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def main(source, target):
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.is_file() and path.name != "model.safetensors":
            shutil.copy(path, target / path.name)
    tensors = {k: v.to(torch.bfloat16).contiguous() for k, v in load_file(source / "model.safetensors").items()}
    save_file(tensors, target / "model.safetensors", metadata={"format": "pt"})


if __name__ == "__main__":
    main(*sys.argv[1:])
