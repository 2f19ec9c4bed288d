"""What a CLDF dataset's metadata JSON says about its example table.

A CLDF dataset is CSV tables plus one metadata file (`Generic-metadata.json`,
`TextCorpus-metadata.json`, ...; CSVW) beside them that names each table's
columns by CLDF property (`...terms.rdf#primaryText`) and the separator of
multi-valued cells. Column names and separators differ between datasets (a
TAB in some, the two characters backslash-t in others), so they are read
from there; a table without metadata gets CLDF's default names.
"""

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..core.errors import DataError
from ..core.io import STDIN_NAMES
from . import note

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

        path = table_path(self.metadata_path, spec["url"])
        names = _column_names(spec, {"id": "ID", "glottocode": "Glottocode", "name": "Name"})
        if not path.is_file():
            # A dataset copied without its language table is common: the examples still read.
            note(f"{path}: no LanguageTable there; glottocodes and language names are taken from the examples alone")
            return {}
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
        return _described(table_path(path, spec.get("url", DEFAULT_TABLE)), path, metadata, spec)
    for candidate in sorted(path.parent.glob("*metadata.json")):
        metadata = _load(candidate)
        for spec in metadata.get("tables", []) if isinstance(metadata, dict) else []:
            if isinstance(spec, dict) and _same_file(candidate.parent / spec.get("url", ""), path):
                return _described(path, candidate, metadata, spec)
    return ExampleTable(path)


def table_path(metadata_path, url):
    """The file a table `url` of the metadata names, which must lie in the metadata's folder (symlinks
    followed): a dataset from elsewhere must not make igt-tools read /etc/passwd or ../secret.csv."""
    folder = Path(metadata_path).parent
    path = folder / url
    try:
        inside = "://" not in url and not url.startswith("file:") and path.resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError, RuntimeError) as err:  # a NUL byte; a symlink loop (RuntimeError in Python 3.11)
        raise DataError(f"refused: table url {url!r}: {err}", str(metadata_path)) from None
    if not inside:
        raise DataError(f"refused: table url {url!r} is outside the metadata's folder", str(metadata_path))
    return path


def _described(path, metadata_path, metadata, spec):
    names = _column_names(spec, EXAMPLE_COLUMNS)
    separators = {c["name"]: c["separator"] for c in _columns(spec) if c.get("name") and c.get("separator") is not None}
    dialect = _dialect(metadata, spec)
    return ExampleTable(
        path,
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
            metadata = json.load(stream)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as err:
        raise DataError(f"cannot read the CLDF metadata: {err}", str(path)) from None
    problem = _shape_problem(metadata)
    if problem is not None:
        raise DataError(f"cannot read the CLDF metadata: {problem}", str(path))
    return metadata


def _shape_problem(metadata):
    """What makes the metadata unusable (types CSVW requires, an encoding Python lacks), or None."""
    if not isinstance(metadata, dict):
        return "not a JSON object"
    tables = metadata.get("tables", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        return '"tables" must be a list of table descriptions'
    for where, dialect in [("the dialect", metadata.get("dialect"))] + [(f"table {i + 1}'s dialect", t.get("dialect")) for i, t in enumerate(tables)]:
        problem = _dialect_problem(dialect)
        if problem is not None:
            return f"{where}: {problem}"
    for number, table in enumerate(tables, 1):
        if not isinstance(table.get("url", ""), str):
            return f'table {number}: "url" must be a string'
        schema = table.get("tableSchema", {})
        columns = schema.get("columns", []) if isinstance(schema, dict) else None
        if not isinstance(columns, list):
            return f'table {number}: "tableSchema" must hold a list of "columns"'
        for column in columns:
            if not isinstance(column, dict):
                continue
            if not isinstance(column.get("name", ""), str):
                return f'table {number}: a column "name" must be a string'
            separator = column.get("separator")
            if separator is not None and not (isinstance(separator, str) and separator):
                return f'table {number}, column {column.get("name")!r}: "separator" must be a string, not {json.dumps(separator)}'
    return None


def _dialect_problem(dialect):
    if dialect is None:
        return None
    if not isinstance(dialect, dict):
        return "must be an object"
    encoding = dialect.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except (TypeError, LookupError):
        return f"encoding {json.dumps(encoding)} is not one Python knows"
    delimiter = dialect.get("delimiter", ",")
    if not isinstance(delimiter, str) or not delimiter or any(ch in delimiter for ch in '"\r\n'):
        return f"delimiter {json.dumps(delimiter)} cannot separate cells"
    return None


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
    except (OSError, ValueError, RuntimeError):  # a NUL byte; a symlink loop
        return False
