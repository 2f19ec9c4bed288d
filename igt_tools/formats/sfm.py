"""Standard Format Markers (SFM): the `\\marker text` lines that SIGMORPHON and Toolbox files share.

A marker line starts with a backslash, the marker name, then a space (or the
end of the line). Lines without a marker continue the field above them.
"""

import re

from ..io import read_lines

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


def raw_text(lines):
    """The block's original lines, for --bad-out."""
    return "\n".join(text for _, text in lines)


def one_line(value):
    """A value made safe for one SFM line (a newline would start a new field)."""
    return re.sub(r"[\r\n]+", " ", value)


def marker_line(marker, value):
    value = one_line(value)
    return f"\\{marker} {value}" if value else f"\\{marker}"
