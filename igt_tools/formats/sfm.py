"""Standard Format Markers (SFM): the `\\marker text` lines that SIGMORPHON and Toolbox files share.

A marker line starts with a backslash, the marker name, then a space (or the
end of the line). Lines without a marker continue the field above them.

Lines end at LF (a CRLF's CR is part of the line end), or at CR in a file
whose first 64 KiB hold a CR and no LF (classic Mac OS). `marker_lines`
reads them: a UTF-8 file with a few damaged lines (bytes cut out of a
character by column editing) is read with U+FFFD for each bad byte and
every such line reported, its bytes kept as they were by the merge writers;
a file whose first non-ASCII line is not UTF-8 is in another encoding, a
one-line error that says how to name it.
"""

import re

from ..core.errors import DataError
from ..core.io import Location, open_binary, source_name, read_lines
from . import note

CHUNK = 1 << 16

_MARKER = re.compile(r"\\([^\s\\]+)(?:[ \t]|$)")


def split_marker(text):
    """`\\t some text` -> ('t', 'some text', 3): name, value, column where the value starts; None if no marker."""
    match = _MARKER.match(text)
    if match is None:
        return None
    return match.group(1), text[match.end():], match.end()


def iter_blocks(path, encoding="utf-8"):
    """Yield (Location of its first line, [(Location, text), ...]) for each blank-line separated block."""
    block = []
    for location, text in read_lines(path, encoding, suggest_encoding=True):
        if text.strip():
            block.append((location, text))
        elif block:
            yield block[0][0], block
            block = []
    if block:
        yield block[0][0], block


def line_end(head):
    """The byte that ends lines in a file that starts with `head`: LF, or CR where there is no LF (classic Mac OS)."""
    return b"\r" if b"\n" not in head[:CHUNK] and b"\r" in head[:CHUNK] else b"\n"


def split_raw(data):
    """The lines of a whole file's bytes, each with its line end, split where `marker_lines` splits them."""
    end = line_end(data)
    pieces = data.split(end)
    return [piece + end for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


def raw_lines(path):
    """Yield (Location, bytes) for each line of one input, its line end included (see line_end)."""
    name = source_name(path)
    stream, owned = open_binary(path)
    try:
        chunk = stream.read(CHUNK)
        end, pending, number = line_end(chunk), b"", 0
        while chunk:
            *lines, pending = (pending + chunk).split(end)
            for line in lines:
                number += 1
                yield Location(name, number), line + end
            chunk = stream.read(CHUNK)
        if pending:
            yield Location(name, number + 1), pending
    finally:
        if owned:
            stream.close()


def marker_lines(path, encoding="utf-8"):
    """Yield (Location, text) for each line of a marker file, without its line end (nor a BOM on line 1)."""
    label = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    read_as_encoded = False  # a non-ASCII line read well: the file is in this encoding, any bad line is damage
    for location, raw in raw_lines(path):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            if not read_as_encoded:
                raise DataError(
                    f"not valid {label} (byte {err.start + 1} of the line); name its encoding with --encoding,"
                    " e.g. --encoding cp1252 (Windows) or --encoding latin-1", location.source, location.line
                ) from None
            text = raw.decode(encoding, errors="replace")
            note(f"{location}: not valid {label} (byte {err.start + 1} of the line): read with U+FFFD"
                 " for each bad byte; a merge keeps the line's bytes")
        else:
            read_as_encoded = read_as_encoded or not raw.isascii()
        if location.line == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield location, text.rstrip("\r\n")


def raw_text(lines):
    """The block's original lines, for --bad-out."""
    return "\n".join(text for _, text in lines)


def one_line(value):
    """A value made safe for one SFM line (a newline would start a new field)."""
    return re.sub(r"[\r\n]+", " ", value)


def marker_line(marker, value):
    value = one_line(value)
    return f"\\{marker} {value}" if value else f"\\{marker}"
