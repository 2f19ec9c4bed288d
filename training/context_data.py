"""The context model's training mix: the steps igt-format cannot do by itself.

    python training/context_data.py other-languages ODIN.jsonl > odin.keep.jsonl
    python training/context_data.py sample N SEED < examples.jsonl > sample.jsonl
    python training/context_data.py chunks DIR SIZES SEED RECORDS.jsonl...

other-languages keeps the records of languages with at least MIN_RECORDS
records (a language with fewer has too few words to look a word up in) and
none of HELD_OUT: the six SIGMORPHON languages (their training sets come in
on their own, their dev sets never) and Arapaho (the unseen-language test).
sample shuffles its input with Python's random.Random(SEED) and keeps the
first N: ODIN then takes about a quarter of the batches.
chunks writes each records file, shuffled with random.Random(SEED), into DIR
in chunks of SIZES records in turn (100,400: 100, then 400, then 100, ...;
a last chunk under MIN_CHUNK records is dropped): each chunk made into context
examples on its own is a language seen through a linguist's first few hundred
sentences, the lexicon a new language has (Arapaho's N = 100 and 400).
"""

import collections
import json
import os
import random
import sys

MIN_RECORDS = 100
MIN_CHUNK = 30
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


def chunks(folder, sizes, seed, *paths):
    sizes = [int(size) for size in sizes.split(",")]
    os.makedirs(folder, exist_ok=True)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        random.Random(int(seed)).shuffle(lines)
        start, number = 0, 0
        while start < len(lines):
            size = sizes[number % len(sizes)]
            chunk, start, number = lines[start:start + size], start + size, number + 1
            if len(chunk) >= MIN_CHUNK:
                name = os.path.join(folder, f"{os.path.basename(path).split('.')[0]}.{number:03d}.jsonl")
                with open(name, "w", encoding="utf-8") as out:
                    out.write("\n".join(chunk) + "\n")


if __name__ == "__main__":
    steps = {"other-languages": other_languages, "sample": sample, "chunks": chunks}
    if len(sys.argv) < 2 or sys.argv[1] not in steps:
        sys.exit(f"context_data.py: choose one of {', '.join(steps)}")
    steps[sys.argv[1]](*sys.argv[2:])
