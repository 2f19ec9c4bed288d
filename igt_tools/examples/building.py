"""Training examples as igt-format writes them: {id, glottocode, task, input, label}.

Read in full (batches are planned over the whole set), checked record by
record with file and line, and summarised by a digest that identifies the
data a model was trained on. For a given model (igt-lora, igt-score
--model), IGT records are made into its examples here as igt-format would.
No torch here.
"""

import hashlib
import json
from collections import Counter

from ..core import interleaved, words
from ..core.errors import DataError, RecordError
from ..core.io import iter_jsonl
from ..core.record import check_types, require
from . import context as word_context
from . import prompts, tasks


def validate(record, location):
    def error(message):
        return RecordError(message, location.source, location.line)

    for name in ("input", "label"):
        value = record.get(name)
        if value is None:
            why = "missing" if name not in record else "null"
            hint = " (training needs labelled examples: igt-format --split train on records with glosses)"
            raise error(f'field "{name}" is {why}' + (hint if name == "label" else ""))
        if not isinstance(value, str):
            raise error(f'field "{name}" must be a string, got {type(value).__name__}')
        if not value.strip():
            raise error(f'field "{name}" is empty')
    for name in ("glottocode", "task", "unit"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise error(f'field "{name}" must be a string or null, got {type(value).__name__}')
    if record.get("unit") not in (None, *tasks.UNITS):
        raise error(f'field "unit" must be one of {", ".join(tasks.UNITS)}, got {record.get("unit")!r}')
    if record.get("retrieval") is not None:
        try:
            word_context.Settings.from_dict(record["retrieval"])
        except ValueError as err:
            raise error(f'field "retrieval": {err}') from None


def read(paths, bad=None):
    """[{input, label, glottocode, task}] from JSONL inputs, in order."""
    return [_example(r) for _, r in iter_jsonl(paths, bad=bad, validate=validate)]


def _example(record):
    example = {"input": record["input"], "label": record["label"], "glottocode": record.get("glottocode"),
               "task": record.get("task"), "unit": record.get("unit") or "sentence"}
    if example["unit"] == word_context.UNIT:
        example["retrieval"] = word_context.Settings.from_dict(record.get("retrieval"))
    return example


def is_example(record):
    """An igt-format example (input and label) rather than an IGT record."""
    return "input" in record or "label" in record


def _validate_example_or_record(record, location):
    if is_example(record):
        validate(record, location)
    else:
        check_types(record, location)
        require(record, location, "transcription")


def read_for_model(paths, metadata, split="train", bad=None):
    """(examples, Counter of records left out by why) for a model from JSONL inputs, in order.

    igt-format's examples are taken as they are; IGT records become the
    model's examples (its task, prompt set and unit, as igt-format --split
    SPLIT would make them). A record that gives no labelled example is left
    out: misaligned tiers, or a tier its label needs missing.
    """
    records = (record for _, record in iter_jsonl(paths, bad=bad, validate=_validate_example_or_record))
    return for_model(records, metadata, split)


def for_model(records, metadata, split="train", retrieval=None):
    """read_for_model on records already read. A context model's words are looked up in
    `retrieval` (a lexicon's `context.Retrieval`) where one is given, as igt-gloss asks them."""
    out, left_out = [], Counter()
    if metadata.unit == word_context.UNIT:
        return _context_examples(records, left_out, metadata.retrieval_settings, retrieval)
    for record in records:
        if is_example(record):
            out.append(_example(record))
            continue
        try:
            made = tasks.examples_of(record, metadata.task, split, metadata.prompts, metadata.unit)
        except tasks.UNLABELLED as err:
            left_out["misaligned" if isinstance(err, interleaved.Misaligned) else "missing tier"] += 1
            continue
        labelled = [e for e in made if e["label"] is not None]
        if not labelled:
            left_out["missing tier"] += 1
        out.extend(_example(e) for e in labelled)
    return out, left_out


def _context_examples(records, left_out, settings, retrieval=None):
    """A context model's examples of IGT records: every word, looked up in the other records
    (igt-lora's few sentences are all the evidence there is) or, given one, in `retrieval`;
    examples pass through."""
    out, igt = [], []
    for record in records:
        if is_example(record):
            out.append(_example(record))
        elif words.analysed_words(record) is None:
            left_out["missing tier" if not (record.get("segmentation") and record.get("glosses")) else "misaligned"] += 1
        else:
            igt.append(record)
    if retrieval is not None:
        made = word_context.examples_against(igt, retrieval, "train", settings)
    else:
        made = word_context.training_examples(igt, attested_share=1.0, ambiguous_share=1.0, settings=settings)
    out.extend(_example(e) for e in made)
    return out, left_out


def digest(examples):
    """sha256 over the examples' content, in order: the same data gives the same digest."""
    h = hashlib.sha256()
    for e in examples:
        h.update(json.dumps([e["glottocode"], e["task"], e["input"], e["label"]], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return "sha256:" + h.hexdigest()


def languages(examples):
    """{glottocode: examples}, unknown languages as "und"."""
    return dict(sorted(Counter(e["glottocode"] or "und" for e in examples).items()))


def task_format(examples, default="interleaved"):
    """The task format (igt-format --task) the examples were made for, from their `task` fields.

    multitask and segment-only make the same training examples (t2g, t2s,
    s2g): such data is read as multitask; say --task segment-only otherwise.
    """
    tasks = {e["task"] for e in examples}
    for name in ("interleaved", "concatenated"):
        if name in tasks:
            return name
    if "t2s" in tasks:
        return "multitask" if "t2g" in tasks else "segment-only"
    if "t2g" in tasks:
        return "gloss-only"
    return default


def retrieval(examples):
    """The retrieval settings (context.Settings) the context examples were written with, None
    without context examples; a DataError where they differ (a model reads one form only)."""
    found = Counter(e["retrieval"] for e in examples if e.get("retrieval") is not None)
    if len(found) > 1:
        forms = "; ".join(f"{n} with {settings.as_dict()}" for settings, n in found.most_common())
        raise DataError(f"the context examples were written with different retrieval settings ({forms}): "
                        "make them all with the same igt-format --neighbours")
    return next(iter(found), None)


def unit(examples):
    """The examples' most common unit ("word", "context" or "sentence"; an example without one is a sentence's)."""
    units = Counter(e.get("unit") or "sentence" for e in examples)  # examples as igt-format writes them, too
    return units.most_common(1)[0][0] if units else "sentence"


def prompt_set(examples):
    """The prompt set (igt-format --prompts) the inputs were written with, or None if unknown."""
    starts = {
        "polygloss": ("Predict the ",),
        "glosslm": ("Provide the glosses for the following transcription",),
        "compact": tuple(prompts.COMPACT_MARKERS.values()),
    }
    if unit(examples) in ("word", "context"):
        return "compact"  # word inputs have a form of their own (tasks.word_input, context.py)
    counts = Counter(name for e in examples for name, heads in starts.items() if e["input"].startswith(heads))
    return counts.most_common(1)[0][0] if counts else None
