"""igt-clean: messy IGT in any supported format -> clean canonical JSONL records, audited."""

import click

from ..formats import cleaning
from ..formats.registry import READABLE, FormatUnknown
from ..cli.base import (
    bad_records, check_encoding, entry_point, igt_command, inputs_argument, skip_bad_options, toolbox_markers,
)
from ..core.io import JsonlWriter, stderr_is_terminal, warn

PROG = "igt-clean"
MOST_LANGUAGES = 25

HELP = """Read messy interlinear glossed text and write clean canonical records.

\b
  igt-clean sigmorphon2023/Tsez/ddo-dev-track2-uncovered > ddo-dev.jsonl
  igt-clean --drop-misaligned odin/*.txt > odin.jsonl
  igt-clean --language-map glottocode2iso.csv sigmorphon2023/*/*-dev-*
  igt-clean --from toolbox --markers tx,mb,ge,ft --glottocode kaka1265 story.txt
  igt-clean --metalanguage English text.flextext | igt-gloss -m M | igt-format --to flextext --into text.flextext
  igt-clean --tags cldf/examples.csv        # the gloss inventory, to standardise before training
  igt-clean < messy.jsonl | igt-format --to aligned

Input formats (--from; default: JSONL, or guessed from each named file):

\b
  jsonl       one JSON object a line (.jsonl, .json; stdin)
  sigmorphon  \\t \\m \\g \\l \\p marker blocks: the SIGMORPHON 2023 shared task, ODIN
              (.txt, .igt or no extension, when the file starts with a \\marker)
  toolbox     Toolbox/Shoebox interlinear text: \\ref or \\rf records (or \\id ones,
              without \\ref), \\id texts, wrapped bundles, morphemes in columns; the
              tiers are Toolbox's \\tx \\mb \\ge \\ft or Shoebox's \\t \\m \\g with \\ft,
              \\fe or \\f, whichever the file has, else those --markers names
              (--markers glosses=gr: the \\gr glosses; --markers tv,mb,ge,ta: a
              text-only database, its records unglossed)
              (.sfm, .tbx, .db, .toolbox; .txt starting with \\_sh, \\id, \\ref or \\tx)
  flextext    FieldWorks FLEx interlinear XML export, new or old (phrases as
              <phrase> or as <word>s holding <words>) (.flextext, .xml)
  cldf        a CLDF example table (examples.csv: ID, Language_ID, Primary_Text,
              Analyzed_Word, Gloss, Translated_Text, Meta_Language_ID), read as its
              metadata JSON beside it says; or that metadata file itself
              (.csv, *-metadata.json)

Marker text and CLDF tables are UTF-8 unless --encoding names another
(latin-1, cp1252); FLEx's XML declares its own. A UTF-8 marker file with a
few damaged lines is read, each such line reported (U+FFFD for each bad
byte; a merge keeps its bytes); one whose first non-ASCII line is not UTF-8
needs --encoding. Lines may end in LF, CRLF or CR alone. In FLEx exports with
translations or glosses in several languages, --metalanguage (a name,
English, or a code, en) picks one; without it, the first translation and the
language of each phrase's first gloss. In a CLDF table the separator of
Analyzed_Word and Gloss items is the metadata's (a TAB, or backslash-t);
without metadata it is guessed safely row by row; items that are morphemes
(ka \\t =at \\t =a) are joined into words by their boundaries; rows without
an analysis are translation-only records (counted in the summary); every
other column passes through. A dataset without its LanguageTable reads, with
one warning; a table URL outside the metadata's folder is refused. A FLEx
export glossed at word level only reads as one morpheme a word; one with an
external entity is refused (never read).

Output: one JSON object a line with the canonical fields id, transcription,
segmentation, glosses, translation, language, metalanguage, glottocode,
metalang_glottocode, source (null when missing), then every other field of
the input untouched, then `issues` when the audit found any.

Normalisation: Unicode NFC; any run of whitespace (tabs, newlines, no-break
spaces) becomes one space and the ends are trimmed; an empty field becomes
null. In the translation only, no space is left before . , ; : ! ? and
closing brackets, nor after opening brackets ("do ." -> "do.",
"( so )" -> "(so)"). The transcription, segmentation and glosses keep their
word tokens exactly as they were (word alignment and the metrics depend on
them), so "walked ." stays two tokens there.

Filling in: a record without an id gets PREFIX-N, N being its place in its
file (ids stay put when other records are dropped); PREFIX is --id-prefix
(numbers then run on across all inputs) or the file's name without its
extension ("ddo-dev-track2-uncovered-17"). --language, --glottocode,
--metalanguage and --source fill only fields the record leaves empty;
source defaults to the input file's name. A glottocode still missing is
looked up in a language map (--language-map; a language_map.json beside
the input is used by itself, as in the ODIN corpus's folder) by the ISO 639-3
code that names the file: abk.txt, ddo-dev-track2-uncovered, or aer-are.txt
when all its codes give the same glottocode.

Audit: exact duplicates (same transcription, glosses and glottocode, after
normalisation, across all inputs) are dropped and counted. A record whose
segmentation and glosses differ in word or morpheme counts keeps a line in
its `issues` list, e.g. "misaligned: word 3 ('a-b' / 'X'): 2 morphemes but
1 glosses"; --drop-misaligned drops those instead (counted). At the end a
summary goes to stderr: records read, written, dropped and why, per language
(glottocode), as plain text, or a table when stderr is a terminal; --quiet
leaves it out.

Gloss conventions: --tags writes, instead of the records, the gloss
inventory: each grammatical tag (a gloss in capitals, 3SG, 3.SG; the
capital parts of go.PST) with its count and its likely variants (3.SG and
3sg beside 3SG, PAST beside PST), as TSV (tag, count, likely variants),
the largest first. --tagmap FILE, a two-column TSV of model tag -> user tag
(the one igt-format and igt-gloss map outputs with), maps the user's tags
in the inputs back to the model's; tags not in it pass through and are
counted on stderr.

Exit status: 0 done, 1 bad data (invalid JSON, a field of the wrong type,
a broken marker block or XML, text that is not UTF-8, no records at all:
one line naming file and line; --skip-bad reports bad records and goes on),
2 usage.
"""


