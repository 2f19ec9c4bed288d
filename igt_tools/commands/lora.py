"""igt-lora: adapt a model to a new language with a LoRA adapter, or merge an adapter into its model.

Only parses options and reads the data; training is igt-train's machinery
(igt_tools.model.training) with an adapter in place of the whole model.
"""

import os
import shutil
from dataclasses import replace
from pathlib import Path

import click

from ..cli.base import bad_records, entry_point, igt_command, inputs_argument, skip_bad_options
from ..cli.model_stack import require_model_stack
from ..cli.training_options import BATCHES, CHECKPOINTS, HARDWARE, LENGTH, OPTIMISATION, group, training_options
from ..core.errors import DataError, OptionError
from ..core.io import warn
from ..metrics.calibration import MER, describe, estimates, perplexity

PROG = "igt-lora"

HELP = """Adapt a model to a new language from a few hundred glossed sentences: train a
LoRA adapter on IGT records from FILEs or standard input; or (--merge) add an
adapter into its model.

\b
  igt-lora --model models/demo --out adapter/ --dev dev.jsonl < train.jsonl
  igt-gloss --model models/demo --adapter adapter/ < texts.jsonl
  igt-lora --merge --model models/demo --adapter adapter/ --out merged/

Input: IGT records (igt-clean output), made into the model's examples with
the task format, prompt set and unit of its igt_tools.json: the main task's
examples only, what igt-gloss asks the model, as igt-format makes them
(--auxiliary: also the auxiliary tasks' examples, as igt-format --split train
makes them; with 100 sentences and minutes to train they cost more than they
teach); examples igt-format made for that model are taken as they are.
Records whose tiers do not pair up or lack what a label needs are left out
and counted.

The model (a folder igt-train wrote, a published checkpoint, or a hub id) is
frozen: LoRA adds a low-rank update to each layer --target-modules names
(attention q, k, v, o; feed-forward wi, wi_0, wi_1, wo; or all-linear) and
trains those alone. Defaults: the paper's rank 8, alpha 8 and dropout 0.2;
layers q,v (peft's default for T5: the paper does not say); lr 3e-3, clip 1,
4096 tokens a batch, 30 epochs. With --dev the best checkpoint by dev loss
becomes the adapter.

Training is igt-train's: the same batches, schedule, --max-minutes,
--early-stopping, checkpoints written atomically into ADAPTER, --resume after
a kill (exactly as if it had not stopped), and a line per evaluation in
ADAPTER/log.jsonl; see igt-train --help.

ADAPTER is peft's adapter folder (adapter_config.json and
adapter_model.safetensors, which PeftModel.from_pretrained loads) plus
igt_tools.json: the digest of the model's weights, the languages and
examples trained on, dev loss and perplexity per language, with the model's
own before adapting. igt-gloss --model DIR --adapter ADAPTER glosses with it;
on another model than its own it is refused.

With --dev, the last lines give each language's dev perplexity before and
after adapting, and a warning when the adapter lowers dev loss by less than
1% (it is then unlikely to gloss better than the model alone). When the
model was calibrated (igt-score --calibrate), they also predict the MER of
the model and of the adapted model from those perplexities, or say why the
prediction cannot be trusted.

--merge writes MERGED, a full model folder (the model's weights plus the
adapter's updates, float32) that igt-gloss loads like any other, glossing as
the model with the adapter does.

Exit status: 0 done; 1 bad data (one line naming file and line), an adapter
made for another model; 2 usage (conflicting options, ADAPTER holding
another run, torch missing); 130 interrupted (rerun with --resume).
"""


def parse_modules(ctx, param, value):
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise click.BadParameter("expected module names separated by commas, e.g. q,v")
    return names


@igt_command(PROG, help=HELP, short_help="Adapt a model to a new language (LoRA).")
@inputs_argument
@click.option("--model", "-m", "model_name", required=True, metavar="DIR",
              help=group("model") + "The model to adapt: a folder or hub id (its code is never run).")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="ADAPTER",
              help=group("output") + "Folder for the adapter, its checkpoints and log.jsonl (with --merge: the "
              "merged model).")
