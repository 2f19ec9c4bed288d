"""The SIGMORPHON 2023 shared-task marker text, also used by ODIN.

Blocks separated by blank lines, one tier per line:

    \\t Retinäy debex mi yižo.
    \\m r-eti-näy mi-x mi y-iži-o
    \\g IV-want-CND.CVB you-AD.ESS you II-lead-IMPR
    \\l If you want, marry her yourself.

`\\p` (part of speech per word) becomes the extra field `pos_glosses`; any other
marker `\\x` becomes a field `x`, so nothing in the file is lost. Values are
returned as written, less the padding around them: cleaning is igt-clean's job.
"""

from ..core.errors import RecordError
from .sfm import iter_blocks, marker_line, raw_text, split_marker

MARKER_FIELDS = {
    "t": "transcription",
    "m": "segmentation",
    "p": "pos_glosses",
    "g": "glosses",
    "l": "translation",
}
# The order the shared task writes them in.
WRITE_ORDER = ("t", "m", "p", "g", "l")


def read_sigmorphon(path, bad=None, encoding="utf-8"):
    """Yield (Location, record) for each block of one input (a path, or '-' for stdin).

    A block that cannot be read (text before its first marker, a marker twice)
    raises RecordError naming its line, or goes to `bad` (io.BadRecords) when given.
    """
    for location, lines in iter_blocks(path, encoding):
        try:
            record = _block_record(lines)
        except RecordError as err:
            if bad is None:
                raise
            bad.handle(err, raw_text(lines))
            continue
        yield location, record


def _block_record(lines):
    record, last = {}, None
    for location, text in lines:
        parsed = split_marker(text)
        if parsed is None:
            if last is None:
                raise RecordError("text before the first \\marker of the block", location.source, location.line)
            # A line without a marker continues the tier above it (a wrapped line).
            record[last] = f"{record[last]} {text.strip()}".strip()
            continue
        marker, value, _ = parsed
        field = MARKER_FIELDS.get(marker, marker)
        if field in record:
            raise RecordError(
                f"marker \\{marker} twice in one block (a missing blank line?)", location.source, location.line
            )
        record[field] = value.strip()
        last = field
    return record


def write_sigmorphon(record):
    """One block of marker lines (no trailing blank line); null or absent tiers are left out."""
    lines = []
    for marker in WRITE_ORDER:
        value = record.get(MARKER_FIELDS[marker])
        if value is not None:
            lines.append(marker_line(marker, str(value)))
    return "\n".join(lines)
