"""Training examples as igt-format writes them: {id, glottocode, task, input, label}.

Read in full (batches are planned over the whole set), checked record by
record with file and line, and summarised by a digest that identifies the
data a model was trained on. No torch here.
"""

import hashlib
import json
from collections import Counter

from ..errors import RecordError
from ..io import iter_jsonl

# The main-example task names igt-format writes (auxiliary examples carry others).
MAIN_TASKS = ("interleaved", "concatenated", "multitask", "gloss-only", "segment-only")


def validate(record, location):
    for name in ("input", "label"):
        value = record.get(name)
        if value is None:
            why = "missing" if name not in record else "null"
            hint = " (training needs labelled examples: igt-format --split train on records with glosses)"
            raise RecordError(f'field "{name}" is {why}' + (hint if name == "label" else ""), location.source, location.line)
        if not isinstance(value, str):
            raise RecordError(f'field "{name}" must be a string, got {type(value).__name__}', location.source, location.line)
        if not value.strip():
            raise RecordError(f'field "{name}" is empty', location.source, location.line)
    for name in ("glottocode", "task"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise RecordError(f'field "{name}" must be a string or null, got {type(value).__name__}', location.source, location.line)


def read(paths, bad=None):
    """[{input, label, glottocode, task}] from JSONL inputs, in order."""
    return [
        {"input": r["input"], "label": r["label"], "glottocode": r.get("glottocode"), "task": r.get("task")}
        for _, r in iter_jsonl(paths, bad=bad, validate=validate)
    ]


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


def main_task(examples, default="interleaved"):
    """The task format the examples were made for: the commonest main task among them."""
    counts = Counter(e["task"] for e in examples if e["task"] in MAIN_TASKS)
    return counts.most_common(1)[0][0] if counts else default
