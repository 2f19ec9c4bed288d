"""CSV read with the place of every cell, so that a writer can change one cell
and leave every other character of the file as it was (Python's csv module
gives values only).

RFC 4180 as CLDF writes it: cells separated by the delimiter, rows by CRLF,
LF or CR; a quoted cell may hold delimiters, quotes (doubled) and line
breaks. Blank lines are no rows.
"""

import re
from dataclasses import dataclass

from ..core.errors import DataError

_QUOTED = re.compile(r'"((?:[^"]|"")*)"', re.DOTALL)
_LINE_END = re.compile(r"\r\n|\n|\r")


@dataclass
class Cell:
    start: int
    end: int
    value: str
    quoted: bool


@dataclass
class Row:
    line: int  # where the row starts, from 1
    cells: list  # [Cell]

    @property
    def values(self):
        return [cell.value for cell in self.cells]

    @property
    def end(self):
        """Just past the last cell: where a cell can be added."""
        return self.cells[-1].end


def rows(text, delimiter=",", source=None):
    """Yield each Row of the text; a quote that never closes is a DataError naming its line."""
    plain = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    pos, line, size = 0, 1, len(text)
    while pos < size:
        end = _LINE_END.match(text, pos)
        if end is not None:  # a blank line
            pos, line = end.end(), line + 1
            continue
        row, cells = Row(line, []), []
        while True:
            if text.startswith('"', pos):
                match = _QUOTED.match(text, pos)
                if match is None:
                    raise DataError("a quoted cell is never closed", source, line)
                cells.append(Cell(pos, match.end(), match.group(1).replace('""', '"'), True))
                line += text.count("\n", pos, match.end())
            else:
                match = plain.match(text, pos)
                cells.append(Cell(pos, match.end(), match.group(), False))
            pos = match.end()
            if text.startswith(delimiter, pos):
                pos += len(delimiter)
                continue
            if pos < size and text[pos] not in "\r\n":
                raise DataError(f"text after a closing quote: {text[pos:pos + 10]!r}", source, line)
            break
        row.cells = cells
        yield row
        end = _LINE_END.match(text, pos)
        if end is not None:
            pos, line = end.end(), line + 1


def quote(value, delimiter=",", always=False):
    """The cell as CSV: quoted when it must be (or `always`), quotes doubled."""
    if always or any(ch in value for ch in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value
