"""How well igt-gloss --confidence ranks errors, from glossed records and their gold.

    igt-gloss -m MODEL --confidence dev.jsonl > glossed.jsonl
    python benchmarks/confidence_ranking.py glossed.jsonl dev.jsonl [--share 0.2] [--by glottocode]

Joins the two files by `id` and prints, over all and per group, the figures of
igt_tools.metrics.confidence: the share of morpheme errors in the --share least
confident sentences, the rank correlation of confidence with sentence MER, and for
the words the model glossed the error rate among the least confident and among
those igt-format --to aligned marks doubtful (under DOUBTFUL).

The last line is the figures over all as JSON.
"""

import argparse
import json
import sys

from igt_tools.formats.aligned import DOUBTFUL
from igt_tools.metrics.confidence import figures, sentence_rows


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


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
        f = figures(group_rows, args.share, DOUBTFUL)
        print(f"{name:12} {f['sentences']:9d} {f['mer']:6.3f} {_cell(f['errors_in_lowest']):>16} "
              f"{_cell(f['spearman']):>8} {f['model_words']:6d} {_cell(f.get('word_error_rate')):>8} "
              f"{_cell(f.get('word_error_rate_in_lowest')):>9}")
    print(json.dumps(figures(rows, args.share, DOUBTFUL)))


def _cell(value):
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
