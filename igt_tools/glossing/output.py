"""What igt-gloss writes for each record: the input's fields, with its own output fields replaced.

Every glosser (word by word or by sentence) builds its output records here, so
that the fields a run writes are defined once.
"""

from ..core.io import warn

PROG = "igt-gloss"

# Fields igt-gloss writes: replaced on every record it outputs, so that a
# stale value from an earlier run never passes for a new one.
OUTPUT_FIELDS = ("segmentation", "glosses", "malformed", "provenance", "prediction", "confidence", "word_confidence",
                 "error")


def output_record(record, fields):
    """The record with igt-gloss's output fields replaced by `fields` (the others kept, in order)."""
    out = {key: value for key, value in record.items() if key not in OUTPUT_FIELDS}
    out.update(fields)
    return out


def error_record(location, record, message):
    warn(PROG, f"{location}: cannot gloss: {message}; written with an \"error\" field")
    return output_record(record, {"error": message})
