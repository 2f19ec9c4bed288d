"""igt-score's engine: predictions joined to gold records by `id`, streamed, and scored.

Both inputs are read as streams, and memory holds only the ids: with the
predictions in gold order (as igt-gloss writes them) each gold record is
scored as it is read; in another order, a record read ahead of its prediction
is read again from its line when the prediction comes (from stdin or a pipe,
held until then).
"""

import gc
import json
import os
import stat
from contextlib import closing, contextmanager

from ..core.errors import DataError, RecordError, quoted
from ..core.io import STDIN_NAMES, Location, iter_jsonl, iter_jsonl_offsets, open_binary, read_record_at, source_name
from ..core.record import check_types, require, text
from .corpus import ALL, CorpusScorer
from .glossing import EmptyGold

SHOWN_IDS = 5


def _validate(record, location):
    """Gold and predictions alike need an `id` (string or integer) and `glosses` (a string)."""
    _validate_id(record, location)
    require(record, location, "glosses")


def _validate_id(record, location):
    check_types(record, location)
    if record.get("id") is None:
        raise RecordError('missing field "id" (needed to join predictions to gold)', location.source, location.line)


def _validate_prediction(record, location):
    """As _validate, but a record igt-gloss could not gloss (an `error`, no glosses) needs no glosses."""
    if record.get("error") is not None and record.get("glosses") is None:
        _validate_id(record, location)
        return
    _validate(record, location)


def _group_of(record, field, location):
    value = record.get(field)
    if value is None or isinstance(value, str):
        return value if value and value.strip() else None  # blank: no group, like a missing field
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise RecordError(f'field "{field}" must be a string, number or null to group by', location.source, location.line)


class _Gold:
    """What scoring needs of one gold record."""

    __slots__ = ("id", "location", "glosses", "segmentation", "group")

    def __init__(self, location, record, by):
        self.id = record["id"]
        self.location = location
        self.glosses = record["glosses"]
        self.segmentation = text(record, "segmentation")
        self.group = _group_of(record, by, location)


class _GoldStream:
    """The gold records, read as the predictions ask for them.

    Predictions usually come in gold order (igt-gloss keeps it), some perhaps
    left out: then each finds its gold record at once. A prediction further on
    in the gold reads on to its record, and the records passed on the way wait
    for theirs. In a regular file a waiting record is only where its line
    starts, read again when its prediction comes: memory holds the ids, in
    any order. Gold from stdin or a pipe cannot be read again: there the
    waiting records are held whole.
    """

    def __init__(self, path, by):
        self._path = path
        self._records = iter_jsonl_offsets([path], validate=_validate)
        self._by = by
        # id -> _packed(its gold line, its line's byte offset, the line of its prediction or 0):
        # one int per record, where a dict or an object per record would hold several.
        self._seen = {}
        self._waiting = 0  # records read ahead of their predictions
        self._held = None if _rereadable(path) else {}  # id -> _Gold waiting, when the gold cannot be read again
        self._reread = None  # the gold file opened again, for the waiting records
        self.ungrouped = 0

    def find(self, key, location):
        """The gold record of the prediction at `location` with this id, reading on to it if need be;
        None when no gold record has it. A second prediction of an id is an error."""
        packed = self._seen.get(key)
        if packed is None:
            reference = next((gold for other, gold in self._read(park=key) if other == key), None)
            if reference is None:
                return None
            packed = self._seen[key]
        else:
            gold_line, offset, predicted = _unpacked(packed)
            if predicted:
                raise DataError(f"id {quoted(key)} repeated (first at line {predicted})", location.source,
                                location.line)
            reference = self._take(key, gold_line, offset)
        self._seen[key] = packed + _packed(0, 0, location.line)
        return reference

    def rest(self):
        """The gold records no prediction asked for, in gold order."""
        if self._waiting:
            for key, packed in self._seen.items():
                gold_line, offset, predicted = _unpacked(packed)
                if not predicted:
                    yield self._take(key, gold_line, offset)
        for _, reference in self._read():
            yield reference

    def close(self):
        self._records.close()
        if self._reread is not None:
            self._reread.close()

    def _read(self, park=None):
        """(id, _Gold) of the records read from here on; those before `park`'s wait for their predictions."""
        for location, offset, record in self._records:
            key = record["id"]
            if key in self._seen:
                first = _unpacked(self._seen[key])[0]
                raise DataError(f"id {quoted(key)} repeated (first at line {first})", location.source, location.line)
            self._seen[key] = _packed(location.line, offset)
            reference = _Gold(location, record, self._by)
            self.ungrouped += reference.group is None
            if park is not None and key != park:
                self._waiting += 1
                if self._held is not None:
                    self._held[key] = reference
            yield key, reference

    def _take(self, key, gold_line, offset):
        """The waiting gold record of this id: held, or read again from its line."""
        self._waiting -= 1
        if self._held is not None:
            return self._held.pop(key)
        if self._reread is None:
            self._reread = open_binary(self._path)[0]
        location = Location(source_name(self._path), gold_line)
        record = read_record_at(self._reread, offset, location, _validate)
        if record is None or record["id"] != key:
            raise DataError("changed while igt-score read it", location.source, location.line)
        return _Gold(location, record, self._by)