@click.option("--dev", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help=group("data") + "Dev IGT records (or examples): dev loss and perplexity, best checkpoint.")
@click.option("--merge", is_flag=True, help=group("merge") + "Merge --adapter into --model and write the model to --out.")
@click.option("--adapter", type=click.Path(file_okay=False, exists=True), metavar="ADAPTER",
              help=group("merge") + "With --merge: the adapter to merge.")
@click.option("--rank", type=click.IntRange(1), default=8, show_default=True, help=group("LoRA") + "Rank of the updates.")
@click.option("--alpha", type=float, default=8.0, show_default=True,
              help=group("LoRA") + "Scale: the update is multiplied by alpha / rank.")
@click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.2, show_default=True,
              help=group("LoRA") + "Dropout on the adapted layers' inputs (the model's own dropout is kept).")
@click.option("--target-modules", callback=parse_modules, default="q,v", show_default=True, metavar="NAMES",
              help=group("LoRA") + "Layers to adapt, by name, separated by commas.")
@click.option("--auxiliary", is_flag=True,
              help=group("data") + "Train on the auxiliary tasks' examples of the records too (see above).")
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
        merge_adapter(model_name, adapter, Path(out))
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
        _say_estimates(base, metadata)


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


NO_GAIN = 0.01  # a smaller relative drop in dev loss than this is no sign that the adapter helps


def _say_estimates(base, metadata):
    """Per dev language: perplexity before and after adapting, what it predicts, and a warning
    when the adapter did not beat the model alone (more data, or none, would serve better)."""
    before = (metadata.adapter or {}).get("base_dev_languages") or {}
    for code, score in sorted(metadata.dev_languages.items()):
        if code in before:
            line = f"{code}: dev perplexity {perplexity(before[code]):.3f} before adapting, {score.perplexity:.3f} after"
        else:
            line = f"{code}: dev perplexity {score.perplexity:.3f}"
        found = estimates(base, score.perplexity)
        if MER not in found:
            warn(PROG, f"{line}; no MER prediction: the model has no calibration (igt-score --model MODEL "
                 "--calibrate on its dev data makes one)")
        else:
            if code in before:
                was = estimates(base, perplexity(before[code])).get(MER)
                if was and was["reliable"]:
                    line += f"; predicted MER {was['predicted']:.3f} before"
            warn(PROG, f"{line}; " + describe(MER, found[MER]))
        if code in before and score.loss > before[code] * (1 - NO_GAIN):
            warn(PROG, f"{code}: the adapter lowers dev loss by less than {NO_GAIN:.0%} ({score.loss:.4f} against "
                 f"the model's own {before[code]:.4f}): expect little or no gain from it")


def merge_adapter(model_name, adapter, out):
    """Write the model with the adapter's updates in its weights to `out`, atomically."""
    from ..model import loading, lora
    from ..model.metadata import REGRESSIONS_CSV

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise click.UsageError(f"{out} already exists and is not empty: give another --out")
    base, tokenizer, base_metadata = loading.load_model(model_name, digest=True)
    wrapped, adapter_metadata = lora.load_adapter(base, base_metadata, adapter)
    merged = lora.merge(wrapped)
    tmp = out.parent / f".tmp-{out.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    loading.save_model(merged, tokenizer, tmp, lora.merged_metadata(adapter_metadata, adapter))
    calibration = Path(base_metadata.tables_folder) / REGRESSIONS_CSV
    if base_metadata.calibration and calibration.is_file():
        shutil.copy2(calibration, tmp / REGRESSIONS_CSV)  # estimates as for the model with the adapter
    if out.exists():
        out.rmdir()
    os.replace(tmp, out)
    warn(PROG, f"merged model written to {out}")


main = entry_point(command)

if __name__ == "__main__":
    main()
