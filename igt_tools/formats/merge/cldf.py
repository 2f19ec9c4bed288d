"""Predictions into a CLDF example table, every other byte kept.

A row without an analysis (empty `Analyzed_Word` and `Gloss`; every row
with `overwrite`) gets the predicted words and glosses, items joined by the
table's separator (its metadata's; else the one its rows use; else a TAB,
CLDF's own), and `guess` in the `Gloss_Source` column, which is added at the
end of every row where the table has none (so are `Analyzed_Word` and
`Gloss` where a table of translations only lacks them). Cells are quoted
only where CSV needs it, or where the row quotes its cells. With a metadata
path, the dataset's metadata (or, for a table without any, a new one) is
written there with the added columns declared.
"""

import copy
import json

from ...core.errors import DataError
from ...core.io import Location, source_name, warn
from ...core.tokens import is_droppable
from .. import GUESS
from ..cldf import BACKSLASH_T, PREDICTION_COLUMN, SPACES, TAB, guess_separator, metadata, read_table, row_record
from ..cldf_metadata import EXAMPLE_COLUMNS, TERMS
from ..csv_cells import quote
from .patch import apply_edits
from .predictions import predicted_units
from .words import Unplaceable, placeable_words

ADDED = {  # column -> its description in the metadata, where the table has no such column
    "analyzedWord": {"propertyUrl": TERMS + "analyzedWord", "datatype": "string", "separator": TAB},
    "gloss": {"propertyUrl": TERMS + "gloss", "datatype": "string", "separator": TAB},
    PREDICTION_COLUMN: {
        "datatype": "string",
        "dc:description": "'guess' where Analyzed_Word and Gloss are a model's predictions; empty: the dataset's own",
    },
}


def merge_cldf(path, predictions, report, encoding=None, overwrite=False, metadata_out=None, prog="igt-format"):
    """The text of the table at `path` (or its metadata JSON's table) with the predictions merged in, encoded as read."""
    table, text, header, rows = read_table(path, encoding)
    encoding = encoding or table.encoding
    names = header.values
    wanted = [table.names.get("analyzedWord", EXAMPLE_COLUMNS["analyzedWord"]), table.names.get("gloss", EXAMPLE_COLUMNS["gloss"]), PREDICTION_COLUMN]
    added = [name for name in wanted if name not in names]
    separator = table.separator("analyzedWord") or _separator_in_use(table, names, rows)
    languages = table.languages()
    source = source_name(table.path)
    units = []
    for row in rows:
        location = Location(source, row.line)
        units.append((location, row_record(table, names, row.values, languages, location), row))
    filled = {}
    for number, location, record, _, prediction in predicted_units(units, table.path, predictions, report):
        if (record.get("segmentation") or record.get("glosses")) and not overwrite:
            report.count("kept")
            continue
        try:
            words = placeable_words(prediction, record, lambda why: report.word_kept(location, why), whole=True)
        except Unplaceable as err:
            report.count("unplaceable", location, err)
            continue
        report.count("filled")
        segmentation, glosses = _items(prediction, words)
        filled[number] = {
            wanted[0]: separator.join(segmentation),
            wanted[1]: "" if None in glosses else separator.join(glosses),
            PREDICTION_COLUMN: GUESS,
        }
        _check_encodable(filled[number].values(), encoding, location)
    if not filled:
        added = []  # nothing to add them for
    edits = _cell_edits(header, rows, names, added, filled, table.delimiter)
    _write_metadata(table, names, added, metadata_out, prog)
    return apply_edits(text, edits).encode(encoding)


def _items(prediction, words):
    """The cells' items: each word's segmentation and glosses, and the punctuation items (`:`) the
    prediction has at the same places in both tiers, where it has them there (a table keeps them)."""
    seg_tokens, gloss_tokens = (str(prediction.get(f) or "").split() for f in ("segmentation", "glosses"))
    kept = [is_droppable(t) for t in seg_tokens]
    if len(seg_tokens) != len(gloss_tokens) or kept != [is_droppable(t) for t in gloss_tokens] or kept.count(False) != len(words):
        return [w.segmentation for w in words], [w.glosses for w in words]
    segmentation, glosses, it = [], [], iter(words)
    for seg_token, gloss_token, punctuation in zip(seg_tokens, gloss_tokens, kept):
        word = None if punctuation else next(it)
        segmentation.append(seg_token if punctuation else word.segmentation)
        glosses.append(gloss_token if punctuation else word.glosses)
    return segmentation, glosses


def _check_encodable(values, encoding, location):
    """A DataError naming the row where a prediction holds a character the table's encoding lacks."""
    for value in values:
        try:
            value.encode(encoding)
        except UnicodeEncodeError as err:
            raise DataError(
                f"a prediction cannot be written in {encoding}: {err.object[err.start:err.end]!r}", location.source, location.line
            ) from None


def _separator_in_use(table, names, rows):
    """The separator the table's own analysed rows use (a table without metadata); a TAB where none says."""
    columns = [names.index(table.names[p]) if table.names.get(p) in names else None for p in ("analyzedWord", "gloss")]
    for row in rows:
        cells = [row.values[c] if c is not None and c < len(row.values) else "" for c in columns]
        if any(cell.strip() for cell in cells):
            found = guess_separator(*cells)
            if found in (TAB, BACKSLASH_T):
                return found
            return " " if found == SPACES else TAB
    return TAB


def _cell_edits(header, rows, names, added, filled, delimiter):
    edits = [(header.end, header.end, "".join(delimiter + quote(name, delimiter) for name in added))]
    for number, row in enumerate(rows, 1):
        values = filled.get(number)
        always = row.cells[0].quoted
        if values is not None:
            for name, value in values.items():
                if name in names:
                    cell = row.cells[names.index(name)]
                    edits.append((cell.start, cell.end, quote(value, delimiter, always)))
        tail = [(values or {}).get(name, "") for name in added]
        if tail:
            edits.append((row.end, row.end, "".join(delimiter + quote(v, delimiter, always and bool(v)) for v in tail)))
    return [edit for edit in edits if edit[0] != edit[1] or edit[2]]


def _write_metadata(table, names, added, metadata_out, prog):
    """The metadata with the added columns declared, at `metadata_out`; a warning where it is needed but not asked for."""
    if metadata_out is None:
        if table.metadata is not None and added:
            warn(prog, f"{table.metadata_path} does not declare {', '.join(added)}: write the metadata that does with --metadata FILE")
        return
    if table.metadata is None:
        document = metadata(names + added, url=table.path.name)
    else:
        document = copy.deepcopy(table.metadata)
        spec = document["tables"][table.metadata["tables"].index(table.table)]
        schema = spec.setdefault("tableSchema", {}).setdefault("columns", [])
        prop_of = {name: prop for prop, name in {**EXAMPLE_COLUMNS, **table.names}.items()}
        for name in added:
            schema.append({"name": name, **ADDED[prop_of.get(name, name)]})
    with open(metadata_out, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=4, ensure_ascii=False)
        out.write("\n")
