"""The context model's training mix: the steps igt-format cannot do by itself.

    python training/context_data.py other-languages ODIN.jsonl > odin.keep.jsonl
    python training/context_data.py sample N SEED < examples.jsonl > sample.jsonl

other-languages keeps the records of languages with at least MIN_RECORDS
records (a language with fewer has too few words to look a word up in) and
none of HELD_OUT: the six SIGMORPHON languages (their training sets come in
on their own, their dev sets never) and Arapaho (the unseen-language test).
sample shuffles its input with Python's random.Random(SEED) and keeps the
first N: ODIN then takes about a quarter of the batches.
"""

import collections
import json
import random
import sys

MIN_RECORDS = 100
HELD_OUT = {"gitx1241", "lezg1247", "natu1246", "nyan1302", "dido1241", "uspa1245", "arap1274"}


def other_languages(path):
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    counts = collections.Counter(r.get("glottocode") for r in records)
    for record in records:
        code = record.get("glottocode")
        if code and counts[code] >= MIN_RECORDS and code not in HELD_OUT:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def sample(size, seed):
    lines = sys.stdin.read().splitlines()
    random.Random(int(seed)).shuffle(lines)
    for line in lines[: int(size)]:
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    steps = {"other-languages": other_languages, "sample": sample}
    if len(sys.argv) < 2 or sys.argv[1] not in steps:
        sys.exit(f"context_data.py: choose one of {', '.join(steps)}")
    steps[sys.argv[1]](*sys.argv[2:])
