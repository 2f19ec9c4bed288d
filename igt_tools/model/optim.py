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
        return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    if name == "adafactor":
        from transformers.optimization import Adafactor

        # a fixed, scheduled learning rate rather than Adafactor's own relative steps
        return Adafactor(groups, lr=lr, scale_parameter=False, relative_step=False, warmup_init=False)
    raise ValueError(f"unknown optimizer {name!r} (choose from {', '.join(OPTIMIZERS)})")


def lr_factor(step, total_steps, warmup_steps, floor):
    """Multiplier of the peak learning rate for optimiser step `step` (counted from 0)."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps)
    progress = min(1.0, (step - warmup_steps) / span)
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def set_lr(optimizer, lr):
    for group in optimizer.param_groups:
        group["lr"] = lr
