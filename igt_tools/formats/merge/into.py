"""igt-format --into: the records on stdin merged into the original file of one format."""

from .predictions import Predictions, Report

UNITS = {"flextext": "phrase", "toolbox": "record", "cldf": "row"}


def merge_into(fmt, original, records, prog, overwrite=False, markers=None, encoding=None, metadata_out=None, guess_marker=None):
    """The bytes of `original` with the predictions among `records` ((Location, record) pairs) merged in; a summary on stderr."""
    predictions = Predictions(records, prog)
    report = Report(prog, UNITS[fmt])
    if fmt == "flextext":
        from .flextext import merge_flextext

        merged = merge_flextext(original, predictions, report, overwrite=overwrite)
    elif fmt == "toolbox":
        from .toolbox import DEFAULT_GUESS_MARKER, merge_toolbox

        merged = merge_toolbox(
            original, predictions, report, markers, encoding or "utf-8", overwrite, guess_marker or DEFAULT_GUESS_MARKER
        )
    else:
        from .cldf import merge_cldf

        merged = merge_cldf(original, predictions, report, encoding, overwrite, metadata_out, prog)
    report.summary(predictions)
    return merged
