"""igt-format: records -> model examples (the task formats), or records -> other IGT formats."""

import sys

import click

from ..cli.base import (
    bad_records, check_encoding, check_writable, entry_point, igt_command, inputs_argument, skip_bad_options,
    toolbox_markers,
)
from ..core.io import iter_jsonl
from ..core.record import validator, without_fields
from ..core.tagmap import tag_mapped
from ..examples import tasks
from ..examples.context import Retrieval, Settings
from ..examples.writing import write_context_examples, write_examples
from ..formats import registry
from ..formats.latex import STYLES as LATEX_STYLES
from ..glossing.lexicon import Lexicon
from . import manual

PROG = "igt-format"

HELP = """Turn IGT records into model examples, or write them in another format.

\b
  igt-format --split train train.jsonl > train.examples.jsonl
  igt-format --to aligned < glossed.jsonl | less
  igt-format --to flextext --into text.flextext glossed.jsonl > new.flextext
"""


@igt_command(PROG, help=HELP, description=manual.FORMAT, option_details=manual.FORMAT_OPTIONS,
             short_help="Turn IGT records into model examples, or write them in another format.")
@inputs_argument
@click.option("--task", type=click.Choice(tasks.TASKS), default=None, help="Task format.  [default: interleaved]")
@click.option("--prompts", "prompt_set", type=click.Choice(tasks.PROMPT_SETS), default=None,
              help="Prompt set.  [default: polygloss]")
@click.option("--unit", type=click.Choice(tasks.UNITS), default=None, help="What an example is.  [default: sentence]")
@click.option("--lexicon", "lexicon_paths", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="With --unit context: the evidence records.")
@click.option("--neighbours", type=click.IntRange(min=0), default=None, metavar="K",
              help="With --unit context: the attested words most like each word shown.  [default: 3]")
@click.option("--window", type=click.IntRange(min=0), default=None, metavar="N",
              help="With --unit context: the words shown each side.  [default: 1]")
@click.option("--distinct", is_flag=True, help="Write each (input, label) pair once.")
@click.option("--split", type=click.Choice(tasks.SPLITS), default=None, help="train: add the auxiliary examples.")
@click.option("--to", "writer", type=click.Choice(registry.WRITABLE), default=None,
              help="Write records in this format, not examples.")
@click.option("--width", type=click.IntRange(min=0), default=100, show_default=True, metavar="N",
              help="Width of --to aligned.")
@click.option("--latex-style", type=click.Choice(LATEX_STYLES), default=None,
              help="The --to latex package.  [default: gb4e]")
@click.option("--markers", default=None, callback=toolbox_markers, metavar="TX,MB,GE,FT",
              help="With --to toolbox: the tier markers.")
@click.option("--into", "original", type=click.Path(exists=True, dir_okay=False), metavar="ORIGINAL",
              help="Merge the records into this file.")
@click.option("--overwrite", is_flag=True, help="With --into: replace existing analyses too.")
@click.option("--tagmap", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="With --to: map the glosses' tags.")
@click.option("--metadata", "metadata_out", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="With --to cldf: write the metadata here too.")
@click.option("--encoding", metavar="NAME", help="Encoding of the --into file (default UTF-8).")
@click.option("--guess-marker", metavar="MARKER", help="Marker of the line that marks predictions.")
@click.option("--drop", "dropped", multiple=True, callback=lambda ctx, param, value: tuple(f for v in value for f in v.split(",") if f),
              metavar="FIELD[,FIELD...]", help="With --to: write these fields as null.")
@click.option("-q", "--quiet", is_flag=True, help="No warning per reported record.")
@skip_bad_options
def command(inputs, task, prompt_set, unit, lexicon_paths, neighbours, window, distinct, split, writer, width, latex_style, markers, original, overwrite, tagmap, metadata_out, encoding, guess_marker, dropped, quiet, skip_bad, bad_out):
    ctx = click.get_current_context()
    if writer is not None and (task or prompt_set or split or unit or distinct):
        raise click.UsageError("--to writes records, not examples: drop --task, --prompts, --unit, --distinct and --split", ctx)
    if lexicon_paths and unit != "context":
        raise click.UsageError("--lexicon goes with --unit context", ctx)
    for name, value in (("--neighbours", neighbours), ("--window", window)):
        if value is not None and unit != "context":
            raise click.UsageError(f"{name} goes with --unit context", ctx)
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
            prompt_set = prompt_set or ("polygloss" if unit == "sentence" else "compact")
            try:
                tasks.check_prompts(task, prompt_set)
                tasks.check_unit(unit, task, prompt_set)
            except ValueError as err:
                raise click.UsageError(str(err), ctx) from None
            records = iter_jsonl(inputs, bad=bad, validate=validator("transcription"))
            if unit == "context":
                lexicon = Lexicon.read(lexicon_paths, bad=bad) if lexicon_paths else None
                chosen = {"neighbours": neighbours, "window": window}
                settings = Settings(**{name: value for name, value in chosen.items() if value is not None})
                write_context_examples((r for _, r in records), lexicon and Retrieval(lexicon), split, distinct, settings)
            else:
                write_examples(records, task, prompt_set, split, PROG, quiet, unit=unit, distinct=distinct)
    finally:
        bad.close()


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


def merge_records(inputs, writer, original, bad, tagmap=None, dropped=(), **options):
    """Write ORIGINAL to stdout with the records' predictions merged in."""
    from ..formats.merge.into import merge_into

    records = without_fields(iter_jsonl(inputs, bad=bad, validate=validator()), dropped)
    try:
        merged = merge_into(writer, original, tag_mapped(records, tagmap, PROG), PROG, **options)
    except ValueError as err:  # an option that cannot work with this file (a --guess-marker that is a tier)
        raise click.UsageError(str(err)) from None
    sys.stdout.flush()
    sys.stdout.buffer.write(merged)


def write_records(inputs, writer, bad, dropped=(), tagmap=None, **options):
    """Write each record in the format `writer` (formats/registry.py), all fields kept."""
    records = tag_mapped(without_fields(iter_jsonl(inputs, bad=bad, validate=validator()), dropped), tagmap, PROG)
    registry.write_records((record for _, record in records), writer, registry.WriteOptions(**options))


main = entry_point(command)
