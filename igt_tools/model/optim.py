"""Optimiser and learning-rate schedule: linear warm-up, then cosine decay to a floor.

The paper: AdamW or Adafactor, weight decay 0.01, cosine from 5e-5 down to
1e-5 (a floor of 0.2 of the peak) after 3% linear warm-up.
"""

import math

OPTIMIZERS = ("adamw", "adafactor")


def build_optimizer(name, model, lr, weight_decay):
    """AdamW or Adafactor over the model's parameters; norms are not decayed."""
    import torch

    decay, no_decay = [], []
    for param in model.parameters():
        if param.requires_grad:
            (decay if param.ndim >= 2 else no_decay).append(param)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if name == "adamw":
        # On a GPU the fused kernel: one launch for every parameter instead of several per tensor
        # (measured by benchmarks/training_speed.py, training/gpu.sh).
        fused = all(param.is_cuda for group in groups for param in group["params"]) and bool(decay + no_decay)
        return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8, fused=fused or None)
    if name == "adafactor":
        from transformers.optimization import Adafactor

        # a fixed, scheduled learning rate rather than Adafactor's own relative steps
        return Adafactor(groups, lr=lr, scale_parameter=False, relative_step=False, warmup_init=False)
    raise ValueError(f"unknown optimizer {name!r} (choose from {', '.join(OPTIMIZERS)})")


def lr_factor(progress, warmup, floor):
    """Multiplier of the peak learning rate once `progress` (0..1) of the run is done.

    Step n of N (from 0) is at progress (n + 1) / N, so the first step learns
    and the last one is at the floor. `warmup`: share of the run warming up.
    """
    progress = min(1.0, progress)
    if progress < warmup:
        return progress / warmup
    decay = (progress - warmup) / (1 - warmup)
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * decay))


def set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr
