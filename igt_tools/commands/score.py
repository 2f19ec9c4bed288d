"""igt-score: score predictions against gold IGT (REFERENCE.md section 5)."""

import json
import sys
from pathlib import Path

import click

from ..cli.base import entry_point, igt_command
from ..core.io import STDIN_NAMES, stderr_is_terminal, warn
from ..metrics.calibration import TABLE_COLUMNS, CalibrationRefused, table_cells
from ..metrics.scoring import gold_records, score

PROG = "igt-score"

HELP = """Score predicted glosses and segmentations against GOLD, per group and over all.

\b
  igt-score gold.jsonl < predictions.jsonl > scores.json
  igt-score --by source gold.jsonl predictions.jsonl | jq .all.glossing.morphemes.error_rate

Both inputs are JSONL records, joined by `id`. Predictions need `id` and
`glosses` (a string; "" is an empty prediction), except records igt-gloss
could not gloss (an `error` field, no glosses): they score as empty
predictions and count as missing. Gold records need `id` and
`glosses` with at least one token (else an error names the line). A
prediction id that is not in GOLD, a repeated id, or a gold id without a
prediction is an error listing them (but see --missing). Both are read as
a stream: with the predictions in gold order (as igt-gloss writes them),
memory holds only the ids; a gold record is held while predictions later in
the gold come before its own.

Prints one JSON object on stdout: a key per group (the gold records' --by
field, sorted; records without it count in "all" only) and "all", each

\b
  {"glossing": {"words": {"accuracy": {"macro", "micro"}, "bleu", "error_rate"},
                "morphemes": {"accuracy", "classes": {"stem", "gram"}, "bleu", "error_rate"},
                "characters": {"error_rate"}},
   "segmentation": {"accuracy", "precision", "recall", "f1", "edit_distance"},
   "alignment": x,
   "counts": {"sentences", "segmentation", "alignment", "missing_predictions"}}

glossing: the figures of the `glossing` package (1.0.9, the field's
reference), quirks included; morphemes.error_rate is the MER, the headline
figure (lower is better). Where that package divides by zero (every
prediction empty; no gold stem) the figure is 0.

segmentation: scored on the sentences where both the prediction and the gold
record have a `segmentation`; alignment (1.0 when every gloss has exactly one
morpheme) on the predictions that have one. A group without any has null for
those figures.

With --model DIR (and --adapter ADAPTER, an igt-lora adapter of it), each
group also gets "model": the model's perplexity on the gold records (the
loss of the labels of its main task, per label token, as igt-train measures
dev loss) with the numbers of label tokens, gold morphemes and words that
the published lang_perplexities.csv gives, and "estimates": the MER and
segmentation F1 that the model's calibration predicts from that perplexity,
each with its r^2, number of languages, whether it is reliable (4 languages
or more and r^2 at least 0.5; else the table says "unreliable") and whether
it is extrapolated beyond the perplexities fitted on. --calibrate first
makes that calibration from these groups (languages: --by glottocode; run
it on dev data the model was not trained on): the line of best fit of each
figure against perplexity, written into DIR as regressions.csv and
lang_perplexities.csv (the published layout) and igt_tools.json (with r^2
and the number of languages). Published folders use their own tables.

A table of the headline figures (MER, micro morpheme accuracy, segmentation
F1, alignment; with --model, perplexity and predicted MER) goes to stderr.
Exit status: 0 scored, 1 bad data (one line naming the file and line), 2
usage error (torch missing for --model).
"""


# --- the table on stderr -------------------------------------------------

COLUMNS = ("group", "sentences", "MER", "morph acc", "seg F1", "alignment")


def headline(figures):
    """(columns, rows) of the table: the headline figures, and the model's with --model."""
    rows = headline_rows(figures)
    if not all("model" in group for group in figures.values()):
        return COLUMNS, rows
    return COLUMNS + TABLE_COLUMNS, [row + table_cells(figures[row[0]]) for row in rows]


def headline_rows(figures):
    """One row of strings per group: the paper's headline figures."""
    rows = []
    for name, group in figures.items():
        morphemes = group["glossing"]["morphemes"]
        rows.append(
            (
                name,
                str(group["counts"]["sentences"]),
                _number(morphemes["error_rate"]),
                _number(morphemes["accuracy"]["micro"]),
                _number(group["segmentation"]["f1"]),
                _number(group["alignment"]),
            )
        )
    return rows


def _number(value):
    return "-" if value is None else f"{value:.3f}"


def plain_table(rows, columns=COLUMNS):
    widths = [max(len(row[i]) for row in [columns] + rows) for i in range(len(columns))]
    lines = []
    for row in [columns] + rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_table(rows, columns=COLUMNS):
    if stderr_is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table(title="igt-score (MER: morpheme error rate, lower is better; morph acc: micro)")
        for index, name in enumerate(columns):
            table.add_column(name, justify="left" if index == 0 else "right")
        for row in rows:
            table.add_row(*row)
        Console(stderr=True).print(table)
    else:
        print(plain_table(rows, columns), file=sys.stderr)


@igt_command(PROG, help=HELP)
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
              help="Add the model's perplexity on GOLD, and the MER predicted from it, to each group (see above).")
@click.option("--adapter", type=click.Path(file_okay=False, exists=True), metavar="ADAPTER",
              help="With --model: the model with this igt-lora adapter.")
@click.option("--calibrate", is_flag=True,
              help="With --model: fit MER and segmentation F1 against perplexity over the groups and store the fit "
              "in DIR (see above).")
@click.option("--indent", type=click.IntRange(min=0), default=None, help="Indent the JSON (default: one line).")
@click.option("-q", "--quiet", is_flag=True, help="No table and no notes on stderr.")
def command(gold, predictions, by, missing, sacrebleu, model_name, adapter, calibrate, indent, quiet):
    if gold in STDIN_NAMES and predictions in STDIN_NAMES:
        raise click.UsageError("GOLD and PREDICTIONS cannot both be stdin; name one of them as a file.")
    if model_name is None and (adapter or calibrate):
        raise click.UsageError(f"{'--adapter' if adapter else '--calibrate'} goes with --model DIR")
    if model_name is not None:
        _check_model_options(gold, model_name, adapter, calibrate, by)
    figures, notes = score(gold, predictions, by=by, missing=missing, sacrebleu=sacrebleu)
    if model_name is not None:
        from ..model import quality

        try:
            notes += quality.add_model_figures(figures, gold_records(gold, by), model_name, adapter,
                                               calibrate_folder=model_name if calibrate else None)
        except CalibrationRefused as err:
            raise click.UsageError(str(err)) from None
    click.echo(json.dumps(figures, ensure_ascii=False, indent=indent))
    if not quiet:
        for note in notes:
            warn(PROG, note)
        columns, rows = headline(figures)
        print_table(rows, columns)


def _check_model_options(gold, model_name, adapter, calibrate, by):
    from ..cli.model_stack import require_model_stack

    require_model_stack("--model")
    if gold in STDIN_NAMES:
        raise click.UsageError("--model reads GOLD a second time: name it as a file, not stdin")
    if calibrate and adapter:
        raise click.UsageError("--calibrate calibrates the model itself: leave out --adapter")
    if calibrate and by != "glottocode":
        raise click.UsageError("--calibrate fits over languages: group --by glottocode")
    if calibrate and not Path(model_name).is_dir():
        raise click.UsageError("--calibrate writes into the model folder: give a local folder, not a hub id")


main = entry_point(command)

if __name__ == "__main__":
    main()
