"""igt-format: records -> model examples (the task formats), or records -> other IGT formats."""

import collections
import sys

import click

from .. import interleaved, tasks
from ..cli import bad_records, entry_point, igt_command, inputs_argument, skip_bad_options, toolbox_markers
from ..io import JsonlWriter, iter_jsonl, warn
from ..record import validator

PROG = "igt-format"
WRITERS = ("aligned", "sigmorphon", "toolbox", "jsonl")

HELP = """Turn IGT records into model examples, or write them in another format.

\b
  igt-format train.jsonl --split train > train.examples.jsonl
  igt-format --task multitask dev.jsonl > dev.examples.jsonl
  igt-format --task gloss-only --prompts glosslm < dev.jsonl
  igt-clean --from sigmorphon ddo-dev-track2-uncovered | igt-format --to aligned | less

Without --to, each record (JSONL, with a `transcription`) becomes one or more
examples {"id", "glottocode", "task", "input", "label"}, one JSON object a
line; `task` names the sub-task: interleaved, concatenated, t2g
(transcription->glosses), t2s (transcription->segmentation), s2g
(segmentation->glosses).

\b
  --task          eval examples          --split train adds
  interleaved     interleaved            t2g, s2g
  concatenated    concatenated           t2g, s2g
  multitask       t2g, t2s               s2g
  gloss-only      t2g                    s2g
  segment-only    t2s                    t2g, s2g

Inputs are the byte-exact prompts of PolyGloss (--prompts polygloss), of
GlossLM v1 (glosslm, glosses only: --task gloss-only), or igt-tools' own
short prompts for small models trained from scratch (compact, not known to
any published checkpoint). The interleaved label is `gloss(morpheme)` per
morpheme, e.g. `CONJ(o) COM(x)-buscar(tok)`; the concatenated label the
segmentation, a newline, `Glosses: ` and the glosses.

With --unit word, each word of a record makes one interleaved example: the
input is the record's glottocode (else its language, else `und`), a colon and
the word without punctuation at either end (`dido1241: yižo`), the label
that word's pieces (`II(y)-lead(iži)-IMPR(o)`); punctuation-only words make
none. The transcription's words are paired with the segmentation's as they
stand when the counts agree, else with punctuation-only words left out of
all three tiers; a record whose words still cannot be paired is reported
like a misaligned one. --distinct writes each (input, label) pair once, at
its first occurrence: a training set of word types.

A record whose segmentation and glosses differ in word or morpheme counts
cannot make a label for any task; in --split train neither can a record
without the tiers its main example needs. Each is reported on stderr with
its file and line and counted in a summary, and left out of the output; in
--split eval a record without those tiers gets "label": null (for glossing).
Interleaved labels that would not parse back into the record's tiers
(boundary symbols that differ between the tiers, unbalanced parentheses
inside a morpheme or gloss) are written, and reported the same way.

With --to, the records themselves are written: `aligned` is the human view
(each word's morphemes over their glosses, in columns; translation below),
`sigmorphon` the shared task's \\t \\m \\g \\l blocks, `toolbox` Toolbox
interlinear records (--markers), blank lines between records; `jsonl` the
records as they are, every field kept.

Exit status: 0 done (even with records reported), 1 bad data (one line
naming file and line; --skip-bad goes on), 2 usage.
"""


@igt_command(PROG, help=HELP, short_help="Turn IGT records into model examples, or write them in another format.")
@inputs_argument
@click.option("--task", type=click.Choice(tasks.TASKS), default=None, help="Task format of the examples. [default: interleaved]")
@click.option(
    "--prompts",
    "prompt_set",
    type=click.Choice(tasks.PROMPT_SETS),
    default=None,
    help="Prompt set of the inputs. [default: polygloss]",
)
@click.option(
    "--unit",
    type=click.Choice(tasks.UNITS),
    default=None,
    help="sentence: one example per record; word: one per word (interleaved, compact input). [default: sentence]",
)
@click.option("--distinct", is_flag=True, help="Write each (input, label) pair once, at its first occurrence.")
@click.option(
    "--split",
    type=click.Choice(tasks.SPLITS),
    default=None,
    help="train adds the auxiliary t2g and s2g examples; eval (the default) only the main ones.",
)
@click.option("--to", "writer", type=click.Choice(WRITERS), default=None, help="Write the records in this format instead of examples.")
@click.option(
    "--width",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="With --to aligned: wrap the columns at this many screen columns (0: never).",
)
@click.option("--markers", default=None, callback=toolbox_markers, metavar="TX,MB,GE,FT", help="With --to toolbox: tier markers, e.g. tx,mb,ge,ft (the default).")
@click.option("-q", "--quiet", is_flag=True, help="No warning line per reported record; the summary stays.")
@skip_bad_options
def command(inputs, task, prompt_set, unit, distinct, split, writer, width, markers, quiet, skip_bad, bad_out):
    ctx = click.get_current_context()
    if writer is not None and (task or prompt_set or split or unit or distinct):
        raise click.UsageError("--to writes records, not examples: drop --task, --prompts, --unit, --distinct and --split", ctx)
    if writer != "toolbox" and markers is not None:
        raise click.UsageError("--markers goes with --to toolbox", ctx)
    bad = bad_records(PROG, skip_bad, bad_out)
    try:
        if writer is not None:
            write_records(inputs, writer, bad, width=width, markers=markers)
        else:
            unit = unit or "sentence"
            task, split = task or "interleaved", split or "eval"
            prompt_set = prompt_set or ("compact" if unit == "word" else "polygloss")
            try:
                tasks.check_prompts(task, prompt_set)
                tasks.check_unit(unit, task, prompt_set)
            except ValueError as err:
                raise click.UsageError(str(err), ctx) from None
            write_examples(inputs, task, prompt_set, split, bad, quiet, unit=unit, distinct=distinct)
    finally:
        bad.close()


