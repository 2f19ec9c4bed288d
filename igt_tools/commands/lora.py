"""igt-lora: adapt a model to a new language with a LoRA adapter, or merge an adapter into its model.

Only parses options and reads the data; training is igt-train's machinery
(igt_tools.model.training) with an adapter in place of the whole model.
"""

from dataclasses import replace
from pathlib import Path

import click

from ..cli.base import bad_records, entry_point, igt_command, inputs_argument, skip_bad_options
from ..cli.model_stack import require_model_stack
from ..cli.training_options import BATCHES, CHECKPOINTS, HARDWARE, LENGTH, OPTIMISATION, training_options
from ..core.errors import DataError, OptionError
from ..core.io import warn
from . import manual

PROG = "igt-lora"

HELP = """Adapt a model to a new language from a few hundred glossed sentences (LoRA).

\b
  igt-lora --model models/demo --out adapter/ --dev dev.jsonl < train.jsonl
  igt-gloss --model models/demo --adapter adapter/ < texts.jsonl
"""


def parse_modules(ctx, param, value):
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise click.BadParameter("expected module names separated by commas, e.g. q,v")
    return names


@igt_command(PROG, help=HELP, description=manual.LORA, option_details=manual.LORA_OPTIONS,
             short_help="Adapt a model to a new language (LoRA).")
@inputs_argument
@click.option("--model", "-m", "model_name", required=True, metavar="DIR", help="The model to adapt.")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="ADAPTER",
              help="Folder for the adapter.")
@click.option("--dev", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="Dev records, to pick the best checkpoint.")
@click.option("--merge", is_flag=True, help="Merge --adapter into --model (to --out).")
@click.option("--adapter", type=click.Path(file_okay=False, exists=True), metavar="ADAPTER",
              help="With --merge: the adapter to merge.")
@click.option("--rank", type=click.IntRange(1), default=8, show_default=True, help="Rank of the updates.")
@click.option("--alpha", type=float, default=8.0, show_default=True, help="Scale of the updates.")
@click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.2, show_default=True,
              help="LoRA dropout.")
@click.option("--target-modules", callback=parse_modules, default="q,v", show_default=True, metavar="NAMES",
              help="Layers to adapt.")
@click.option("--auxiliary", is_flag=True, hidden=True, help="Train on the auxiliary tasks' examples too.")
@training_options(*OPTIMISATION, *BATCHES, *LENGTH, *CHECKPOINTS, *HARDWARE, "progress")
@skip_bad_options
def command(inputs, model_name, out, dev, merge, adapter, rank, alpha, dropout, target_modules, auxiliary, skip_bad,
            bad_out, **settings):
    require_model_stack()
    if merge:
        if adapter is None:
            raise click.UsageError("--merge needs --adapter ADAPTER")
        if inputs or dev or auxiliary:
            raise click.UsageError("--merge reads no data: leave out the FILEs, --dev and --auxiliary")
        from ..model.loading import save_merged

        try:
            save_merged(model_name, adapter, Path(out))
        except OptionError as err:
            raise click.UsageError(str(err)) from None
        warn(PROG, f"merged model written to {out}")
        return
    if adapter is not None:
        raise click.UsageError("--adapter goes with --merge (a new adapter is written to --out)")
    from ..model.lora import LoraSettings
    from ..model.training import TrainOptions, resolve, train

    try:
        lora = LoraSettings(rank, alpha, dropout, target_modules)
        options = resolve(TrainOptions(out=out, model=model_name, lora=lora, prog=PROG, **settings))
        base = _base_metadata(model_name)
        options = replace(options, task=base.task, prompts=base.prompts)
        train_examples, dev_examples = _read(inputs, dev, base, skip_bad, bad_out, auxiliary)
        metadata = train(options, train_examples, dev_examples)
    except OptionError as err:
        raise click.UsageError(str(err)) from None
    if metadata is not None and dev_examples:
        from ..model.quality import adapter_notes

        for line in adapter_notes(base, metadata):
            warn(PROG, line)


def _base_metadata(model_name):
    from ..model import loading
    from ..model.metadata import ModelMetadata

    return ModelMetadata.read(loading.resolve(model_name))


def _read(inputs, dev, base, skip_bad, bad_out, auxiliary=False):
    """(training examples, dev examples or None) for the base model; what was left out said on stderr."""
    from ..examples import building as examples

    bad = bad_records(PROG, skip_bad, bad_out)
    try:
        # The "eval" split is the main task's examples; "train" adds the auxiliary tasks'.
        train_examples, left_out = examples.read_for_model(inputs, base, "train" if auxiliary else "eval", bad)
        dev_examples, dev_left_out = examples.read_for_model([dev], base, "eval", bad) if dev else (None, {})
    finally:
        bad.close()
    for what, counts in (("training", left_out), ("dev", dev_left_out)):
        if counts:
            reasons = ", ".join(f"{why}: {n}" for why, n in counts.most_common())
            warn(PROG, f"{sum(counts.values())} {what} record(s) left out without a label ({reasons})")
    if not train_examples:
        raise DataError("no training examples in the input (IGT records with segmentation and glosses, or "
                        "igt-format examples)")
    _check_fits(train_examples, base)
    return train_examples, dev_examples


def _check_fits(train_examples, base):
    """igt-format examples made for another kind of model would teach it a task it is never asked."""
    from ..examples import building as examples

    made = (examples.unit(train_examples), examples.task_format(train_examples),
            examples.prompt_set(train_examples) or base.prompts)
    wanted = (base.unit, base.task, base.prompts)
    if made != wanted:
        raise click.UsageError(
            "the examples are for a {} model, {} task, {} prompts; the model is a {} model, {} task, {} prompts: "
            "give IGT records (igt-lora formats them for the model), or make the examples with igt-format "
            "--unit {} --task {} --prompts {}".format(*made, *wanted, *wanted))
    shown = examples.retrieval(train_examples)
    trained = base.retrieval_settings
    if shown is not None and shown != trained:
        raise click.UsageError(
            f"the examples show {shown.neighbours} similar words ({shown.as_dict()}); the model was trained on "
            f"{trained.neighbours} ({trained.as_dict()}): give IGT records (igt-lora formats them for the model), "
            f"or make the examples with igt-format --unit context --neighbours {trained.neighbours}")


main = entry_point(command)

if __name__ == "__main__":
    main()
