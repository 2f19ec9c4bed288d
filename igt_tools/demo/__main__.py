"""`python -m igt_tools.demo`: write a demo corpus (SIGMORPHON text or JSONL), its statistics or grammar."""

import json
import sys
from pathlib import Path

import click

from ..cli.base import entry_point, igt_command
from ..core.errors import DataError
from ..core.io import JsonlWriter, warn
from . import corpus
from .language import PRIORITY, generate_language
from .sentences import MAX_WORDS

PROG = "python -m igt_tools.demo"
EXTENSIONS = {"sigmorphon": ".txt", "jsonl": ".jsonl"}


def _split_option(ctx, param, value):
    if value is None:
        return None
    try:
        return corpus.parse_split(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


@igt_command(PROG)
@click.option("--seed", type=int, default=1, show_default=True, help="Which language (each seed gives another).")
@click.option("--family-seed", type=int, default=None, help="Make the language a daughter of this family (related languages share it).")
@click.option("--n", "n", type=click.IntRange(min=1), default=1000, show_default=True, help="How many distinct sentences.")
@click.option("--format", "format_", type=click.Choice(sorted(EXTENSIONS)), default="sigmorphon", show_default=True,
              help="SIGMORPHON marker text (\\t \\m \\g \\l blocks), or canonical JSONL records.")
@click.option("--split", "split_", callback=_split_option, metavar="NAME:COUNT,...",
              help="Disjoint splits, e.g. train:1600,dev:200,test:200 (needs --out; their sum replaces --n).")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Folder for the split files (NAME.txt or NAME.jsonl).")
@click.option("--stems", type=click.IntRange(min=8), default=32, show_default=True, help="Size of the lexicon.")
@click.option("--affixes", type=click.IntRange(1, len(PRIORITY)), default=12, show_default=True,
              help=f"How many grammatical morphemes, in this order: {', '.join(PRIORITY)} (CORE: ERG or ACC).")
@click.option("--max-words", type=click.IntRange(min=2), default=MAX_WORDS, show_default=True, help="Longest sentence, in words.")
@click.option("--sound-changes", type=click.IntRange(min=0), default=3, show_default=True,
              help="With --family-seed: how many sound changes set this language apart.")
@click.option("--stats", is_flag=True, help="Print statistics of the corpus (JSON) instead of the corpus.")
@click.option("--describe", is_flag=True, help="Print a sketch of the language's grammar and lexicon instead of a corpus.")
def command(seed, family_seed, n, format_, split_, out, stems, affixes, max_words, sound_changes, stats, describe):
    """Write sentences of a synthetic language with their glosses, on stdout or into split files.

    The same options always give the same output. Each word's surface form
    comes from its morphemes through regular phonology (vowel harmony, hiatus,
    epenthesis, nasal assimilation), so segmenting is more than splitting.
    """
    if (split_ is None) != (out is None):
        raise click.UsageError("--split and --out go together")
    ctx = click.get_current_context()
    if split_ is not None:
        total = sum(count for _, count in split_)
        if ctx.get_parameter_source("n") == click.core.ParameterSource.COMMANDLINE and n != total:
            raise click.UsageError(f"--n {n} disagrees with --split, whose counts add up to {total}")
        n = total
    try:
        language = generate_language(seed, family_seed, n_stems=stems, n_affixes=affixes, n_sound_changes=sound_changes)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    if describe:
        sys.stdout.write(corpus.describe(language))
        return
    try:
        if stats:
            figures = corpus.statistics(language, corpus.sentences(language, n, max_words))
            sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
            return
        records = (corpus.record(language, index, s) for index, s in corpus.iter_sentences(language, n, max_words))
        if split_ is None:
            _write(records, format_, sys.stdout)
            return
        _write_splits(list(records), split_, format_, Path(out), language)
    except corpus.TooSmall as err:
        raise DataError(f"{err}; ask for fewer, or a larger language (--stems, --affixes, --max-words)") from None


def _write_splits(records, sizes, format_, folder, language):
    folder.mkdir(parents=True, exist_ok=True)
    for name, part in corpus.split(records, sizes).items():
        path = folder / f"{name}{EXTENSIONS[format_]}"
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            _write(part, format_, stream)
        warn(PROG, f"{path}: {len(part)} sentences of {language.name} ({language.code})")


def _write(records, format_, stream):
    if format_ == "sigmorphon":
        for record in records:
            stream.write(corpus.sigmorphon_block(record) + "\n\n")
    else:
        writer = JsonlWriter(stream)
        for record in records:
            writer.write(record)


main = entry_point(command)

if __name__ == "__main__":
    main()