def write_examples(inputs, task, prompt_set, split, bad, quiet=False, unit="sentence", distinct=False):
    """Stream the examples of every record to stdout; report and count what cannot be labelled."""
    report = _Report(quiet)
    out = JsonlWriter()
    seen = set()  # (input, label) pairs written, with --distinct
    for location, record in iter_jsonl(inputs, bad=bad, validate=validator("transcription")):
        report.records += 1
        try:
            if unit == "word":
                examples = tasks.build_word_examples(record, split)
            else:
                examples = tasks.build_examples(record, task, split, prompt_set)
        except tasks.UNLABELLED as err:
            report.unlabelled(location, err)
            continue
        if any(example["task"] == "interleaved" and example["label"] is not None for example in examples):
            ok, why = interleaved.representable(record["segmentation"], record["glosses"])
            if not ok:
                report.unrepresentable(location, why)
        if distinct:
            examples = [e for e in examples if _first_time(seen, (e["input"], e["label"]))]
        for example in examples:
            out.write(example)
        report.examples += len(examples)
    report.summary()


def _first_time(seen, key):
    if key in seen:
        return False
    seen.add(key)
    return True


class _Report:
    """Counts and warning lines for the records igt-format could not turn into examples cleanly."""

    def __init__(self, quiet):
        self.quiet = quiet
        self.records = self.examples = 0
        self.left_out = collections.Counter()
        self.inexact = collections.Counter()

    def unlabelled(self, location, err):
        kind = "misaligned" if isinstance(err, interleaved.Misaligned) else "missing tier"
        self.left_out[kind] += 1
        if not self.quiet:
            warn(PROG, f"{location}: left out, no label ({kind}): {err}")

    def unrepresentable(self, location, why):
        self.inexact[why] += 1
        if not self.quiet:
            warn(PROG, f"{location}: label will not parse back exactly ({why})")

    def summary(self):
        line = f"{_n(self.records, 'record')}, {_n(self.examples, 'example')}"
        if self.left_out:
            line += f"; {_n(sum(self.left_out.values()), 'record')} left out without a label ({_counts(self.left_out)})"
        if self.inexact:
            line += f"; {_n(sum(self.inexact.values()), 'label')} will not parse back exactly ({_counts(self.inexact)})"
        warn(PROG, line)


def _n(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _counts(counter):
    return ", ".join(f"{kind}: {n}" for kind, n in counter.most_common())


def write_records(inputs, writer, bad, width=100, markers=None):
    """Write each record as JSONL (all fields kept) or as text blocks separated by blank lines."""
    records = iter_jsonl(inputs, bad=bad, validate=validator())
    if writer == "jsonl":
        out = JsonlWriter()
        for _, record in records:
            out.write(record)
        return
    render = _text_writer(writer, width, markers)
    stream = sys.stdout
    for n, (_, record) in enumerate(records):
        stream.write(("\n" if n else "") + render(record) + "\n")


def _text_writer(writer, width, markers):
    if writer == "aligned":
        from ..formats.aligned import write_aligned

        return lambda record: write_aligned(record, width)
    if writer == "sigmorphon":
        from ..formats.sigmorphon import write_sigmorphon

        return write_sigmorphon
    from ..formats.toolbox import write_toolbox

    return lambda record: write_toolbox(record, markers)


main = entry_point(command)
