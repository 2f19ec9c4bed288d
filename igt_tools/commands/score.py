"""igt-score: score predictions against gold IGT (REFERENCE.md section 5)."""

import gc
import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..cli import entry_point, igt_command
from ..errors import DataError, RecordError, quoted
from ..io import STDIN_NAMES, iter_jsonl, source_name, stderr_is_terminal, warn
from ..record import check_types, require, text

PROG = "igt-score"
SHOWN_IDS = 5

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


def _validate(record, location):
    """Gold and predictions alike need an `id` (string or integer) and `glosses` (a string)."""
    _validate_id(record, location)
    require(record, location, "glosses")


def _validate_id(record, location):
    check_types(record, location)
    if record.get("id") is None:
        raise RecordError('missing field "id" (needed to join predictions to gold)', location.source, location.line)


def _validate_prediction(record, location):
    """As _validate, but a record igt-gloss could not gloss (an `error`, no glosses) needs no glosses."""
    if record.get("error") is not None and record.get("glosses") is None:
        _validate_id(record, location)
        return
    _validate(record, location)


def _group_of(record, field, location):
    value = record.get(field)
    if value is None or isinstance(value, str):
        return value if value and value.strip() else None  # blank: no group, like a missing field
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise RecordError(f'field "{field}" must be a string, number or null to group by', location.source, location.line)


class _Gold:
    """What scoring needs of one gold record."""

    __slots__ = ("id", "location", "glosses", "segmentation", "group")

    def __init__(self, location, record, by):
        self.id = record["id"]
        self.location = location
        self.glosses = record["glosses"]
        self.segmentation = text(record, "segmentation")
        self.group = _group_of(record, by, location)


class _GoldStream:
    """The gold records, read as the predictions ask for them.

    Predictions usually come in gold order (igt-gloss keeps it), some perhaps
    left out: then each finds its gold record at once, and only the ids stay in
    memory (with the lines that a repeated id's error names). A gold record is
    held only while a prediction later in the gold is sought; predictions in
    another order hold more.
    """

    def __init__(self, path, by):
        self._records = iter_jsonl([path], validate=_validate)
        self._by = by
        # id -> its gold line + _PREDICTED x the line of its prediction (0 until there is one):
        # one small int per record, where two dicts would hold every id twice.
        self._lines = {}
        self._waiting = {}  # id -> _Gold, read ahead of its prediction (gold order)
        self.ungrouped = 0

    def find(self, key, location):
        """The gold record of the prediction at `location` with this id, reading on to it if need be;
        None when no gold record has it. A second prediction of an id is an error."""
        reference = self._waiting.pop(key, None)
        if reference is None:
            lines = self._lines.get(key)
            if lines is not None:
                first = lines // _PREDICTED
                raise DataError(f"id {quoted(key)} repeated (first at line {first})", location.source, location.line)
            reference = next((gold for other, gold in self._read(park=key) if other == key), None)
        if reference is not None:
            self._lines[key] += _PREDICTED * location.line
        return reference

    def rest(self):
        """The gold records no prediction asked for, in gold order."""
        waiting, self._waiting = self._waiting, {}
        yield from waiting.values()
        for _, reference in self._read():
            yield reference

    def _read(self, park=None):
        """(id, _Gold) of the records read from here on; those before `park`'s are held in _waiting."""
        for location, record in self._records:
            key = record["id"]
            if key in self._lines:
                first = self._lines[key] % _PREDICTED
                raise DataError(f"id {quoted(key)} repeated (first at line {first})", location.source, location.line)
            self._lines[key] = location.line
            reference = _Gold(location, record, self._by)
            self.ungrouped += reference.group is None
            if park is not None and key != park:
                self._waiting[key] = reference
            yield key, reference


_PREDICTED = 1 << 40  # more lines than any file has


class _Listed:
    """Ids to list in an error: how many, the first few, where the first is."""

    def __init__(self):
        self.count = 0
        self.shown = []
        self.first = None

    def add(self, location, key):
        self.count += 1
        if self.first is None:
            self.first = location
        if len(self.shown) <= SHOWN_IDS:
            self.shown.append(key)

    def __str__(self):
        shown = ", ".join(map(quoted, self.shown[:SHOWN_IDS]))
        more = self.count - SHOWN_IDS
        return shown + (f" and {more} more" if more > 0 else "")


def _join_error(unknown, missing, gold_path):
    """One DataError for predictions whose id is not in gold and gold ids without prediction (_Listed each)."""
    parts = []
    if unknown.count:
        parts.append(f"{unknown.count} prediction id(s) not in {source_name(gold_path)}: {unknown}")
    if missing.count:
        parts.append(f"{missing.count} gold id(s) without a prediction: {missing} (--missing empty scores them as empty)")
    where = unknown.first if unknown.count else missing.first
    return DataError("; ".join(parts), where.source, where.line)


