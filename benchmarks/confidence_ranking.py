"""How well igt-gloss --confidence ranks errors, from glossed records and their gold.

    igt-gloss -m MODEL --confidence dev.jsonl > glossed.jsonl
    python benchmarks/confidence_ranking.py glossed.jsonl dev.jsonl [--share 0.2] [--by glottocode]

Joins the two files by `id` and prints, over all and per group:
- errors in lowest: the share of all morpheme errors (the edit operations
  MER counts) that fall in the --share least confident sentences; ranking
  by chance puts --share of them there;
- spearman: the rank correlation of `confidence` with sentence MER (ties
  averaged); -1 when the least confident sentences are always the worst;
- for words the model glossed (`word_confidence` not null, the output word
  count equal to the gold's): the share of wrong glosses among the --share
  least confident words, against the share among all of them; and the
  same among the words igt-format --to aligned marks doubtful (under
  DOUBTFUL) and the others.

The last line is the figures over all as JSON.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from igt_tools.core import tokens  # noqa: E402
from igt_tools.formats.aligned import DOUBTFUL  # noqa: E402
from igt_tools.metrics.levenshtein import distance  # noqa: E402


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def morphemes(glosses):
    return [m for m in tokens.morphemes(glosses or "") if m != tokens.SEP]


def sentence_rows(glossed, gold, by):
    """[(group, confidence, errors, gold morphemes, [(word confidence, wrong)])] of the joined records."""
    gold_by_id = {r["id"]: r for r in gold}
    rows = []
    for record in glossed:
        reference = gold_by_id.get(record.get("id"))
        if reference is None or record.get("confidence") is None or not reference.get("glosses"):
            continue
        gold_morphemes = morphemes(reference["glosses"])
        errors = distance(morphemes(record.get("glosses")), gold_morphemes)
        rows.append((reference.get(by), record["confidence"], errors, len(gold_morphemes),
                     _word_rows(record, reference)))
    return rows


def _word_rows(record, reference):
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
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / (sxx * syy) ** 0.5 if sxx > 0 and syy > 0 else None


def figures(rows, share):
    """The figures of a set of sentence rows (see the module's doc)."""
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
        doubtful = sorted(words)[: max(1, round(share * len(words)))]
        out["word_error_rate"] = sum(wrong for _, wrong in words) / len(words)
        out["word_error_rate_in_lowest"] = sum(wrong for _, wrong in doubtful) / len(doubtful)
        marked = [wrong for score, wrong in words if score < DOUBTFUL]
        unmarked = [wrong for score, wrong in words if score >= DOUBTFUL]
        out["doubtful_share"] = len(marked) / len(words)
        out["word_error_rate_doubtful"] = sum(marked) / len(marked) if marked else None
        out["word_error_rate_not_doubtful"] = sum(unmarked) / len(unmarked) if unmarked else None
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("glossed")
    parser.add_argument("gold")
    parser.add_argument("--share", type=float, default=0.2, help="the least confident share (default 0.2)")
    parser.add_argument("--by", default="glottocode", help="gold field that makes the groups")
    args = parser.parse_args(argv)
    rows = sentence_rows(read_jsonl(args.glossed), read_jsonl(args.gold), args.by)
    if not rows:
        sys.exit("no glossed record with a confidence joins a gold record by id (igt-gloss --confidence?)")
    groups = sorted({row[0] for row in rows if row[0] is not None})
    print(f"{'group':12} {'sentences':>9} {'MER':>6} {'errors in lowest':>16} {'spearman':>8} "
          f"{'words':>6} {'word err':>8} {'in lowest':>9}")
    for name, group_rows in [(g, [r for r in rows if r[0] == g]) for g in groups] + [("all", rows)]:
        f = figures(group_rows, args.share)
        print(f"{name:12} {f['sentences']:9d} {f['mer']:6.3f} {_cell(f['errors_in_lowest']):>16} "
              f"{_cell(f['spearman']):>8} {f['model_words']:6d} {_cell(f.get('word_error_rate')):>8} "
              f"{_cell(f.get('word_error_rate_in_lowest')):>9}")
    print(json.dumps(figures(rows, args.share)))


def _cell(value):
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
