"""CLDF example tables (`examples.csv`): the Cross-Linguistic Data Formats' IGT.

    ID,Language_ID,Primary_Text,Analyzed_Word,Gloss,Translated_Text,Meta_Language_ID
    kk-1,kaka1265,Kamwali ekoni.,ka-mwali<TAB>e-koni,3SG-house<TAB>PL-tree,his house,stan1293

Reading (`read_cldf`): column names and the item separator of `Analyzed_Word`
and `Gloss` come from the dataset's metadata beside the table (see
cldf_metadata); without one the separator is guessed per row, safely: a TAB,
else the two characters backslash-t or else spaces where they give both
cells as many items, else each cell is one item. Items that are
morphemes (`ka \\t =at \\t =a`) are joined into words by their boundary
symbols; a gloss item of several words (`come out`) becomes one token joined
by `.`, as in the other readers. A row without an analysis is a
translation-only example: a record without those tiers. `Language_ID` and
`Meta_Language_ID` give the glottocodes and names through the dataset's
LanguageTable, or directly when they are glottocodes; they are kept as
`language_id` and `metalanguage_id`. Every other column passes through
under its own name.

Writing a new table (`write_table`, `metadata`): one row per record, the
canonical fields in CLDF's columns (Language_ID: the glottocode, else `und`),
`Gloss_Source` `guess` on the records igt-gloss glossed, other fields as
columns of their own (igt-clean's `issues` left out), and the metadata that
declares them (Generic module, pycldf validates it).
"""

import json
import re

from ..core.errors import DataError, RecordError
from ..core.io import Location, open_binary, source_name
from . import GUESS
from .cldf_metadata import DEFAULT_TABLE, EXAMPLE_COLUMNS, TERMS, locate
from .csv_cells import quote, rows
from .morphemes import attach_affixes

TAB = "\t"
BACKSLASH_T = "\\t"
SPACES = " "  # items split on any whitespace
WHOLE = ""  # the whole cell is one item
_GLOTTOCODE = re.compile(r"[a-z0-9]{4}[0-9]{4}")
# Record field -> CLDF property, for the columns this module reads and writes itself.
FIELDS = {
    "id": "id",
    "transcription": "primaryText",
    "segmentation": "analyzedWord",
    "glosses": "gloss",
    "translation": "translatedText",
}
# Fields a new table leaves out: igt-clean's audit notes, not data.
NOT_WRITTEN = ("issues",)
PREDICTION_COLUMN = "Gloss_Source"
GLOSSED_FIELD = "malformed"  # igt-gloss writes it on every record it glosses


# --- reading --------------------------------------------------------------------


def read_table(path, encoding=None):
    """(ExampleTable, text, header Row, [data Row]) of one table (a CSV path, a metadata JSON path, or '-')."""
    table = locate(path)
    name = source_name(table.path)
    stream, owned = open_binary(table.path)
    try:
        raw = stream.read()
    finally:
        if owned:
            stream.close()
    encoding = encoding or table.encoding
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise DataError(
            f"not valid {encoding} (byte {err.start + 1} of the file); name its encoding with --encoding", name, line
        ) from None
    found = list(rows(text, table.delimiter, name))
    if not found:
        raise DataError("empty table: no header", name, 1)
    header, data = found[0], found[1:]
    header.cells[0].value = header.cells[0].value.lstrip("\ufeff")
    names = header.values
    repeated = next((n for n in names if names.count(n) > 1), None)
    if repeated is not None:
        # A dict of the row would keep the last column's values and lose the first's without a word.
        raise DataError(f"the header names column {repeated!r} twice", name, header.line)
    return table, text, header, data


def read_cldf(path, bad=None, encoding=None):
    """Yield (Location, record) for each row of a CLDF example table."""
    table, _, header, data = read_table(path, encoding)
    name = source_name(table.path)
    names = header.values
    languages = table.languages()
    for row in data:
        location = Location(name, row.line)
        try:
            yield location, row_record(table, names, row.values, languages, location)
        except RecordError as err:
            if bad is None:
                raise
            bad.handle(err, ",".join(quote(v, table.delimiter) for v in row.values))


def row_record(table, names, values, languages, location):
    if len(values) != len(names):
        raise RecordError(f"{len(values)} cells but {len(names)} columns", location.source, location.line)
    cells = dict(zip(names, values))
    column = table.names
    record = {}
    for field, prop in FIELDS.items():
        if prop not in ("analyzedWord", "gloss") and cells.get(column.get(prop)):
            record[field] = cells[column[prop]]
    segmentation, glosses = analysis(table, cells.get(column.get("analyzedWord"), ""), cells.get(column.get("gloss"), ""))
    if segmentation:
        record["segmentation"] = segmentation
    if glosses:
        record["glosses"] = glosses
    _add_language(record, cells.get(column.get("languageReference")), languages, "language")
    _add_language(record, cells.get(column.get("metaLanguageReference")), languages, "metalanguage")
    known = {column.get(prop) for prop in EXAMPLE_COLUMNS}
    for name, value in cells.items():
        if name not in known and value != "":
            record[name] = value
    return record