@igt_command(PROG, help=HELP, short_help="Clean and audit IGT records (JSONL, SIGMORPHON, Toolbox, FLEx).")
@inputs_argument
@click.option("--from", "fmt", type=click.Choice(READABLE), default=None, help="Input format of every input (default: guessed per file; stdin: jsonl).")
@click.option("--markers", callback=toolbox_markers, metavar="TX,MB,GE,FT", help="Toolbox markers of transcription, segmentation, glosses, translation (default: tx,mb,ge,ft, or Shoebox's t,m,g,f where the file has those); or TIER=MARKER pairs, e.g. glosses=gl.")
@click.option("--id-prefix", metavar="PREFIX", help="Prefix of the ids given to records without one (default: the file's name).")
@click.option("--language", metavar="NAME", help="Language name for records without one.")
@click.option("--glottocode", metavar="CODE", help="Glottocode for records without one (before the language map).")
@click.option("--metalanguage", metavar="NAME", help="Language of the translations, for records without one; in FLEx exports, the translation and glosses to pick (a name or a code).")
@click.option("--source", metavar="TEXT", help="Source for records without one (default: the input file's name).")
@click.option("--language-map", type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="ISO 639-3 -> glottocode map: a JSON object, or a CSV with glottocode,isocode columns (default: language_map.json beside the input, if any).")
@click.option("--encoding", metavar="NAME", help="Encoding of marker text and CLDF tables (default UTF-8; e.g. latin-1).")
@click.option("--tags", "list_tags", is_flag=True, help="Write the gloss inventory (tags, counts, likely variants) as TSV instead of the records.")
@click.option("--tagmap", type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="Model tag -> user tag TSV: the user's tags in the inputs become the model's.")
@click.option("--drop-misaligned", is_flag=True, help="Drop records whose segmentation and glosses do not align, instead of flagging them.")
@click.option("--all-languages", is_flag=True, help=f"List every language in the summary, not only the {MOST_LANGUAGES} largest.")
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
