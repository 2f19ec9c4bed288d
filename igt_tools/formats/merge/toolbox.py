"""Predictions into a Toolbox file, every other byte kept.

In each interlinear line set (`\\tx` and what follows it) that has no
morpheme line (`\\mb`) and no gloss line (`\\ge`), both are added after the
transcription line, Toolbox's way: each morpheme in its own column with its
boundary on the affix (`ka-  mwali`), its gloss in the same column (`3SG-
house`), each word starting under its transcription word where there is
room. A line set with one of the two gets the other under the tokens it has,
where the prediction agrees with them; with `overwrite` both are written
anew, in place. A record that got anything ends with a marker line
(`\\igt guess mb ge`: what was predicted), in place of an earlier one.
"""

import re

from ...core.errors import DataError
from ...core.tokens import is_punctuation
from .. import GUESS
from ..morphemes import BOUNDARIES
from ..sfm import split_raw
from ..toolbox import RECORD_MARKERS, bundle_word_counts, fields, file_markers, interlinear_bundles, read_records
from .patch import apply_edits, read_bytes
from .predictions import predicted_units
from .words import UNKNOWN, Unplaceable, placeable_words, split_among

DEFAULT_GUESS_MARKER = "igt"
_TOKEN = re.compile(r"\S+")


def merge_toolbox(path, predictions, report, markers=None, encoding="utf-8", overwrite=False, guess_marker=DEFAULT_GUESS_MARKER):
    """The bytes of the Toolbox file at `path` with the predictions merged in."""
    markers = file_markers(path, markers)
    if guess_marker in markers.values() or guess_marker in RECORD_MARKERS:
        raise ValueError(f"the prediction marker \\{guess_marker} is already a tier or the record marker")
    data = read_bytes(path)
    raw = split_raw(data)
    starts = [0]
    for line in raw:
        starts.append(starts[-1] + len(line))
    merger = _RecordMerger(raw, starts, markers, encoding, overwrite, guess_marker)
    units = read_records(path, markers, None, encoding)
    for _, location, record, lines, prediction in predicted_units(units, path, predictions, report):
        try:
            written = merger.merge(lines, placeable_words(prediction, record, lambda why: report.word_kept(location, why), whole=True))
        except Unplaceable as err:
            report.count("unplaceable", location, err)
            continue
        report.count("filled" if written else "kept")
    return apply_edits(data, merger.edits)


