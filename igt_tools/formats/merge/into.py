"""igt-format --into: the records on stdin merged into the original file of one format.

One merger per format of formats/registry.py that has a unit (what the summary counts).
"""

from ..registry import FORMATS
from .predictions import Predictions, Report


def _merge_flextext(original, predictions, report, prog, overwrite, markers, encoding, metadata_out, guess_marker):
    from .flextext import merge_flextext

    return merge_flextext(original, predictions, report, overwrite=overwrite)


def _merge_toolbox(original, predictions, report, prog, overwrite, markers, encoding, metadata_out, guess_marker):
    from .toolbox import DEFAULT_GUESS_MARKER, merge_toolbox

    return merge_toolbox(original, predictions, report, markers, encoding or "utf-8", overwrite,
                         guess_marker or DEFAULT_GUESS_MARKER)


def _merge_cldf(original, predictions, report, prog, overwrite, markers, encoding, metadata_out, guess_marker):
    from .cldf import merge_cldf

    return merge_cldf(original, predictions, report, encoding, overwrite, metadata_out, prog)


MERGERS = {"flextext": _merge_flextext, "toolbox": _merge_toolbox, "cldf": _merge_cldf}


def merge_into(fmt, original, records, prog, overwrite=False, markers=None, encoding=None, metadata_out=None, guess_marker=None):
    """The bytes of `original` with the predictions among `records` ((Location, record) pairs) merged in; a summary on stderr."""
    predictions = Predictions(records, prog)
    report = Report(prog, FORMATS[fmt].unit)
    merged = MERGERS[fmt](original, predictions, report, prog, overwrite, markers, encoding, metadata_out, guess_marker)
    report.summary(predictions)
    return merged
