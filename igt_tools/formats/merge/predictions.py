"""Finding each unit's prediction, and reporting what the merge did."""

from collections import Counter

from ...core.io import warn
from ..cleaning import assigned_id, default_id_prefix, normalise_text, numbered_id


class Predictions:
    """The records on stdin, by id and by transcription.

    A record's id finds its unit (as igt-clean numbered it), but only where
    the transcriptions agree (a file may give two units one id; a record may
    carry another unit's id by mistake); a record whose id is no unit's
    finds the unit with its transcription. A second record with the same id
    and transcription as an earlier one is reported and ignored.
    """

    def __init__(self, records, prog="igt-format"):
        self.by_id, self.by_text = {}, {}
        for location, record in records:
            text = _normal(record.get("transcription"))
            if record.get("id") is not None:
                same_id = self.by_id.setdefault(str(record["id"]), [])
                if any(_normal(other.get("transcription")) == text for other in same_id):
                    where = f"{location}: " if location is not None else ""
                    warn(prog, f"{where}a second record with id {str(record['id'])!r} and the same transcription: ignored")
                    continue
                same_id.append(record)
            if text is not None:
                self.by_text.setdefault(text, record)
        self.unit_ids = set()
        self.matched = Counter()  # "id", "transcription"
        self.used = set()

    def find(self, unit_id, original):
        """(prediction, status) for a unit (its id, the record the reader made of it): status "new",
        or "missing" (no record), "conflict" (a record with its id but another transcription) or
        "unchanged" (a record that says no more than the file: straight from igt-clean), with no prediction."""
        text = _normal(original.get("transcription"))
        same_id = self.by_id.get(unit_id, [])
        prediction = next((r for r in same_id if _normal(r.get("transcription")) in (text, None)), None)
        how = "id"
        if prediction is None and same_id:
            return None, "conflict"
        if prediction is None:
            prediction, how = self.by_text.get(text), "transcription"
            if prediction is not None and str(prediction.get("id")) in self.unit_ids:
                prediction = None  # another unit's record
        if prediction is None:
            return None, "missing"
        self.matched[how] += 1
        self.used.add(id(prediction))
        if all(_normal(prediction.get(f)) == _normal(original.get(f)) for f in ("segmentation", "glosses")):
            return None, "unchanged"
        return prediction, "new"

    def unused(self):
        return sum(1 for records in self.by_id.values() for record in records if id(record) not in self.used)


def predicted_units(units, path, predictions, report):
    """Yield (number, location, record, unit, prediction) for each unit of the original ((Location, record,
    unit) in file order, numbered from 1) that has a new prediction; the others are counted, conflicts reported."""
    ids = unit_ids(path)
    numbered = [(ids(record, number), number, location, record, unit) for number, (location, record, unit) in enumerate(units, 1)]
    predictions.unit_ids = {unit_id for unit_id, *_ in numbered}
    for unit_id, number, location, record, unit in numbered:
        report.count("units")
        prediction, status = predictions.find(unit_id, record)
        if status == "conflict":
            report.count(status, location, f"the record with its id {unit_id!r} has another transcription")
        elif prediction is None:
            report.count(status)
        else:
            yield number, location, record, unit, prediction


def unit_ids(path):
    """id(record, number) -> the id igt-clean gives the unit (records numbered from 1 in the file)."""
    prefix = default_id_prefix(path)
    return lambda record, number: assigned_id(record, numbered_id(prefix, number))


def _normal(value):
    return normalise_text(value) if isinstance(value, str) else None


class Report:
    """Counts of what happened to the original's units; one summary line on stderr."""

    def __init__(self, prog, unit="phrase"):
        self.prog = prog
        self.unit = unit
        self.counts = Counter()

    def count(self, what, location=None, why=None):
        self.counts[what] += 1
        if why is not None:
            warn(self.prog, f"{location}: {self.unit} left as it was: {why}")

    def word_kept(self, location, why):
        """One word of a unit left as it was, the others merged."""
        self.counts["words kept"] += 1
        warn(self.prog, f"{location}: {why}")

    def summary(self, predictions):
        parts = [f"{self.counts['units']:,} {self.unit}s"]
        for what, label in (
            ("filled", "given predictions"),
            ("kept", "kept (already analysed)"),
            ("missing", "without a record"),
            ("unchanged", "with nothing new"),
            ("unplaceable", "with a prediction that does not fit"),
            ("conflict", "whose record has another transcription"),
        ):
            if self.counts[what]:
                parts.append(f"{self.counts[what]:,} {label}")
        line = ", ".join(parts)
        if self.counts["words kept"]:
            line += f"; {self.counts['words kept']:,} misaligned words left as they were"
        if predictions.matched["transcription"]:
            line += f"; {predictions.matched['transcription']:,} matched by transcription, not by id"
        if self.counts["units"] and not predictions.matched:
            line += "; no record matched (were they cleaned from this file, by igt-clean?)"
        elif predictions.unused():
            line += f"; {predictions.unused():,} records matched no {self.unit}"
        warn(self.prog, line)