def analysis(table, analysed, glosses):
    """(segmentation, glosses) of one row's cells: words joined by spaces; '' where a cell is empty."""
    separator = table.separator("analyzedWord") or table.separator("gloss")
    if separator is None:
        separator = guess_separator(analysed, glosses)
    seg_items, gloss_items = items(analysed, separator), items(glosses, separator)
    seg_words = attach_affixes(seg_items)
    gloss_words = attach_affixes([".".join(item.split()) for item in gloss_items])
    return " ".join(seg_words), " ".join(gloss_words)


def guess_separator(analysed, glosses):
    """The item separator of a row of a table without metadata (SPACES, WHOLE or a string).

    Safe: a separator other than a TAB counts only where it gives both cells
    as many items, so that a LaTeX `\\textsc{pst}` is not split at its `\\t`.
    """
    cells = [cell for cell in (analysed, glosses) if cell.strip()]
    if any(TAB in cell for cell in cells):
        return TAB
    if cells and all(BACKSLASH_T in cell for cell in cells):
        # As many items, or as many places for them (a trailing empty item: punctuation's empty gloss).
        if len({len(items(c, BACKSLASH_T)) for c in cells}) == 1 or len({c.count(BACKSLASH_T) for c in cells}) == 1:
            return BACKSLASH_T
    if len({len(cell.split()) for cell in cells}) == 1:
        return SPACES
    return WHOLE


def items(cell, separator):
    """The non-empty items of a multi-valued cell, their inner whitespace collapsed."""
    if separator == WHOLE:
        parts = [cell]
    elif separator == SPACES:
        parts = cell.split()
    else:
        parts = cell.split(separator)
    return [" ".join(part.split()) for part in parts if part.strip()]


def _add_language(record, reference, languages, kind):
    """glottocode and name (language, or metalanguage) from a language reference."""
    if not reference:
        return
    record[f"{kind}_id"] = reference
    glottocode, name = languages.get(reference, (None, None))
    if glottocode is None and _GLOTTOCODE.fullmatch(reference):
        glottocode = reference
    prefix = "" if kind == "language" else "metalang_"
    if glottocode:
        record[f"{prefix}glottocode"] = glottocode
    if name:
        record[kind] = name


# --- writing a new table --------------------------------------------------------------


def table_columns(records):
    """The columns of a new table for these records: CLDF's, Gloss_Source where igt-gloss wrote any
    (its records have `malformed`), then each other field's."""
    columns = list(EXAMPLE_COLUMNS.values())
    if any(GLOSSED_FIELD in record for record in records):
        columns.append(PREDICTION_COLUMN)
    taken = set(FIELDS) | {"glottocode", "metalang_glottocode", "language_id", "metalanguage_id"} | set(NOT_WRITTEN)
    for record in records:
        for name in record:
            if name not in taken and name not in columns:
                columns.append(name)
    return columns


def table_row(record, columns):
    """One record as the cells of a new table's row."""
    cells = {
        "ID": _text(record.get("id")),
        "Language_ID": _first_text(record, "glottocode", "language_id", "language") or "und",
        "Primary_Text": _text(record.get("transcription")),
        "Analyzed_Word": TAB.join(_text(record.get("segmentation")).split()),
        "Gloss": TAB.join(_text(record.get("glosses")).split()),
        "Translated_Text": _text(record.get("translation")),
        "Meta_Language_ID": _first_text(record, "metalang_glottocode", "metalanguage_id", "metalanguage"),
        PREDICTION_COLUMN: GUESS if GLOSSED_FIELD in record else "",
    }
    return [cells[c] if c in cells else _text(record.get(c)) for c in columns]


def write_table(records, stream):
    """A new example table: header and one row per record (records are read twice: give a list)."""
    columns = table_columns(records)
    stream.write(",".join(quote(c) for c in columns) + "\r\n")
    for record in records:
        stream.write(",".join(quote(v) for v in table_row(record, columns)) + "\r\n")
    return columns


def metadata(columns, url=DEFAULT_TABLE):
    """The metadata JSON (a dict) of a Generic dataset with this one example table."""
    described = {prop: name for prop, name in EXAMPLE_COLUMNS.items()}
    schema = []
    for name in columns:
        column = {"name": name, "datatype": "string"}
        prop = next((p for p, n in described.items() if n == name), None)
        if prop is not None:
            column["propertyUrl"] = TERMS + prop
        if prop in ("analyzedWord", "gloss"):
            column["separator"] = TAB
        if name == PREDICTION_COLUMN:
            column["dc:description"] = "Who wrote Analyzed_Word and Gloss where they are predictions (empty: the dataset's own)"
        if name == "ID":
            column["required"] = True
        schema.append(column)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "dc:conformsTo": TERMS + "Generic",
        "dialect": {"commentPrefix": None},
        "tables": [
            {
                "url": url,
                "dc:conformsTo": TERMS + "ExampleTable",
                "tableSchema": {"columns": schema, "primaryKey": ["ID"]},
            }
        ],
    }


def write_metadata(path, columns, url=DEFAULT_TABLE):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(metadata(columns, url), out, indent=4, ensure_ascii=False)
        out.write("\n")


def _text(value):
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _first_text(record, *fields):
    return next((record[f] for f in fields if isinstance(record.get(f), str) and record[f]), "")
