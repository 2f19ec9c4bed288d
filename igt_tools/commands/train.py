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
from . import manual

HELP = """Train a ByT5 glossing model on examples that igt-format wrote (JSONL with
input and label), from FILEs or standard input.

\b
  igt-format --split train < train.jsonl > examples.jsonl
  igt-format < dev.jsonl > dev-examples.jsonl
  igt-train --init tiny --out model/ --dev dev-examples.jsonl < examples.jsonl

Exit status: 0 done, 1 bad data, 2 usage, 130 interrupted.
"""


@igt_command("igt-train", help=HELP, description=manual.TRAIN, short_help="Train a glossing model.")
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
        if model_name is not None:
            from ..model import loading

            loading.resolve(model_name)  # a missing folder or hub model is one line now, before the data is read
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
