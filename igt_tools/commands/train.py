"""igt-train: train a glossing model on igt-format examples.

Only parses options and reads the examples; the work is in
igt_tools.model.training (imported inside the command, so `--help` stays fast).
"""

import os

import click

from ..cli.base import entry_point, igt_command, inputs_argument, skip_bad_options
from ..cli.model_stack import require_model_stack
from ..cli.training_options import BATCHES, CHECKPOINTS, HARDWARE, LENGTH, OPTIMISATION, group, training_options
from ..core.errors import OptionError
from ..examples.tasks import PROMPT_SETS, TASKS
from ..model.presets import PRESETS

HELP = """Train a ByT5 glossing model on examples that igt-format wrote (JSONL with
input and label), from FILEs or standard input.

\b
  igt-format --split train < train.jsonl > examples.jsonl
  igt-format < dev.jsonl > dev-examples.jsonl
  igt-train --init tiny --out model/ --dev dev-examples.jsonl < examples.jsonl

Start from scratch with a preset (--init tiny|mini|medium|small|base: 4.6M,
12M and 45M parameters, then ByT5-small's and ByT5-base's shapes) or
continue training a model folder or Hugging Face hub id (--model, e.g. a
PolyGloss checkpoint). Batches are grouped by length
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
clip 1, 8192 tokens; from mini 2e-3, medium 1e-3, small or base 5e-4, each
with clip 1 and 32768 tokens; 15 epochs from a preset too. On a GPU, AdamW
is the fused kernel and bf16 autocast is on. To adapt a model to a new language from a few
hundred examples, see igt-lora.

Exit status: 0 done; 1 bad data (one line naming file and line); 2 usage
(conflicting options, DIR holding another run); 130 interrupted (rerun with
--resume to continue).
"""


@igt_command("igt-train", help=HELP, short_help="Train a glossing model.")
@inputs_argument
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help=group("output") + "Folder for the model, its checkpoints and log.jsonl.")
@click.option("--dev", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help=group("data") + "Dev examples (igt-format output): dev loss per language, best checkpoint.")
@click.option("--init", type=click.Choice(list(PRESETS)),
              help=group("model") + "Train from scratch with this preset shape (micro: for smoke tests only).")
@click.option("--model", "model_name", metavar="NAME_OR_PATH",
              help=group("model") + "Continue training this model folder or hub id (its code is never run).")
@click.option("--dropout", type=click.FloatRange(0, 1),
              help=group("model") + "Dropout rate (default: the model's, 0.1).")
@training_options(*OPTIMISATION, *BATCHES, *LENGTH, *CHECKPOINTS, *HARDWARE)
@click.option("--task", type=click.Choice(TASKS),
              help=group("metadata") + "Task format igt-format used, recorded for igt-gloss (default: read from "
              "the examples' task fields; say segment-only, which makes the same examples as multitask).")
@click.option("--prompts", type=click.Choice(PROMPT_SETS),
              help=group("metadata") + "Prompt set igt-format used, recorded for igt-gloss (default: recognised "
              "from the inputs).")
@training_options("progress")
@skip_bad_options
def command(inputs, out, dev, init, model_name, skip_bad, bad_out, **settings):
    require_model_stack()
    from ..cli.base import bad_records
    from ..examples import building as examples
    from ..model.training import TrainOptions, resolve, train

    try:
        options = resolve(TrainOptions(out=out, init=init, model=model_name, **settings))
        if int(os.environ.get("WORLD_SIZE", "1")) > 1 and (not inputs or "-" in inputs):
            raise OptionError("under torchrun every process reads the data: name the training FILEs, not stdin")
        bad = bad_records("igt-train", skip_bad, bad_out)
        try:
            train_examples = examples.read(inputs, bad)
            dev_examples = examples.read([dev], bad) if dev else None
        finally:
            bad.close()
        train(options, train_examples, dev_examples)
    except OptionError as err:
        raise click.UsageError(str(err)) from None


main = entry_point(command)

if __name__ == "__main__":
    main()
