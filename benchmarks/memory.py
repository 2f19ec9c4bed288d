#!/usr/bin/env python
"""Peak memory of each model-free command on a large generated JSONL: flat, or growing with the input?

    python benchmarks/memory.py [--mb 200] [--commands clean,format,parse,score,gloss] [--keep DIR]

Makes a JSONL of about --mb megabytes from the demo language (2,000 distinct
sentences, repeated under new ids, each with its interleaved label as
`prediction`), then runs each command on it as a user would, under
`/usr/bin/time -v`, stdout to /dev/null:

    igt-clean BIG          igt-format BIG          igt-parse BIG
    igt-score BIG BIG      (gold and predictions: the same records, in order)
    igt-score BIG SHUFFLED (the predictions in another order: the worst case)
    igt-score - SHUFFLED < BIG  (gold on stdin, which cannot be read again)
    igt-gloss -l LEXICON BIG  (LEXICON: the 2,000 sentences)

and prints each one's maximum resident set size and wall time. A command
whose memory does not grow with its input stays near its start-up size
(15-30 MB); one that holds its input grows with --mb. What may grow with the
number of records, not their text: igt-clean's 16-byte digest of each record
(for duplicates), igt-score's ids. igt-score with the gold on stdin holds the
gold records read ahead of their predictions: that one grows with the input.
"""

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from igt_tools.core.interleaved import make_label  # noqa: E402

BIN = Path(sys.executable).parent
DISTINCT = 2000


def demo_records():
    done = subprocess.run([sys.executable, "-m", "igt_tools.demo", "--format", "jsonl", "--n", str(DISTINCT)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return [json.loads(line) for line in done.stdout.splitlines()]


def write_inputs(folder, megabytes):
    """(big, shuffled, lexicon) paths: the records repeated under new ids up to `megabytes`."""
    big, shuffled, lexicon = folder / "big.jsonl", folder / "shuffled.jsonl", folder / "lexicon.jsonl"
    if all(p.is_file() for p in (big, shuffled, lexicon)):  # --keep: made by an earlier run
        with open(big, "rb") as stream:
            return big, shuffled, lexicon, sum(1 for _ in stream)
    records = demo_records()
    lexicon.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    size = n = 0
    with open(big, "w", encoding="utf-8") as out:
        while size < megabytes * 1_000_000:
            record = dict(records[n % len(records)], id=f"r{n:08d}")
            # Distinct transcriptions, so that igt-clean writes every record rather than dropping copies.
            record["transcription"] += f" {n}"
            record["prediction"] = make_label(record["segmentation"], record["glosses"])
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    order = list(range(n))
    random.Random(0).shuffle(order)
    with open(big, encoding="utf-8") as stream:
        lines = stream.readlines()
    with open(shuffled, "w", encoding="utf-8") as out:
        out.writelines(lines[i] for i in order)
    return big, shuffled, lexicon, n


def measure(argv, stdin=None):
    """(max RSS in MB, wall seconds) of one run, `stdin` a file to read or None; exits on failure."""
    start = time.perf_counter()
    with open(stdin or "/dev/null", "rb") as source:
        done = subprocess.run(["/usr/bin/time", "-v", *argv], stdin=source, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    kbytes = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return kbytes / 1024, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200, help="size of the input, in MB (10^6 bytes)")
    parser.add_argument("--commands", default="clean,format,parse,score,gloss")
    parser.add_argument("--keep", type=Path, help="make the inputs in this folder (reused when there)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        big, shuffled, lexicon, n = write_inputs(folder, args.mb)
        print(f"input: {big.stat().st_size / 1e6:.0f} MB, {n:,} records")
        runs = {
            "clean": [["igt-clean", "-q", big]],
            "format": [["igt-format", big]],
            "parse": [["igt-parse", big]],
            "score": [["igt-score", "-q", big, big], ["igt-score", "-q", big, shuffled],
                      ["igt-score", "-q", "-", shuffled, "<", big]],
            "gloss": [["igt-gloss", "-q", "-l", lexicon, big]],
        }
        for name in args.commands.split(","):
            for run in runs[name]:
                argv, stdin = (run[:-2], run[-1]) if "<" in run else (run, None)
                rss, seconds = measure([str(BIN / argv[0]), *map(str, argv[1:])], stdin)
                shown = " ".join(a if isinstance(a, str) else a.name for a in run)
                print(f"{shown:<50} max RSS {rss:7.0f} MB  {seconds:6.1f} s")


if __name__ == "__main__":
    main()
