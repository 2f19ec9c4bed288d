"""The training options igt-train and igt-lora share, declared once.

Each command applies the ones it takes with `training_options(name, ...)`,
in the order its --help lists them; the defaults that differ between the
commands (learning rate, clip, batch size, epochs) are left to the
training machinery and said in each command's man page. Each help is one
short line; the man page says the rest (commands/manual.TRAINING_OPTIONS).
The fine points of the schedule and the batches are hidden from --help (its
last line names them) and given in full in the man page.
"""

import click

OPTIONS = {
    "optimizer": click.option(
        "--optimizer", type=click.Choice(["adamw", "adafactor"]), default="adamw", show_default=True, help="Optimiser."),
    "lr": click.option("--lr", type=float, help="Peak learning rate."),
    "min_lr_ratio": click.option(
        "--min-lr-ratio", type=float, default=0.2, show_default=True, hidden=True,
        help="Cosine decay ends at this share of the peak."),
    "warmup": click.option(
        "--warmup", type=float, default=0.03, show_default=True, hidden=True,
        help="Share of the steps spent on linear warm-up."),
    "schedule": click.option(
        "--schedule", type=click.Choice(["steps", "time"]), default="steps", show_default=True, hidden=True,
        help="What warm-up and decay are spread over."),
    "seed": click.option("--seed", type=int, default=0, show_default=True, help="Random seed."),
    "weight_decay": click.option(
        "--weight-decay", type=float, default=0.01, show_default=True, hidden=True, help="Weight decay."),
    "clip": click.option("--clip", type=float, help="Gradient norm clip; 0 for none."),
    "batch_tokens": click.option("--batch-tokens", type=int, metavar="N", help="Token budget of a batch."),
    "accumulate": click.option(
        "--accumulate", type=int, default=1, show_default=True, metavar="N", hidden=True,
        help="Batches per optimiser step."),
    "max_input_tokens": click.option(
        "--max-input-tokens", type=int, default=1024, show_default=True, metavar="N", hidden=True,
        help="Inputs are truncated to this many tokens."),
    "max_label_tokens": click.option(
        "--max-label-tokens", type=int, default=1024, show_default=True, metavar="N", hidden=True,
        help="Labels are truncated to this many tokens."),
    "epochs": click.option("--epochs", type=int, metavar="N", help="Passes over the data."),
    "max_steps": click.option("--max-steps", type=int, metavar="N", help="Stop after N optimiser steps."),
    "max_minutes": click.option(
        "--max-minutes", type=float, metavar="M", help="Stop cleanly after M minutes of training."),
    "early_stopping": click.option(
        "--early-stopping", type=int, metavar="N", help="Stop after N evaluations without progress."),
    "eval_every": click.option(
        "--eval-every", type=int, metavar="STEPS", help="Evaluate and checkpoint every STEPS steps."),
    "resume": click.option("--resume", is_flag=True, help="Continue a run that was stopped."),
    "keep_checkpoints": click.option(
        "--keep-checkpoints", is_flag=True, help="Keep the checkpoints when training ends."),
    "device": click.option(
        "--device", default="auto", show_default=True, metavar="auto|cpu|cuda", help="Where to train."),
    "threads": click.option("--threads", type=click.IntRange(1), metavar="N", help="CPU threads."),
    "bf16": click.option("--bf16/--no-bf16", default=None, help="bf16 autocast."),
    "progress": click.option("--progress/--no-progress", default=None, help="Progress bar on stderr."),
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