@contextmanager
def _no_cycle_collection():
    """Scoring makes many small objects and no reference cycles: without this, the
    cycle collector rescans the growing gold table again and again, for nothing
    (about a seventh of the run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def score(gold_path, predictions_path, by="glottocode", missing="error", sacrebleu=False):
    """Join, score and return (figures, notes): the whole of igt-score but the printing."""
    with _no_cycle_collection():
        return _score(gold_path, predictions_path, by, missing, sacrebleu)


def _score(gold_path, predictions_path, by, missing, sacrebleu):
    from ..metrics import ALL, CorpusScorer, EmptyGold

    gold = _GoldStream(gold_path, by)
    scorer = CorpusScorer(sacrebleu=sacrebleu)
    unknown = _Listed()

    def add(reference, glosses, segmentation, is_missing=False):
        if reference.group == ALL:
            raise DataError(
                f'--by {by}: a group is named "{ALL}", like the figures over all groups', *_where(reference)
            )
        try:
            scorer.add(reference.group, glosses, reference.glosses, segmentation, reference.segmentation, is_missing)
        except EmptyGold as err:
            raise DataError(str(err), *_where(reference)) from None

    for location, record in iter_jsonl([predictions_path], validate=_validate_prediction, allow_empty=True):
        reference = gold.find(record["id"], location)
        if reference is None:
            unknown.add(location, record["id"])
            continue
        if record.get("glosses") is None:
            # igt-gloss could not gloss it (see its `error`): scored as an empty prediction.
            add(reference, "", "" if reference.segmentation is not None else None, is_missing=True)
            continue
        add(reference, record["glosses"], record.get("segmentation"))
    without_prediction = _Listed()
    for reference in gold.rest():
        if missing == "error" or unknown.count:
            without_prediction.add(reference.location, reference.id)
        else:
            # A missing prediction is empty in every tier it would have had.
            add(reference, "", "" if reference.segmentation is not None else None, is_missing=True)
    if unknown.count or (without_prediction.count and missing == "error"):
        raise _join_error(unknown, without_prediction if missing == "error" else _Listed(), gold_path)
    return scorer.figures(), _notes(gold.ungrouped, scorer, by)


def _where(reference):
    return reference.location.source, reference.location.line


def _notes(ungrouped, scorer, by):
    notes = []
    if ungrouped and scorer.groups:
        notes.append(f'{ungrouped} gold record(s) without "{by}": counted in "all" only')
    # Over all, languages with and without segmentation may mix; a note is for one group.
    for name, group in scorer.groups.items() if scorer.groups else [("all", scorer.all)]:
        scored, total = group.segmentation.count, group.glossing.count
        if 0 < scored < total:
            notes.append(f"{name}: segmentation scored on {scored} of {total} sentences (the others lack one)")
    return notes


# --- the table on stderr -------------------------------------------------

COLUMNS = ("group", "sentences", "MER", "morph acc", "seg F1", "alignment")


def headline(figures):
    """(columns, rows) of the table: the headline figures, and the model's with --model."""
    from .. import quality

    rows = headline_rows(figures)
    if not all("model" in group for group in figures.values()):
        return COLUMNS, rows
    return COLUMNS + quality.TABLE_COLUMNS, [row + quality.table_cells(figures[row[0]]) for row in rows]


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
        from .. import quality

        try:
            notes += quality.add_model_figures(figures, gold_records(gold, by), model_name, adapter,
                                               calibrate_folder=model_name if calibrate else None)
        except quality.CalibrationRefused as err:
            raise click.UsageError(str(err)) from None
    click.echo(json.dumps(figures, ensure_ascii=False, indent=indent))
    if not quiet:
        for note in notes:
            warn(PROG, note)
        columns, rows = headline(figures)
        print_table(rows, columns)


def _check_model_options(gold, model_name, adapter, calibrate, by):
    from ..model_stack import require_model_stack

    require_model_stack("--model")
    if gold in STDIN_NAMES:
        raise click.UsageError("--model reads GOLD a second time: name it as a file, not stdin")
    if calibrate and adapter:
        raise click.UsageError("--calibrate calibrates the model itself: leave out --adapter")
    if calibrate and by != "glottocode":
        raise click.UsageError("--calibrate fits over languages: group --by glottocode")
    if calibrate and not Path(model_name).is_dir():
        raise click.UsageError("--calibrate writes into the model folder: give a local folder, not a hub id")


def gold_records(path, by):
    """[(group or None, record)] of the gold file, for the model's figures."""
    return [(_group_of(record, by, location), record) for location, record in iter_jsonl([path], validate=_validate)]


main = entry_point(command)

if __name__ == "__main__":
    main()