class _RecordMerger:
    def __init__(self, raw, starts, markers, encoding, overwrite, guess_marker):
        self.raw, self.starts = raw, starts
        self.markers, self.encoding = markers, encoding
        self.overwrite, self.guess_marker = overwrite, guess_marker
        self.edits = []

    def merge(self, lines, words):
        """Queue the edits of one record (its [(Location, text)]); the markers written, [] for none."""
        number = {i: location.line - 1 for i, (location, _) in enumerate(lines)}  # index in the record -> in the file
        record_fields = fields(lines)
        bundles = interlinear_bundles(record_fields, self.markers)
        tx, mb, ge = (self.markers.get(t) for t in ("transcription", "segmentation", "glosses"))
        if not bundles or any(tx not in bundle for bundle in bundles):
            raise Unplaceable("a line set without a transcription line")
        counts = bundle_word_counts(bundles, self.markers, len(words))
        written, edits = set(), []
        for bundle, bundle_words in zip(bundles, split_among(words, counts)):
            edits += self._bundle_edits(bundle, bundle_words, number, tx, mb, ge, written)
        if not edits:
            return []
        self.edits += edits
        old = next((f for f in record_fields if f.name == self.guess_marker), None)
        value = f"\\{self.guess_marker} {GUESS} " + " ".join(m for m in (mb, ge) if m in written)
        if old is not None:
            self.edits.append(self._replace(old, number, value))
        else:
            self.edits.append(self._insert_after(number[len(lines) - 1], [value]))
        return sorted(written)

    def _bundle_edits(self, bundle, words, number, tx, mb, ge, written):
        has_glosses = all(m.gloss is not None for w in words for m in w.morphs)
        writing = [
            marker
            for marker, possible in ((mb, True), (ge, has_glosses))
            if marker is not None and possible and (self.overwrite or not _has_text(bundle, marker))
        ]
        if not writing:
            return []
        morphs = [m for w in words for m in w.morphs]
        kept = next((marker for marker in (mb, ge) if _has_text(bundle, marker) and marker not in writing), None)
        if kept is None:  # laid out under the transcription's words
            columns = self._word_columns(bundle[tx], words)
            tokens = {mb: [m.form for m in morphs], ge: [_gloss_token(m) for m in morphs]}
            new = {marker: _layout(marker, list(zip(columns, tokens[marker]))) for marker in writing}
        elif kept == mb:  # under the morpheme tokens the line set has
            new = {ge: self._under(bundle[mb], ge, morphs, [m.form for m in morphs], _gloss_token)}
        else:  # over the gloss tokens it has
            new = {mb: self._under(bundle[ge], mb, morphs, [_gloss_token(m) for m in morphs], lambda m: m.form)}
        edits, anchor = [], bundle[tx]
        for marker in (mb, ge):
            if marker not in new:
                if marker in bundle:
                    anchor = bundle[marker]
                continue
            written.add(marker)
            if marker in bundle:
                edits.append(self._replace(bundle[marker], number, new[marker]))
                anchor = bundle[marker]
            else:
                edits.append(self._insert_after(number[anchor.lines[-1][0]], [new[marker]]))
        return edits

    def _word_columns(self, tx_field, words):
        """The column of each morpheme: words start under their transcription word where there is room
        (and where they are as many: else one after the other)."""
        targets = _token_columns(tx_field, skip_punctuation=True)
        if targets is None or len(targets) != len(words):
            targets = [None] * len(words)
        columns, cursor = [], len(tx_field.lines[0][1]) - len(tx_field.lines[0][1][tx_field.column:])
        for target, word in zip(targets, words):
            column = max(cursor, target or 0)
            for morph in word.morphs:
                columns.append(column)
                column += max(len(morph.form), len(_gloss_token(morph))) + 1
            cursor = column
        return columns

    def _under(self, field, marker, morphs, expected, token):
        """A new line whose tokens stand under the field's own, where those are what the prediction expects."""
        found = _TOKEN.findall(_field_text(field))
        if [t.strip("".join(BOUNDARIES)) for t in found] != [e.strip("".join(BOUNDARIES)) for e in expected]:
            raise Unplaceable(f"the prediction does not agree with the \\{field.name} line there")
        columns = _token_columns(field) or [None] * len(morphs)
        placed, cursor = [], len(marker) + 2
        for column, morph in zip(columns, morphs):
            column = max(cursor, column or 0)
            placed.append((column, token(morph)))
            cursor = column + len(token(morph)) + 1
        return _layout(marker, placed)

    def _replace(self, field, number, text):
        """Edit: the field's lines (marker and continuations) become one line."""
        first, last = number[field.lines[0][0]], number[field.lines[-1][0]]
        return self.starts[first], self.starts[last] + len(self.raw[last].rstrip(b"\r\n")), self._encode(text)

    def _insert_after(self, line, texts):
        """Edit: new lines after this line of the file, with its line end."""
        content = self.raw[line].rstrip(b"\r\n")
        # Its own line end; on a last line without one, that of the nearest line before it (a file may mix them).
        ends = (r[len(r.rstrip(b"\r\n")):] for r in reversed(self.raw[:line + 1]))
        newline = next((end for end in ends if end), b"\n")
        position = self.starts[line] + len(content)
        return position, position, b"".join(newline + self._encode(text) for text in texts)

    def _encode(self, text):
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError as err:
            raise DataError(f"a prediction cannot be written in {self.encoding}: {err.object[err.start:err.end]!r}") from None


def _has_text(bundle, marker):
    """The line set has this tier, and not as an empty line (`\\mb` alone: a place kept for the analysis)."""
    return marker in bundle and bool(_field_text(bundle[marker]).strip())


def _field_text(field):
    """A field's value over its lines."""
    return " ".join([field.value] + [text for _, text in field.lines[1:]])


def _token_columns(field, skip_punctuation=False):
    """The columns of a one-line field's tokens; None for a field over several lines (its columns say nothing)."""
    if len(field.lines) > 1:
        return None
    text = field.lines[0][1]
    return [m.start() for m in _TOKEN.finditer(text, field.column) if not (skip_punctuation and is_punctuation(m.group()))]


def _gloss_token(morph):
    return morph.gloss_form if morph.gloss is not None else UNKNOWN


def _layout(marker, placed):
    """`\\marker` and tokens at their columns (at least one space apart)."""
    line = f"\\{marker}"
    for column, token in placed:
        line += " " * max(1, column - len(line)) + token
    return line
