"""igt-format: records -> model examples (the task formats), or records -> other IGT formats."""

import collections
import sys

import click

from ..core import interleaved
from ..examples import tasks
from ..cli.base import (
    bad_records, check_encoding, check_writable, entry_point, igt_command, inputs_argument, skip_bad_options,
    toolbox_markers,
)
from ..formats import registry
from ..formats.latex import STYLES as LATEX_STYLES
from ..core.io import JsonlWriter, iter_jsonl, warn
from ..core.record import validator

PROG = "igt-format"

HELP = """Turn IGT records into model examples, or write them in another format.

\b
  igt-format train.jsonl --split train > train.examples.jsonl
  igt-format --task multitask dev.jsonl > dev.examples.jsonl
  igt-format --task gloss-only --prompts glosslm < dev.jsonl
  igt-clean --from sigmorphon ddo-dev-track2-uncovered | igt-format --to aligned | less
  igt-clean text.flextext | igt-gloss -m M | igt-format --to flextext --into text.flextext > glossed.flextext
  igt-gloss -m M < texts.jsonl | igt-format --to cldf --metadata out/Generic-metadata.json > out/examples.csv
  igt-format --to jsonl --drop segmentation,glosses < gold.jsonl | igt-gloss -m M | igt-score gold.jsonl

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
(each word's morphemes over their glosses, in columns; translation below;
glosses that igt-gloss guessed marked `~` by analogy, `*` by the model,
`?` by the model and doubtful: igt-gloss --confidence under -0.1),
`sigmorphon` the shared task's \\t \\m \\g \\l blocks, `toolbox` Toolbox
interlinear records (--markers), blank lines between records; `cldf` a
new CLDF example table (CSV: ID, Language_ID, Primary_Text, Analyzed_Word,
Gloss, Translated_Text, Meta_Language_ID, then the records' other fields;
--metadata FILE also writes the dataset's metadata, naming the table
examples.csv beside it); `jsonl` the records as they are, every field kept.
`latex` writes each record as a numbered example for a paper: gb4e's
\\begin{exe} \\ex \\gll (--latex-style expex: \\ex \\begingl \\gla \\glb
\\glft), the transcription on its own line above, grammatical tags (the
capital gloss parts: PL, 3SG, the PST of go.PST) in small caps, the
translation in quotes, LaTeX's special characters escaped; records without
glosses print their line alone; \\usepackage{gb4e} (or expex) in your
preamble (IPA and other scripts: xelatex or lualatex). `html` writes one
self-contained page (no script, font or network) with each record's words as
columns (word, segmentation, gloss; tags in small caps) that wrap on a phone;
each word takes its igt-gloss provenance's colour (lexicon, analogy, model,
none; a legend says which) and the aligned view's marks (~ * ?), a model word
its confidence; every text is escaped; it prints.
--tagmap FILE (a two-column TSV, model tag -> user tag) maps the glosses'
tags into the user's conventions first; tags not in it pass through and
are counted on stderr. --drop FIELD writes that field as null in every
record (`--drop segmentation,glosses`: gold sentences to gloss without
their answers).

With --into ORIGINAL (--to flextext, toolbox or cldf), ORIGINAL is written
back on stdout with the records' segmentation and glosses merged in: each
phrase, record or row takes the record with its id (as igt-clean gives it
for that file; else the one with its transcription), and gets the analysis
only where it has none (--overwrite: everywhere); every other element,
marker, attribute, comment, order and line end is kept byte for byte, and
records that say no more than ORIGINAL does change nothing. Predictions are
marked: FLEx words get <morphemes analysisStatus="guess">; a Toolbox record
a \\igt line (--guess-marker) naming the tiers predicted; a CLDF row
`guess` in a Gloss_Source column (added where missing; --metadata FILE
writes the metadata that declares it). --encoding names a Toolbox or CLDF
file's encoding. What could not be placed (word counts that differ) is
reported on stderr with its line, and a summary; a prediction misaligned in
some words fills the others, each misaligned word reported and left as it
was. A record with a unit's id but another transcription is reported and
not merged; so is a second record with the same id and transcription, and
a prediction holding a character XML 1.0 forbids (FLEx). In a FLEx file
glossed at word level only, one-morpheme predictions go into the words'
own glosses.

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
@click.option("--to", "writer", type=click.Choice(registry.WRITABLE), default=None, help="Write the records in this format instead of examples.")
@click.option(
    "--width",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="With --to aligned: wrap the columns at this many screen columns (0: never).",
)
@click.option(
    "--latex-style",
    type=click.Choice(LATEX_STYLES),
    default=None,
    help="With --to latex: the package of the examples. [default: gb4e]",
)
@click.option("--markers", default=None, callback=toolbox_markers, metavar="TX,MB,GE,FT", help="With --to toolbox: tier markers, e.g. tx,mb,ge,ft (the default).")
@click.option("--into", "original", type=click.Path(exists=True, dir_okay=False), metavar="ORIGINAL", help="With --to flextext, toolbox or cldf: merge the records into this file, written to stdout.")
@click.option("--overwrite", is_flag=True, help="With --into: replace the analyses ORIGINAL has, too.")
@click.option("--tagmap", type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="With --to: map the glosses' tags (TSV: model tag, user tag).")
@click.option("--metadata", "metadata_out", type=click.Path(dir_okay=False, writable=True), metavar="FILE", help="With --to cldf: also write the dataset's metadata JSON here.")
@click.option("--encoding", metavar="NAME", help="With --into a Toolbox or CLDF file: its encoding (default UTF-8).")
@click.option("--guess-marker", metavar="MARKER", help="With --to toolbox --into: the marker of the line that marks predictions. [default: igt]")
@click.option("--drop", "dropped", multiple=True, callback=lambda ctx, param, value: tuple(f for v in value for f in v.split(",") if f), metavar="FIELD[,FIELD...]", help="With --to: write these fields as null in every record (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="No warning line per reported record; the summary stays.")
@skip_bad_options
def command(inputs, task, prompt_set, unit, distinct, split, writer, width, latex_style, markers, original, overwrite, tagmap, metadata_out, encoding, guess_marker, dropped, quiet, skip_bad, bad_out):
    ctx = click.get_current_context()
    if writer is not None and (task or prompt_set or split or unit or distinct):
        raise click.UsageError("--to writes records, not examples: drop --task, --prompts, --unit, --distinct and --split", ctx)
    if writer != "toolbox" and markers is not None:
        raise click.UsageError("--markers goes with --to toolbox", ctx)
    if writer != "latex" and latex_style is not None:
        raise click.UsageError("--latex-style goes with --to latex", ctx)
    if writer is None and dropped:
        raise click.UsageError("--drop goes with --to", ctx)
    _check_merge_options(ctx, writer, original, overwrite, tagmap, metadata_out, encoding, guess_marker)
    if metadata_out is not None:
        check_writable(metadata_out, "--metadata")  # not found after the table went to stdout
    bad = bad_records(PROG, skip_bad, bad_out)
    try:
        if original is not None:
            merge_records(inputs, writer, original, bad, tagmap, dropped, overwrite=overwrite, markers=markers, encoding=encoding, metadata_out=metadata_out, guess_marker=guess_marker)
        elif writer is not None:
            write_records(inputs, writer, bad, width=width, markers=markers, tagmap=tagmap, metadata_out=metadata_out, latex_style=latex_style, dropped=dropped)
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
            examples = tasks.examples_of(record, task, split, prompt_set, unit)
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


def _check_merge_options(ctx, writer, original, overwrite, tagmap, metadata_out, encoding, guess_marker):
    """Usage errors for the options of --to and --into that do not go together."""
    if writer == "flextext" and original is None:
        raise click.UsageError("--to flextext writes into a FLEx export: name it with --into", ctx)
    if original is not None and writer not in registry.MERGEABLE:
        raise click.UsageError(f"--into goes with --to {', '.join(registry.MERGEABLE)}", ctx)
    misplaced = [
        ("--overwrite", overwrite and original is None, "--into"),
        ("--encoding", encoding and original is None, "--into"),
        ("--guess-marker", guess_marker and (original is None or writer != "toolbox"), "--to toolbox --into"),
        ("--tagmap", tagmap and writer is None, "--to"),
        ("--metadata", metadata_out and writer != "cldf", "--to cldf"),
    ]
    for name, wrong, needs in misplaced:
        if wrong:
            raise click.UsageError(f"{name} goes with {needs}", ctx)
    if encoding is not None:
        check_encoding(encoding)


def _without(records, fields):
    """The records with these fields null (igt-format --drop)."""
    for location, record in records:
        record.update(dict.fromkeys(fields))
        yield location, record


def _tag_mapped(records, tagmap):
    """The records with their tags mapped by the tag map at this path (None: as they are)."""
    if tagmap is None:
        yield from records
        return
    from ..core.tagmap import TagMap

    mapping = TagMap.load(tagmap)
    for location, record in records:
        mapping.map_record(record)
        yield location, record
    warn(PROG, mapping.summary())


def merge_records(inputs, writer, original, bad, tagmap=None, dropped=(), **options):
    """Write ORIGINAL to stdout with the records' predictions merged in."""
    from ..formats.merge.into import merge_into

    records = _without(iter_jsonl(inputs, bad=bad, validate=validator()), dropped)
    try:
        merged = merge_into(writer, original, _tag_mapped(records, tagmap), PROG, **options)
    except ValueError as err:  # an option that cannot work with this file (a --guess-marker that is a tier)
        raise click.UsageError(str(err)) from None
    sys.stdout.flush()
    sys.stdout.buffer.write(merged)


def write_records(inputs, writer, bad, dropped=(), tagmap=None, **options):
    """Write each record in the format `writer` (formats/registry.py), all fields kept."""
    records = _tag_mapped(_without(iter_jsonl(inputs, bad=bad, validate=validator()), dropped), tagmap)
    registry.write_records((record for _, record in records), writer, registry.WriteOptions(**options))


main = entry_point(command)
