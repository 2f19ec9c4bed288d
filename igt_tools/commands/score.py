"""igt-score: score predictions against gold IGT (REFERENCE.md section 5)."""

import json

import click

from ..cli.base import entry_point, igt_command
from ..cli.score_table import headline, print_table
from ..metrics.provenance import summary as provenance_summary
from ..core.io import STDIN_NAMES, warn
from ..examples.context import UNIT as CONTEXT_UNIT, Retrieval
from ..glossing.lexicon import Lexicon
from ..metrics.calibration import CalibrationRefused
from ..metrics.scoring import gold_records, score
from . import manual

PROG = "igt-score"

HELP = """Score predicted glosses and segmentations against GOLD, per group and over all.

\b
  igt-score --by source gold.jsonl < predictions.jsonl > scores.json
  jq .all.glossing.morphemes.error_rate scores.json      # the MER over all
"""


@igt_command(PROG, help=HELP, description=manual.SCORE)
@click.argument("gold", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("predictions", type=click.Path(dir_okay=False, allow_dash=True), default="-", required=False)
@click.option(
    "--by",
    "by",
    default="glottocode",
    show_default=True,
    metavar="FIELD",
    help="Gold field whose values make the groups.",
)
@click.option(
    "--missing",
    type=click.Choice(["error", "empty"]),
    default="error",
    show_default=True,
    help="A gold id without prediction: stop with an error, or score it as an empty prediction.",
)
@click.option(
    "--sacrebleu",
    is_flag=True,
    help="Add sacreBLEU's corpus BLEU and chrF (0-100) over the gloss strings, with sacreBLEU's "
    'signatures, as "sacrebleu": {"bleu", "chrf", "signature"} in each group. Slower: it takes '
    "several times as long as all the other figures together.",
)
@click.option("--model", "model_name", metavar="DIR",
              help="Add the model's perplexity on GOLD, and the MER predicted from it, to each group.")
@click.option("--adapter", type=click.Path(file_okay=False, exists=True), metavar="ADAPTER",
              help="With --model: the model with this igt-lora adapter.")
@click.option("--lexicon", "-l", "lexicon_paths", multiple=True, type=click.Path(dir_okay=False, exists=True),
              metavar="FILE",
              help="With a context --model: look GOLD's words up in these records, as igt-gloss -l does.")
@click.option("--calibrate", is_flag=True,
              help="With --model: fit MER and segmentation F1 against perplexity over the groups and store the fit "
              "in DIR.")
@click.option("--indent", type=click.IntRange(min=0), default=None, help="Indent the JSON (default: one line).")
@click.option("-q", "--quiet", is_flag=True, help="No table and no notes on stderr.")
def command(gold, predictions, by, missing, sacrebleu, model_name, adapter, lexicon_paths, calibrate, indent, quiet):
    if gold in STDIN_NAMES and predictions in STDIN_NAMES:
        raise click.UsageError("GOLD and PREDICTIONS cannot both be stdin; name one of them as a file.")
    if model_name is None and (adapter or lexicon_paths or calibrate):
        name = "--adapter" if adapter else "--lexicon" if lexicon_paths else "--calibrate"
        raise click.UsageError(f"{name} goes with --model DIR")
    if model_name is not None:
        _check_model_options(gold, model_name, adapter, lexicon_paths, calibrate, by)
    figures, notes = score(gold, predictions, by=by, missing=missing, sacrebleu=sacrebleu)
    if model_name is not None:
        from ..model import quality

        retrieval = Retrieval(Lexicon.read(lexicon_paths)) if lexicon_paths else None
        try:
            notes += quality.add_model_figures(figures, gold_records(gold, by), model_name, adapter,
                                               calibrate_folder=model_name if calibrate else None,
                                               retrieval=retrieval)
        except CalibrationRefused as err:
            raise click.UsageError(str(err)) from None
    click.echo(json.dumps(figures, ensure_ascii=False, indent=indent))
    if not quiet:
        for note in notes:
            warn(PROG, note)
        columns, rows = headline(figures)
        print_table(rows, columns)
        if "provenance" in figures["all"]:
            warn(PROG, "words by source, over all: " + provenance_summary(figures["all"]["provenance"]))


def _check_model_options(gold, model_name, adapter, lexicon_paths, calibrate, by):
    from ..cli.model_stack import require_model_stack

    require_model_stack("--model")
    if gold in STDIN_NAMES:
        raise click.UsageError("--model reads GOLD a second time: name it as a file, not stdin")
    if calibrate and adapter:
        raise click.UsageError("--calibrate calibrates the model itself: leave out --adapter")
    if calibrate and by != "glottocode":
        raise click.UsageError("--calibrate fits over languages: group --by glottocode")
    from ..model.loading import local_folder, resolve

    if calibrate and local_folder(model_name) is None:
        raise click.UsageError("--calibrate writes into the model folder: give a local folder, not a hub id")
    folder = resolve(model_name)  # a missing folder or hub model is one line now, before the scoring
    if lexicon_paths:
        from ..model.metadata import ModelMetadata

        unit = ModelMetadata.read(folder).unit
        if unit != CONTEXT_UNIT:
            raise click.UsageError(f"--lexicon is a context model's evidence; {model_name} is a {unit} model")


main = entry_point(command)

if __name__ == "__main__":
    main()
