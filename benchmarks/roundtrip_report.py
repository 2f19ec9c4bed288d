"""How well the interleaved format round-trips real data: parse(make_label(seg, glosses)) == tiers?

    python benchmarks/roundtrip_report.py [DATA_DIR]     # default ../shared/data

Reads every SIGMORPHON 2023 track-2 file (train and dev) and every ODIN file,
builds the interleaved label of each record whose tiers align, parses it back
and compares with the tiers (punctuation-only words dropped, as the label
drops them). Prints, per corpus, the records that round-trip, those that
cannot make a label at all, and those that make a label the format cannot
represent, per class (interleaved.UNREPRESENTABLE), with examples.
"""

import collections
import os
import sys
from pathlib import Path

from igt_tools.core import interleaved, tokens
from igt_tools.formats.sigmorphon import read_sigmorphon

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_SHOWN = 3


def corpus_files(data_dir):
    """{corpus name: [files]}"""
    return {
        "sigmorphon2023": sorted(data_dir.glob("sigmorphon2023/*/*-track2-uncovered")),
        "odin": sorted(data_dir.glob("odin/*.txt")),
    }


def classify(record):
    """'ok', 'no tiers', 'misaligned', or an UNREPRESENTABLE class; and whether a piece had unbalanced parentheses."""
    segmentation, glosses = record.get("segmentation"), record.get("glosses")
    if not (segmentation and segmentation.strip() and glosses and glosses.strip()):
        return "no tiers", False
    try:
        words = interleaved.aligned_words(segmentation, glosses)
    except interleaved.Misaligned:
        return "misaligned", False
    unbalanced = not all(interleaved.is_balanced(t) for morphs, gl, _ in words for t in morphs + gl)
    ok, why = interleaved.representable(segmentation, glosses)
    return ("ok" if ok else why), unbalanced


def main(argv):
    data_dir = Path(argv[1]) if len(argv) > 1 else Path(os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not data_dir.is_dir():
        sys.exit(f"no data at {data_dir}")
    total = collections.Counter()
    for corpus, files in corpus_files(data_dir).items():
        counts, examples, rescued = collections.Counter(), collections.defaultdict(list), 0
        for path in files:
            for location, record in read_sigmorphon(str(path)):
                outcome, unbalanced = classify(record)
                counts[outcome] += 1
                rescued += outcome == "ok" and unbalanced
                if outcome not in ("ok", "no tiers", "misaligned") and len(examples[outcome]) < EXAMPLES_SHOWN:
                    label = interleaved.make_label(record["segmentation"], record["glosses"])
                    back = interleaved.parse(label)
                    examples[outcome].append((location, record, label, back))
        total.update(counts)
        report(corpus, counts, examples, rescued)
    print("== all")
    print_counts(total)


def report(corpus, counts, examples, rescued):
    print(f"== {corpus}")
    print_counts(counts)
    print(f"  round-trip although a morpheme or gloss has unbalanced parentheses: {rescued}")
    for outcome, shown in examples.items():
        print(f"  -- {outcome}: {interleaved.UNREPRESENTABLE.get(outcome.split('+')[0], '')}")
        for location, record, label, back in shown:
            print(f"     {location}")
            print(f"       segmentation {' '.join(tokens.words(record['segmentation']))}")
            print(f"       glosses      {' '.join(tokens.words(record['glosses']))}")
            print(f"       label        {label}")
            print(f"       parsed back  {back.segmentation}  |  {back.glosses}")


def print_counts(counts):
    records = sum(counts.values())
    labelled = records - counts["no tiers"] - counts["misaligned"]
    failed = labelled - counts["ok"]
    print(f"  records {records}; without segmentation or glosses {counts['no tiers']}; misaligned {counts['misaligned']}")
    print(f"  labels {labelled}; round-trip {counts['ok']}; do not ({failed}, {failed / max(labelled, 1):.2%}):")
    for outcome, n in counts.most_common():
        if outcome not in ("ok", "no tiers", "misaligned"):
            print(f"    {outcome}: {n}")


if __name__ == "__main__":
    main(sys.argv)