def _rereadable(path):
    """A regular file can be read again at an offset; stdin, a pipe or a device may not."""
    try:
        return path not in STDIN_NAMES and stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # the reading names the problem
        return False


_FIELD = 1 << 48  # more lines, or bytes, than any gold file has


def _packed(gold_line, offset, predicted_line=0):
    return gold_line + _FIELD * (offset + _FIELD * predicted_line)


def _unpacked(packed):
    """(gold line, offset, prediction line) of a _packed int."""
    rest, gold_line = divmod(packed, _FIELD)
    predicted_line, offset = divmod(rest, _FIELD)
    return gold_line, offset, predicted_line


class _Listed:
    """Ids to list in an error: how many, the first few, where the first is."""

    def __init__(self):
        self.count = 0
        self.shown = []
        self.first = None

    def add(self, location, key):
        self.count += 1
        if self.first is None:
            self.first = location
        if len(self.shown) <= SHOWN_IDS:
            self.shown.append(key)

    def __str__(self):
        shown = ", ".join(map(quoted, self.shown[:SHOWN_IDS]))
        more = self.count - SHOWN_IDS
        return shown + (f" and {more} more" if more > 0 else "")


def _join_error(unknown, missing, gold_path):
    """One DataError for predictions whose id is not in gold and gold ids without prediction (_Listed each)."""
    parts = []
    if unknown.count:
        parts.append(f"{unknown.count} prediction id(s) not in {source_name(gold_path)}: {unknown}")
    if missing.count:
        parts.append(f"{missing.count} gold id(s) without a prediction: {missing} (--missing empty scores them as empty)")
    where = unknown.first if unknown.count else missing.first
    return DataError("; ".join(parts), where.source, where.line)


@contextmanager
def _no_cycle_collection():
    """Scoring makes many small objects and no reference cycles: without this, the
    cycle collector rescans the growing gold table again and again, for nothing
    (about a seventh of the run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def score(gold_path, predictions_path, by="glottocode", missing="error", sacrebleu=False):
    """Join, score and return (figures, notes): the whole of igt-score but the printing."""
    with _no_cycle_collection(), closing(_GoldStream(gold_path, by)) as gold:
        return _score(gold, gold_path, predictions_path, by, missing, sacrebleu)


def _score(gold, gold_path, predictions_path, by, missing, sacrebleu):
    scorer = CorpusScorer(sacrebleu=sacrebleu)
    unknown = _Listed()

    def add(reference, glosses, segmentation, is_missing=False, provenance=None):
        if reference.group == ALL:
            raise DataError(
                f'--by {by}: a group is named "{ALL}", like the figures over all groups', *_where(reference)
            )
        try:
            scorer.add(reference.group, glosses, reference.glosses, segmentation, reference.segmentation, is_missing,
                       provenance)
        except EmptyGold as err:
            raise DataError(str(err), *_where(reference)) from None

    for location, record in iter_jsonl([predictions_path], validate=_validate_prediction, allow_empty=True):
        reference = gold.find(record["id"], location)
        if reference is None:
            unknown.add(location, record["id"])
            continue
        if record.get("glosses") is None:
            # igt-gloss could not gloss it (see its `error`): scored as an empty prediction.
            add(reference, "", "" if reference.segmentation is not None else None, is_missing=True)
            continue
        add(reference, record["glosses"], record.get("segmentation"), provenance=record.get("provenance"))
    without_prediction = _Listed()
    for reference in gold.rest():
        if missing == "error" or unknown.count:
            without_prediction.add(reference.location, reference.id)
        else:
            # A missing prediction is empty in every tier it would have had.
            add(reference, "", "" if reference.segmentation is not None else None, is_missing=True)
    if unknown.count or (without_prediction.count and missing == "error"):
        raise _join_error(unknown, without_prediction if missing == "error" else _Listed(), gold_path)
    return scorer.figures(), _notes(gold.ungrouped, scorer, by)


def _where(reference):
    return reference.location.source, reference.location.line


def _notes(ungrouped, scorer, by):
    notes = []
    unaligned = scorer.all.provenance.unaligned
    if unaligned:
        notes.append(f'{unaligned} prediction(s) with a "provenance" that is not one source per gloss word: '
                     "left out of the figures per source")
    if ungrouped and scorer.groups:
        notes.append(f'{ungrouped} gold record(s) without "{by}": counted in "all" only')
    # Over all, languages with and without segmentation may mix; a note is for one group.
    for name, group in scorer.groups.items() if scorer.groups else [("all", scorer.all)]:
        scored, total = group.segmentation.count, group.glossing.count
        if 0 < scored < total:
            notes.append(f"{name}: segmentation scored on {scored} of {total} sentences (the others lack one)")
    return notes


def gold_records(path, by):
    """[(group or None, record)] of the gold file, for the model's figures."""
    return [(_group_of(record, by, location), record) for location, record in iter_jsonl([path], validate=_validate)]
