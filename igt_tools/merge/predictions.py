"""Finding each unit's prediction, and reporting what the merge did."""

from collections import Counter

from ..clean import assigned_id, default_id_prefix, normalise_text, numbered_id
from ..io import warn


class Predictions:
    """The records on stdin, by id and by transcription."""

    def __init__(self, records):
        self.by_id, self.by_text = {}, {}
        for _, record in records:
            if record.get("id") is not None:
                self.by_id.setdefault(str(record["id"]), record)
            text = _normal(record.get("transcription"))
            if text is not None:
                self.by_text.setdefault(text, record)
        self.matched = Counter()  # "id", "transcription"
        self.used = set()

    def find(self, unit_id, original):
        """(prediction, status) for a unit (its id, the record the reader made of it): status "new",
        or "missing" (no record) or "unchanged" (a record that says no more than the file: straight from
        igt-clean), with no prediction."""
        prediction, how = self.by_id.get(unit_id), "id"
        if prediction is None:
            prediction, how = self.by_text.get(_normal(original.get("transcription"))), "transcription"
        if prediction is None:
            return None, "missing"
        self.matched[how] += 1
        self.used.add(id(prediction))
        if all(_normal(prediction.get(f)) == _normal(original.get(f)) for f in ("segmentation", "glosses")):
            return None, "unchanged"
        return prediction, "new"

    def unused(self):
        return sum(1 for record in self.by_id.values() if id(record) not in self.used)


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

    def summary(self, predictions):
        parts = [f"{self.counts['units']:,} {self.unit}s"]
        for what, label in (
            ("filled", "given predictions"),
            ("kept", "kept (already analysed)"),
            ("missing", "without a record"),
            ("unchanged", "with nothing new"),
            ("unplaceable", "with a prediction that does not fit"),
        ):
            if self.counts[what]:
                parts.append(f"{self.counts[what]:,} {label}")
        line = ", ".join(parts)
        if predictions.matched["transcription"]:
            line += f"; {predictions.matched['transcription']:,} matched by transcription, not by id"
        if self.counts["units"] and not predictions.matched:
            line += "; no record matched (were they cleaned from this file, by igt-clean?)"
        elif predictions.unused():
            line += f"; {predictions.unused():,} records matched no {self.unit}"
        warn(self.prog, line)
