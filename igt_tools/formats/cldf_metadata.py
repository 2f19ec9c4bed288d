"""What a CLDF dataset's metadata JSON says about its example table.

A CLDF dataset is CSV tables plus one metadata file (`Generic-metadata.json`,
`TextCorpus-metadata.json`, ...; CSVW) beside them that names each table's
columns by CLDF property (`...terms.rdf#primaryText`) and the separator of
multi-valued cells. Column names and separators differ between datasets (a
TAB in some, the two characters backslash-t in others), so they are read
from there; a table without metadata gets CLDF's default names.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import DataError
from ..io import STDIN_NAMES

TERMS = "http://cldf.clld.org/v1.0/terms.rdf#"
# CLDF property -> the column name of CLDF's own ExampleTable component.
EXAMPLE_COLUMNS = {
    "id": "ID",
    "languageReference": "Language_ID",
    "primaryText": "Primary_Text",
    "analyzedWord": "Analyzed_Word",
    "gloss": "Gloss",
    "translatedText": "Translated_Text",
    "metaLanguageReference": "Meta_Language_ID",
}
DEFAULT_TABLE = "examples.csv"


@dataclass
class ExampleTable:
    """The example table of a dataset: where it is, and how to read its columns."""

    path: object  # the CSV file, or '-'
    names: dict = field(default_factory=lambda: dict(EXAMPLE_COLUMNS))  # property -> column name
    separators: dict = field(default_factory=dict)  # column name -> separator, as declared
    delimiter: str = ","
    encoding: str = "utf-8"
    metadata_path: Optional[Path] = None
    metadata: Optional[dict] = None  # the whole JSON
    table: Optional[dict] = None  # this table's description in it

    def separator(self, prop):
        """The declared separator of a property's column, or None where the metadata declares none."""
        return self.separators.get(self.names.get(prop))

    def languages(self):
        """{Language_ID: (glottocode, name)} from the dataset's LanguageTable; {} without one."""
        spec = _table(self.metadata, "LanguageTable") if self.metadata else None
        if spec is None or not spec.get("url"):
            return {}
        from .csv_cells import rows

        path = self.metadata_path.parent / spec["url"]
        names = _column_names(spec, {"id": "ID", "glottocode": "Glottocode", "name": "Name"})
        try:
            text = path.read_text(encoding=self.encoding).lstrip("\ufeff")
        except (OSError, UnicodeDecodeError) as err:
            raise DataError(f"cannot read the LanguageTable: {err}", str(path)) from None
        found = list(rows(text, _dialect(self.metadata, spec).get("delimiter", ","), str(path)))
        if not found:
            return {}
        header = found[0].values
        out = {}
        for row in found[1:]:
            values = dict(zip(header, row.values))
            out[values.get(names["id"], "")] = (values.get(names["glottocode"]) or None, values.get(names["name"]) or None)
        return out


def locate(path):
    """The ExampleTable of a table path (its metadata found beside it) or of a metadata JSON path."""
    if path in STDIN_NAMES:
        return ExampleTable(path)
    path = Path(path)
    if path.suffix.lower() == ".json":
        metadata = _load(path)
        spec = _table(metadata, "ExampleTable")
        if spec is None:
            raise DataError("the metadata has no ExampleTable", str(path))
        return _described(path.parent / spec.get("url", DEFAULT_TABLE), path, metadata, spec)
    for candidate in sorted(path.parent.glob("*metadata.json")):
        metadata = _load(candidate)
        for spec in metadata.get("tables", []) if isinstance(metadata, dict) else []:
            if isinstance(spec, dict) and _same_file(candidate.parent / spec.get("url", ""), path):
                return _described(path, candidate, metadata, spec)
    return ExampleTable(path)


def _described(table_path, metadata_path, metadata, spec):
    names = _column_names(spec, EXAMPLE_COLUMNS)
    separators = {c["name"]: c["separator"] for c in _columns(spec) if c.get("name") and c.get("separator") is not None}
    dialect = _dialect(metadata, spec)
    return ExampleTable(
        table_path,
        names=names,
        separators=separators,
        delimiter=dialect.get("delimiter", ","),
        encoding=dialect.get("encoding", "utf-8"),
        metadata_path=metadata_path,
        metadata=metadata,
        table=spec,
    )


def _load(path):
    try:
        with open(path, encoding="utf-8-sig") as stream:
            return json.load(stream)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataError(f"cannot read the CLDF metadata: {err}", str(path)) from None


def _table(metadata, component):
    """The description of the table that conforms to this CLDF component, or None."""
    for spec in metadata.get("tables", []) if isinstance(metadata, dict) else []:
        if isinstance(spec, dict) and str(spec.get("dc:conformsTo", "")).endswith("#" + component):
            return spec
    return None


def _columns(spec):
    schema = spec.get("tableSchema")
    columns = schema.get("columns", []) if isinstance(schema, dict) else []
    return [c for c in columns if isinstance(c, dict)]


def _column_names(spec, defaults):
    """property -> column name: by propertyUrl, else by the default name when the table has that column."""
    names = {}
    by_name = {c.get("name") for c in _columns(spec)}
    for column in _columns(spec):
        url = str(column.get("propertyUrl", ""))
        if url.startswith(TERMS) and url[len(TERMS):] in defaults:
            names[url[len(TERMS):]] = column.get("name")
    for prop, name in defaults.items():
        if prop not in names and (name in by_name or not by_name):
            names[prop] = name
    return names


def _dialect(metadata, spec):
    dialect = dict(metadata.get("dialect") or {}) if isinstance(metadata, dict) else {}
    dialect.update(spec.get("dialect") or {})
    return dialect


def _same_file(a, b):
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
