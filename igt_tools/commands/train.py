"""igt-train: train a glossing model on igt-format examples.

Only parses options and reads the examples; the work is in
igt_tools.model.training (imported inside the command, so `--help` stays fast).
"""

import os

import click

from ..cli.base import entry_point, igt_command, inputs_argument, skip_bad_options
from ..cli.model_stack import require_model_stack
from ..cli.training_options import BATCHES, CHECKPOINTS, HARDWARE, LENGTH, OPTIMISATION, training_options
from ..core.errors import OptionError
from ..examples.tasks import PROMPT_SETS, TASKS
from ..model.presets import PRESETS
from . import manual

HELP = """Train a ByT5 glossing model on examples that igt-format wrote.

\b
  igt-format --split train < train.jsonl > examples.jsonl
  igt-format < dev.jsonl > dev-examples.jsonl
  igt-train --init tiny -o model/ --dev dev-examples.jsonl < examples.jsonl
"""


@igt_command("igt-train", help=HELP, description=manual.TRAIN, option_details=manual.TRAIN_OPTIONS,
             short_help="Train a glossing model.")
@inputs_argument
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder for the model.")
@click.option("--dev", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="Dev examples, to pick the best checkpoint.")
@click.option("--init", type=click.Choice(list(PRESETS)), help="Train from scratch with this preset shape.")
@click.option("--model", "model_name", metavar="NAME_OR_PATH", help="Continue training this folder or hub id.")
@click.option("--dropout", type=click.FloatRange(0, 1), help="Dropout rate.")
@training_options(*OPTIMISATION, *BATCHES, *LENGTH, *CHECKPOINTS, *HARDWARE)
@click.option("--task", type=click.Choice(TASKS), hidden=True, help="Task format igt-format used.")
@click.option("--prompts", type=click.Choice(PROMPT_SETS), hidden=True, help="Prompt set igt-format used.")
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
        examples.retrieval(train_examples + (dev_examples or []))  # one input form, or a one-line error now
        train(options, train_examples, dev_examples)
    except OptionError as err:
        raise click.UsageError(str(err)) from None


main = entry_point(command)

if __name__ == "__main__":
    main()
