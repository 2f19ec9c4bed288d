"""A model's perplexity on gold IGT, per group: what igt-score --model adds beside the metrics.

The gold records become the model's examples for its main task (the label
igt-gloss would have it write: interleaved, or t2g and t2s for multitask,
one per word for a word model), and the loss is measured as igt-train
measures dev loss: cross-entropy per label token, the end token included.
Beside it, as the published lang_perplexities.csv counts them: label
tokens, and the gold glosses' morphemes and words (REFERENCE.md 5.1).
"""

import contextlib
from collections import Counter

from ..core import tokens
from ..examples import building as examples_mod
from ..metrics import ALL
from ..metrics.calibration import perplexity
from . import batching
from .distributed import Dist
from .training import dev_loss_by_language

# A group key for records without one: they count in "all" only, as in igt-score.
UNGROUPED = "\0ungrouped"


def gold_perplexities(model, tokenizer, metadata, records, batch_tokens, device, retrieval=None):
    """{group: figures} and {ALL: figures} for [(group or None, record)]; a context model's words
    looked up in `retrieval` (a lexicon's), else each record's in nothing but itself.

    figures: {"perplexity", "loss", "tokens", "examples", "morphemes", "words", "left_out"}; a
    group none of whose records gives a label has only its counts.
    """
    made, counts = [], {}
    for group, record in records:
        key = UNGROUPED if group is None else group
        count = counts.setdefault(key, Counter())
        record_examples, left_out = examples_mod.for_model([record], metadata, split="eval", retrieval=retrieval)
        if left_out:
            count["left_out"] += 1
            continue
        for example in record_examples:
            made.append({**example, "glottocode": key})  # the loss is summed by this key
        glosses = record.get("glosses") or ""
        words = tokens.words(glosses)
        count["words"] += len(words)
        count["morphemes"] += sum(len(tokens.split_morphemes(word)) for word in words)
    encoded = batching.encode(made, tokenizer, metadata.max_input_tokens or 1024, metadata.max_label_tokens or 1024)
    losses = dev_loss_by_language(model, encoded, batch_tokens, device, Dist(), contextlib.nullcontext) if encoded else {}
    per_group = (losses or {}).get("dev_languages", {})
    out = {}
    for key, count in counts.items():
        if key != UNGROUPED:
            out[key] = _figures(per_group.get(key), count)
    total = sum(counts.values(), Counter())
    overall = None
    if per_group:
        overall = {"loss": losses["dev_loss"], "tokens": sum(g["tokens"] for g in per_group.values()),
                   "examples": sum(g["examples"] for g in per_group.values())}
    out[ALL] = _figures(overall, total)
    return out


def _figures(loss, count):
    figures = {"perplexity": None, "loss": None, "tokens": 0, "examples": 0}
    if loss is not None:
        figures.update(perplexity=perplexity(loss["loss"]), loss=loss["loss"], tokens=loss["tokens"],
                       examples=loss["examples"])
    figures.update(morphemes=count["morphemes"], words=count["words"], left_out=count["left_out"])
    return figures
