"""igt-train: train a glossing model on igt-format examples.

Only parses options and reads the examples; the work is in
igt_tools.model.training (imported inside the command, so `--help` stays fast).
"""

import os

import click

from ..cli import entry_point, igt_command, inputs_argument, skip_bad_options
from ..tasks import PROMPT_SETS, TASKS

HELP = """Train a ByT5 glossing model on examples that igt-format wrote (JSONL with
input and label), from FILEs or standard input.

\b
  igt-format --split train < train.jsonl > examples.jsonl
  igt-format < dev.jsonl > dev-examples.jsonl
  igt-train --init tiny --out model/ --dev dev-examples.jsonl < examples.jsonl

Start from scratch with a preset (--init tiny|small|base: `base` has
ByT5-base's shape) or continue training a model folder or Hugging Face hub
id (--model, e.g. a PolyGloss checkpoint). Batches are grouped by length
under a token budget, so little compute goes to padding. The best
checkpoint by dev loss (the last one without --dev) becomes DIR, a normal
Hugging Face model folder with igt_tools.json (task, prompts, unit,
languages, dev loss and perplexity per language, data digest), ready for
igt-gloss. The unit is `word` when the examples came from igt-format --unit
word (one example per word: igt-gloss then glosses word by word), else
`sentence`.

Checkpoints are written atomically into DIR; --resume continues a run that
was killed, from its last checkpoint, exactly as if it had not stopped (a
run that had finished does not train again: one line, exit status 0). A line
per evaluation goes to DIR/log.jsonl. For several GPUs or processes run
the same command under `torchrun --nproc-per-node N` (naming the FILEs:
every process reads them).

Defaults depend on the start: from a pretrained --model the paper's (lr
5e-5, clip 20, 32768 tokens a batch, 15 epochs); from --init tiny lr 5e-4,
clip 1, 8192 tokens; from small or base lr 5e-4, clip 1, 32768 tokens.

Exit status: 0 done; 1 bad data (one line naming file and line); 2 usage
(conflicting options, DIR holding another run); 130 interrupted (rerun with
--resume to continue).
"""


def _group(title):
    """A heading in --help for the options that follow it (click has no option groups)."""
    return f"[{title}] "


@igt_command("igt-train", help=HELP, short_help="Train a glossing model.")
@inputs_argument
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help=_group("output") + "Folder for the model, its checkpoints and log.jsonl.")
@click.option("--dev", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help=_group("data") + "Dev examples (igt-format output): dev loss per language, best checkpoint.")
@click.option("--init", type=click.Choice(["micro", "tiny", "small", "base"]),
              help=_group("model") + "Train from scratch with this preset shape (micro: for smoke tests only).")
@click.option("--model", "model_name", metavar="NAME_OR_PATH",
              help=_group("model") + "Continue training this model folder or hub id (its code is never run).")
@click.option("--dropout", type=click.FloatRange(0, 1),
              help=_group("model") + "Dropout rate (default: the model's, 0.1).")
@click.option("--optimizer", type=click.Choice(["adamw", "adafactor"]), default="adamw", show_default=True,
              help=_group("optimisation") + "Optimiser.")
@click.option("--lr", type=float, help=_group("optimisation") + "Peak learning rate (default: see above).")
@click.option("--min-lr-ratio", type=float, default=0.2, show_default=True,
              help=_group("optimisation") + "Cosine decay ends at this share of the peak (the paper: 1e-5/5e-5).")
@click.option("--warmup", type=float, default=0.03, show_default=True,
              help=_group("optimisation") + "Share of the steps spent on linear warm-up.")
@click.option("--schedule", type=click.Choice(["steps", "time"]), default="steps", show_default=True,
              help=_group("optimisation") + "What warm-up and decay are spread over: the steps, or (time, with "
              "--max-minutes) the time budget too, whichever ends first, so the rate reaches its floor when time "
              "runs out; such runs are not bitwise reproducible.")
