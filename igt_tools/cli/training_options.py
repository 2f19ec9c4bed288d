"""The training options igt-train and igt-lora share, declared once.

Each command applies the ones it takes with `training_options(name, ...)`,
in the order its --help lists them; the defaults that differ between the
commands (learning rate, clip, batch size, epochs) are left to the
training machinery and said in each command's help text.
"""

import click


def group(title):
    """A heading in --help for the options that follow it (click has no option groups)."""
    return f"[{title}] "


OPTIONS = {
    "optimizer": click.option(
        "--optimizer", type=click.Choice(["adamw", "adafactor"]), default="adamw", show_default=True,
        help=group("optimisation") + "Optimiser."),
    "lr": click.option("--lr", type=float, help=group("optimisation") + "Peak learning rate."),
    "min_lr_ratio": click.option(
        "--min-lr-ratio", type=float, default=0.2, show_default=True,
        help=group("optimisation") + "Cosine decay ends at this share of the peak (the paper: 1e-5/5e-5)."),
    "warmup": click.option(
        "--warmup", type=float, default=0.03, show_default=True,
        help=group("optimisation") + "Share of the steps spent on linear warm-up."),
    "schedule": click.option(
        "--schedule", type=click.Choice(["steps", "time"]), default="steps", show_default=True,
        help=group("optimisation") + "What warm-up and decay are spread over: the steps, or (time, with "
        "--max-minutes) the time budget too, whichever ends first, so the rate reaches its floor when time "
        "runs out; such runs are not bitwise reproducible."),
    "seed": click.option(
        "--seed", type=int, default=0, show_default=True,
        help=group("optimisation") + "Seed: the same seed, data and machine give the same weights."),
    "weight_decay": click.option(
        "--weight-decay", type=float, default=0.01, show_default=True, help=group("optimisation") + "Weight decay."),
    "clip": click.option(
        "--clip", type=float, help=group("optimisation") + "Gradient norm clip; 0 for none."),
    "batch_tokens": click.option(
        "--batch-tokens", type=int, metavar="N",
        help=group("batches") + "Padded tokens (inputs + labels) per batch and process."),
    "accumulate": click.option(
        "--accumulate", type=int, default=1, show_default=True, metavar="N",
        help=group("batches") + "Batches per optimiser step (gradient accumulation)."),
    "max_input_tokens": click.option(
        "--max-input-tokens", type=int, default=1024, show_default=True, metavar="N",
        help=group("batches") + "Inputs are truncated to this many tokens (bytes)."),
    "max_label_tokens": click.option(
        "--max-label-tokens", type=int, default=1024, show_default=True, metavar="N",
        help=group("batches") + "Labels are truncated to this many tokens."),
    "epochs": click.option(
        "--epochs", type=int, metavar="N", help=group("length") + "Passes over the data."),
    "max_steps": click.option(
        "--max-steps", type=int, metavar="N",
        help=group("length") + "Stop after N optimiser steps (overrides --epochs; sets the schedule's length)."),
    "max_minutes": click.option(
        "--max-minutes", type=float, metavar="M",
        help=group("length") + "Stop cleanly after M minutes of training, the best checkpoint saved."),
    "early_stopping": click.option(
        "--early-stopping", type=int, metavar="N",
        help=group("length") + "Stop after N evaluations without a better dev loss (needs --dev)."),
    "eval_every": click.option(
        "--eval-every", type=int, metavar="STEPS",
        help=group("length") + "Evaluate and checkpoint every STEPS steps (default: each epoch)."),
    "resume": click.option(
        "--resume", is_flag=True, help=group("checkpoints") + "Continue the run in DIR from its last checkpoint."),
    "keep_checkpoints": click.option(
        "--keep-checkpoints", is_flag=True,
        help=group("checkpoints") + "Keep the last and best checkpoints in DIR when training ends."),
    "device": click.option(
        "--device", default="auto", show_default=True, metavar="auto|cpu|cuda", help=group("hardware") + "Where to train."),
    "threads": click.option(
        "--threads", type=click.IntRange(1), metavar="N",
        help=group("hardware") + "CPU threads (default: torch's; on a busy machine fewer can be faster)."),
    "bf16": click.option(
        "--bf16/--no-bf16", default=None, help=group("hardware") + "bf16 autocast (default: on a GPU that has it)."),
    "progress": click.option(
        "--progress/--no-progress", default=None,
        help=group("output") + "Progress bar on stderr (default: when stderr is a terminal); without it, "
        "a plain line (step, examples, loss, examples/s, ETA) every minute."),
}

OPTIMISATION = ("optimizer", "lr", "min_lr_ratio", "warmup", "schedule", "seed", "weight_decay", "clip")
BATCHES = ("batch_tokens", "accumulate", "max_input_tokens", "max_label_tokens")
LENGTH = ("epochs", "max_steps", "max_minutes", "early_stopping", "eval_every")
CHECKPOINTS = ("resume", "keep_checkpoints")
HARDWARE = ("device", "threads", "bf16")


def training_options(*names):
    """A decorator that adds the named options, listed in --help in this order."""

    def apply(f):
        for name in reversed(names):
            f = OPTIONS[name](f)
        return f

    return apply
