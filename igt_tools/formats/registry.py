"""The formats igt-tools reads and writes, one entry each: its reader, writer, file name
endings and the unit a merge into it counts. igt-clean, igt-format and their options read this
table; nothing else lists format names.

A reader yields (Location, record) from one input; a writer writes a stream of records to
stdout. The modules behind them are imported on use, so that a command that reads JSONL loads
no XML or CSV code. The mergers (predictions written back into an original file) are
formats/merge/into.py's table, keyed by these names: a merger finds each unit by the id
igt-clean gives it, which is made from the file's name less the endings known here, so this
table cannot import them without an import cycle.
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Tuple

from ..core.errors import DataError
from ..core.io import STDIN_NAMES, JsonlWriter, iter_jsonl, source_name
from ..core.record import check_types


@dataclass(frozen=True)
class Format:
    name: str
    # (path, bad, markers, encoding, metalanguage) -> (Location, record) pairs; None: not read
    read: Optional[Callable] = None
    # (records, options) -> None, written to stdout; None: written only --into an original
    write: Optional[Callable] = None
    extensions: Tuple[str, ...] = ()  # file name endings igt-clean knows it by
    unit: Optional[str] = None  # what a merge into it counts (merge/into.py): a FLEx phrase, a Toolbox record, a CLDF row


@dataclass
class WriteOptions:
    """The settings of igt-format's writers (each reads those of its format)."""

    width: int = 100
    markers: Optional[dict] = None
    latex_style: Optional[str] = None
    metadata_out: Optional[str] = None


# -- readers ------------------------------------------------------------------------


def _read_jsonl(path, bad, markers, encoding, metalanguage):
    return iter_jsonl([path], bad=bad, validate=check_types, allow_empty=True)


def _read_sigmorphon(path, bad, markers, encoding, metalanguage):
    from .sigmorphon import read_sigmorphon

    return read_sigmorphon(path, bad=bad, encoding=encoding or "utf-8")


def _read_toolbox(path, bad, markers, encoding, metalanguage):
    from .toolbox import read_toolbox

    return read_toolbox(path, markers, bad=bad, encoding=encoding or "utf-8")


def _read_flextext(path, bad, markers, encoding, metalanguage):
    from .flextext import read_flextext

    return read_flextext(path, bad=bad, metalanguage=metalanguage)


def _read_cldf(path, bad, markers, encoding, metalanguage):
    from .cldf import read_cldf

    return read_cldf(path, bad=bad, encoding=encoding)


# -- writers ------------------------------------------------------------------------


def _text_blocks(render):
    """A writer of text blocks separated by blank lines, one a record: render(record, options) -> text."""

    def write(records, options):
        for n, record in enumerate(records):
            sys.stdout.write(("\n" if n else "") + render(record, options) + "\n")

    return write


def _aligned(record, options):
    from .aligned import write_aligned

    return write_aligned(record, options.width)


def _sigmorphon(record, options):
    from .sigmorphon import write_sigmorphon

    return write_sigmorphon(record)


def _toolbox(record, options):
    from .toolbox import write_toolbox

    return write_toolbox(record, options.markers)


def _latex(record, options):
    from .latex import write_latex

    return write_latex(record, options.latex_style or "gb4e")


def _write_jsonl(records, options):
    out = JsonlWriter()
    for record in records:
        out.write(record)


def _write_html(records, options):
    from .html import write_page

    write_page(records, sys.stdout)


def _write_cldf(records, options):
    from .cldf import write_metadata, write_table

    columns = write_table(list(records), sys.stdout)
    if options.metadata_out is not None:
        write_metadata(options.metadata_out, columns)


FORMATS = {
    f.name: f
    for f in (
        Format("jsonl", _read_jsonl, _write_jsonl, extensions=(".jsonl", ".json")),
        Format("sigmorphon", _read_sigmorphon, _text_blocks(_sigmorphon)),
        Format("flextext", _read_flextext, extensions=(".flextext", ".xml"), unit="phrase"),
        Format("toolbox", _read_toolbox, _text_blocks(_toolbox), extensions=(".sfm", ".tbx", ".db", ".toolbox"),
               unit="record"),
        Format("cldf", _read_cldf, _write_cldf, extensions=(".csv",), unit="row"),
        Format("aligned", write=_text_blocks(_aligned)),
        Format("latex", write=_text_blocks(_latex)),
        Format("html", write=_write_html),
    )
}
READABLE = tuple(name for name, f in FORMATS.items() if f.read)  # igt-clean --from
MERGEABLE = tuple(name for name, f in FORMATS.items() if f.unit)  # igt-format --to ... --into
WRITABLE = tuple(name for name, f in FORMATS.items() if f.write or f.unit)  # igt-format --to
EXTENSIONS = {extension: name for name, f in FORMATS.items() for extension in f.extensions}
CLDF_METADATA_SUFFIX = "metadata.json"  # Generic-metadata.json, TextCorpus-metadata.json: a CLDF dataset
# Extensions of plain marker text: sniffed (the ODIN and shared-task files are .txt or bare).
SNIFFED = ("", ".txt", ".igt")
_TOOLBOX_FIRST = re.compile(r"\\(_sh|id|ref|tx|mb|ge|ft)(\s|$)")


class FormatUnknown(DataError):
    """The input's format cannot be told from its name or first lines."""


def read_input(path, fmt, bad=None, markers=None, encoding=None, metalanguage=None):
    """Yield (Location, record) from one input in the named format.

    `encoding` is for the formats that come in more than UTF-8 (marker text,
    CLDF; JSONL is UTF-8, and XML says its own); `metalanguage` picks FLEx's
    translation and glosses where they are in several languages.
    """
    if fmt not in READABLE:
        raise ValueError(f"unknown format {fmt!r}")
    return FORMATS[fmt].read(path, bad, markers, encoding, metalanguage)


def write_records(records, fmt, options):
    """Write the records (dicts) to stdout in the named format."""
    FORMATS[fmt].write(records, options)


def guess_format(path):
    """The format of a named file: from its extension, or from its first line for marker text."""
    if path in STDIN_NAMES:
        return "jsonl"
    suffix = Path(path).suffix.lower()
    if Path(path).name.lower().endswith(CLDF_METADATA_SUFFIX):
        return "cldf"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    first = _first_line(path)
    if first is None:
        return "jsonl"  # empty: the JSONL reader reports it
    if first.startswith(("{", "[")):
        return "jsonl"
    if first.startswith("<"):
        return "flextext"
    if _TOOLBOX_FIRST.match(first):
        return "toolbox"
    if first.startswith("\\"):
        return "sigmorphon"
    raise FormatUnknown("cannot tell the format from the name or the first line; name it with --from", str(path))


def _first_line(path):
    """The first non-blank line (BOM and padding stripped), or None."""
    try:
        with open(path, "rb") as stream:
            for raw in stream:
                text = raw.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
                if text:
                    return text
    except OSError as err:
        raise DataError(f"cannot open: {err.strerror}", source_name(path)) from None
    return None