@click.option("--seed", type=int, default=0, show_default=True,
              help=_group("optimisation") + "Seed: the same seed, data and machine give the same weights.")
@click.option("--weight-decay", type=float, default=0.01, show_default=True,
              help=_group("optimisation") + "Weight decay.")
@click.option("--clip", type=float,
              help=_group("optimisation") + "Gradient norm clip; 0 for none (default: see above).")
@click.option("--batch-tokens", type=int, metavar="N",
              help=_group("batches") + "Padded tokens (inputs + labels) per batch and process (default: see above).")
@click.option("--accumulate", type=int, default=1, show_default=True, metavar="N",
              help=_group("batches") + "Batches per optimiser step (gradient accumulation).")
@click.option("--max-input-tokens", type=int, default=1024, show_default=True, metavar="N",
              help=_group("batches") + "Inputs are truncated to this many tokens (bytes).")
@click.option("--max-label-tokens", type=int, default=1024, show_default=True, metavar="N",
              help=_group("batches") + "Labels are truncated to this many tokens.")
@click.option("--epochs", type=int, metavar="N", help=_group("length") + "Passes over the data (default 15).")
@click.option("--max-steps", type=int, metavar="N",
              help=_group("length") + "Stop after N optimiser steps (overrides --epochs; sets the schedule's length).")
@click.option("--max-minutes", type=float, metavar="M",
              help=_group("length") + "Stop cleanly after M minutes of training, the best checkpoint saved.")
@click.option("--early-stopping", type=int, metavar="N",
              help=_group("length") + "Stop after N evaluations without a better dev loss (needs --dev).")
@click.option("--eval-every", type=int, metavar="STEPS",
              help=_group("length") + "Evaluate and checkpoint every STEPS steps (default: each epoch).")
@click.option("--resume", is_flag=True,
              help=_group("checkpoints") + "Continue the run in DIR from its last checkpoint.")
@click.option("--keep-checkpoints", is_flag=True,
              help=_group("checkpoints") + "Keep the last and best checkpoints in DIR when training ends.")
@click.option("--device", default="auto", show_default=True, metavar="auto|cpu|cuda",
              help=_group("hardware") + "Where to train.")
@click.option("--threads", type=click.IntRange(1), metavar="N",
              help=_group("hardware") + "CPU threads (default: torch's; on a busy machine fewer can be faster).")
@click.option("--bf16/--no-bf16", default=None,
              help=_group("hardware") + "bf16 autocast (default: on a GPU that has it).")
@click.option("--task", type=click.Choice(TASKS),
              help=_group("metadata") + "Task format igt-format used, recorded for igt-gloss (default: read from "
              "the examples' task fields; say segment-only, which makes the same examples as multitask).")
@click.option("--prompts", type=click.Choice(PROMPT_SETS),
              help=_group("metadata") + "Prompt set igt-format used, recorded for igt-gloss (default: recognised "
              "from the inputs).")
@click.option("--progress/--no-progress", default=None,
              help=_group("output") + "Progress bar on stderr (default: when stderr is a terminal); without it, "
              "a plain line (step, examples, loss, examples/s, ETA) every minute.")
@skip_bad_options
def command(inputs, out, dev, init, model_name, skip_bad, bad_out, **settings):
    from ..cli import bad_records
    from ..model import examples
    from ..model.training import TrainOptions, UsageError, resolve, train

    try:
        options = resolve(TrainOptions(out=out, init=init, model=model_name, **settings))
        if int(os.environ.get("WORLD_SIZE", "1")) > 1 and (not inputs or "-" in inputs):
            raise UsageError("under torchrun every process reads the data: name the training FILEs, not stdin")
        bad = bad_records("igt-train", skip_bad, bad_out)
        try:
            train_examples = examples.read(inputs, bad)
            dev_examples = examples.read([dev], bad) if dev else None
        finally:
            bad.close()
        train(options, train_examples, dev_examples)
    except UsageError as err:
        raise click.UsageError(str(err)) from None


main = entry_point(command)

if __name__ == "__main__":
    main()
