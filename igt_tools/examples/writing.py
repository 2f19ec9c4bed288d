"""igt-format's examples: every record's examples as JSONL, and a report of the records that
could not be labelled (misaligned tiers, a missing tier) or whose label will not parse back exactly."""

import collections

from ..core import interleaved
from ..core.io import JsonlWriter, warn
from . import context, tasks


def write_examples(records, task, prompt_set, split, prog, quiet=False, unit="sentence", distinct=False):
    """Stream the examples of every record ((Location, record) pairs) to stdout as JSONL; report and count
    on stderr, under the command's name `prog`, what cannot be labelled."""
    report = _Report(prog, quiet)
    out = JsonlWriter()
    seen = set()  # (input, label) pairs written, with --distinct
    for location, record in records:
        report.records += 1
        try:
            examples = tasks.examples_of(record, task, split, prompt_set, unit)
        except tasks.UNLABELLED as err:
            report.unlabelled(location, err)
            continue
        if any(example["task"] == "interleaved" and example["label"] is not None for example in examples):
            ok, why = interleaved.representable(record["segmentation"], record["glosses"])
            if not ok:
                report.unrepresentable(location, why)
        if distinct:
            examples = [e for e in examples if _first_time(seen, (e["input"], e["label"]))]
        for example in examples:
            out.write(example)
        report.examples += len(examples)
    report.summary()


def write_context_examples(records, retrieval=None, split="eval", distinct=False, settings=context.DEFAULT):
    """Context examples (context.py, made with `settings`) of records to stdout: looked up with
    `retrieval` (a lexicon's), or, in the training split without one, each record in the others
    (all read first)."""
    if retrieval is None and split == "train":
        examples = context.training_examples(list(records), settings=settings)
    else:
        examples = context.examples_against(records, retrieval, split, settings)
    out, seen = JsonlWriter(), set()
    for example in examples:
        if not distinct or _first_time(seen, (example["input"], example["label"])):
            out.write(example)


def _first_time(seen, key):
    if key in seen:
        return False
    seen.add(key)
    return True


class _Report:
    """Counts and warning lines for the records igt-format could not turn into examples cleanly."""

    def __init__(self, prog, quiet):
        self.prog = prog
        self.quiet = quiet
        self.records = self.examples = 0
        self.left_out = collections.Counter()
        self.inexact = collections.Counter()

    def unlabelled(self, location, err):
        kind = "misaligned" if isinstance(err, interleaved.Misaligned) else "missing tier"
        self.left_out[kind] += 1
        if not self.quiet:
            warn(self.prog, f"{location}: left out, no label ({kind}): {err}")

    def unrepresentable(self, location, why):
        self.inexact[why] += 1
        if not self.quiet:
            warn(self.prog, f"{location}: label will not parse back exactly ({why})")

    def summary(self):
        line = f"{_n(self.records, 'record')}, {_n(self.examples, 'example')}"
        if self.left_out:
            line += f"; {_n(sum(self.left_out.values()), 'record')} left out without a label ({_counts(self.left_out)})"
        if self.inexact:
            line += f"; {_n(sum(self.inexact.values()), 'label')} will not parse back exactly ({_counts(self.inexact)})"
        warn(self.prog, line)


def _n(count, noun):
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _counts(counter):
    return ", ".join(f"{kind}: {n}" for kind, n in counter.most_common())
