"""igt-clean: messy IGT in any supported format -> clean canonical JSONL records, audited."""

import click

from ..cli.base import (
    bad_records, check_encoding, entry_point, igt_command, inputs_argument, skip_bad_options, toolbox_markers,
)
from ..core.io import JsonlWriter, stderr_is_terminal, warn
from ..formats import cleaning
from ..formats.registry import READABLE, FormatUnknown
from . import manual

PROG = "igt-clean"
MOST_LANGUAGES = 25

HELP = """Read messy interlinear glossed text and write clean canonical records.

\b
  igt-clean sigmorphon2023/Tsez/ddo-dev-track2-uncovered > ddo-dev.jsonl
  igt-clean --from toolbox --glottocode kaka1265 story.txt > story.jsonl
  igt-clean --tags cldf/examples.csv  # the gloss inventory, to standardise
"""


@igt_command(PROG, help=HELP, description=manual.CLEAN, option_details=manual.CLEAN_OPTIONS,
             short_help="Clean and audit IGT records (JSONL, SIGMORPHON, Toolbox, FLEx).")
@inputs_argument
@click.option("--from", "fmt", type=click.Choice(READABLE), default=None, help="Format of the inputs (default: guessed).")
@click.option("--markers", callback=toolbox_markers, metavar="TX,MB,GE,FT", help="Toolbox markers of the four tiers.")
@click.option("--id-prefix", metavar="PREFIX", help="Prefix of the ids of records without one.")
@click.option("--language", metavar="NAME", help="Language name for records without one.")
@click.option("--glottocode", metavar="CODE", help="Glottocode for records without one.")
@click.option("--metalanguage", metavar="NAME", help="Language of the translations.")
@click.option("--source", metavar="TEXT", help="Source for records without one.")
@click.option("--language-map", type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="ISO 639-3 -> glottocode map.")
@click.option("--encoding", metavar="NAME", help="Encoding of marker text and CLDF tables.")
@click.option("--tags", "list_tags", is_flag=True, help="Write the gloss inventory, not the records.")
@click.option("--tagmap", type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="Map your tags back to the model's.")
@click.option("--drop-misaligned", is_flag=True, help="Drop misaligned records, not flag them.")
@click.option("--all-languages", is_flag=True, help=f"List all languages, not only the {MOST_LANGUAGES} largest.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
@skip_bad_options
def command(inputs, fmt, markers, id_prefix, language, glottocode, metalanguage, source, language_map, encoding, list_tags, tagmap, drop_misaligned, all_languages, quiet, skip_bad, bad_out):
    if encoding is not None:
        check_encoding(encoding)
    options = cleaning.Options(
        fmt=fmt,
        markers=markers,
        encoding=encoding,
        tagmap=tagmap,
        id_prefix=id_prefix,
        language=language,
        glottocode=glottocode,
        metalanguage=metalanguage,
        source=source,
        language_map=language_map,
        drop_misaligned=drop_misaligned,
    )
    bad = bad_records(PROG, skip_bad, bad_out)
    cleaner = cleaning.Cleaner(options, bad)
    out = JsonlWriter()
    inventory = None
    if list_tags:
        from ..core.tags import Inventory

        inventory = Inventory()
    try:
        for record in cleaner.run(inputs):
            if inventory is not None:
                inventory.add(record.get("glosses"))
            else:
                out.write(record)
    except FormatUnknown as err:
        raise click.UsageError(str(err)) from None
    finally:
        bad.close()
    if inventory is not None:
        out.stream.write("".join(line + "\n" for line in inventory.lines()))
    out.flush()
    if not quiet:
        report(cleaner.audit, None if all_languages else MOST_LANGUAGES)
        if cleaner.tagmap is not None:
            warn(PROG, cleaner.tagmap.summary())


def report(audit, most):
    if stderr_is_terminal():
        _report_table(audit, most)
    else:
        for line in cleaning.summary_lines(audit, most):
            warn(PROG, line)


def _report_table(audit, most):
    from rich.console import Console
    from rich.table import Table

    lines = cleaning.summary_lines(audit, most)
    table = Table(title=f"{PROG}: {lines[0]}", title_justify="left")
    table.add_column("language")
    for heading in cleaning.HEADINGS:
        table.add_column(heading, justify="right")
    rows = cleaning.language_rows(audit)
    for name, *counts in rows if most is None else rows[:most]:
        table.add_row(name, *(f"{c:,}" for c in counts))
    console = Console(stderr=True)
    console.print(table)
    if most is not None and len(rows) > most:
        console.print(lines[-1])


main = entry_point(command)
