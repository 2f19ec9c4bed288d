"""How well a confidence ranks errors: glossed records with igt-gloss --confidence's
`confidence` (per sentence) and `word_confidence` (per word), against their gold records.

- errors in lowest: the share of all morpheme errors (the edit operations MER
  counts) that fall in the least confident `share` of sentences; ranking by
  chance puts `share` of them there;
- spearman: the rank correlation of the sentence confidence with sentence MER
  (ties averaged); -1 when the least confident sentences are always the worst;
- for the words the model glossed (`word_confidence` not null, the output word
  count equal to the gold's): the share of wrong glosses among the least
  confident `share` of words, against the share among all of them; and the same
  among the words under a `doubtful` confidence and the others.

benchmarks/confidence_ranking.py prints them per language and over all.
"""

from ..core import tokens
from .levenshtein import distance


def morphemes(glosses):
    """The gloss morphemes of a glosses tier, without the word separators."""
    return [m for m in tokens.morphemes(glosses or "") if m != tokens.SEP]


def sentence_rows(glossed, gold, by):
    """[(group, confidence, errors, gold morphemes, [(word confidence, wrong)])]: each glossed record
    with a confidence joined by `id` to a gold record with glosses, its group the gold's `by` field."""
    gold_by_id = {r["id"]: r for r in gold}
    rows = []
    for record in glossed:
        reference = gold_by_id.get(record.get("id"))
        if reference is None or record.get("confidence") is None or not reference.get("glosses"):
            continue
        gold_morphemes = morphemes(reference["glosses"])
        errors = distance(morphemes(record.get("glosses")), gold_morphemes)
        rows.append((reference.get(by), record["confidence"], errors, len(gold_morphemes),
                     word_rows(record, reference)))
    return rows


def word_rows(record, reference):
    """[(word confidence, wrong)] of the words the model glossed; none when the word counts differ."""
    predicted, expected = (record.get("glosses") or "").split(), tokens.words(reference["glosses"])
    scores = record.get("word_confidence") or []
    if len(predicted) != len(expected) or len(scores) != len(predicted):
        return []
    return [(score, word != gold) for score, word, gold in zip(scores, predicted, expected) if score is not None]


def ranks(values):
    """Ranks from 1, ties given the mean of their places."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            out[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return out


def spearman(xs, ys):
    """Spearman's rank correlation (ties averaged); None when either side is constant."""
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / (sxx * syy) ** 0.5 if sxx > 0 and syy > 0 else None


def figures(rows, share, doubtful):
    """The figures of a set of sentence rows (see the module's doc); None without rows.
    `doubtful`: the word confidence under which a word counts as doubtful."""
    if not rows:
        return None
    lowest = sorted(rows, key=lambda row: row[1])[: max(1, round(share * len(rows)))]
    errors = sum(row[2] for row in rows)
    mer = [min(1.0, row[2] / row[3]) for row in rows]
    words = [w for row in rows for w in row[4]]
    out = {"sentences": len(rows), "morpheme_errors": errors,
           "errors_in_lowest": sum(row[2] for row in lowest) / errors if errors else None,
           "spearman": spearman([row[1] for row in rows], mer), "mer": sum(mer) / len(mer),
           "model_words": len(words)}
    if words:
        least = sorted(words)[: max(1, round(share * len(words)))]
        out["word_error_rate"] = sum(wrong for _, wrong in words) / len(words)
        out["word_error_rate_in_lowest"] = sum(wrong for _, wrong in least) / len(least)
        marked = [wrong for score, wrong in words if score < doubtful]
        unmarked = [wrong for score, wrong in words if score >= doubtful]
        out["doubtful_share"] = len(marked) / len(words)
        out["word_error_rate_doubtful"] = sum(marked) / len(marked) if marked else None
        out["word_error_rate_not_doubtful"] = sum(unmarked) / len(unmarked) if unmarked else None
    return out
