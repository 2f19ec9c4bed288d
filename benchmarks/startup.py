#!/usr/bin/env python
"""Start-up time of the model-free commands against the floor for any click tool.

    python benchmarks/startup.py [--repeat 20]

Prints the median wall time of each command line and its ratio to
`python -c "import click"` (the bar: within 2x), plus `import torch` for scale.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SMALL = '{"id": "1", "transcription": "o sey xtok", "segmentation": "o sey x-tok", "glosses": "CONJ sea COM-buscar"}\n'


def timed(argv, stdin_path=None, repeat=20):
    times = []
    for _ in range(repeat):
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        start = time.perf_counter()
        subprocess.run(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
        if stdin_path:
            stdin.close()
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "small.jsonl")
        Path(small).write_text(SMALL * 5, encoding="utf-8")
        gold = os.path.join(tmp, "gold.jsonl")
        Path(gold).write_text(SMALL, encoding="utf-8")
        cases = [
            ("python (bare interpreter)", [sys.executable, "-c", "pass"], None),
            ("python -c 'import click' (the floor)", [sys.executable, "-c", "import click"], None),
            ("igt-score --help", [str(BIN / "igt-score"), "--help"], None),
            ("igt-clean < small", [str(BIN / "igt-clean")], small),
            ("igt-format < small", [str(BIN / "igt-format")], small),
            ("igt-parse --help", [str(BIN / "igt-parse"), "--help"], None),
            ("igt-score gold < small (1 record)", [str(BIN / "igt-score"), "--quiet", gold], gold),
            ("igt-train --help", [str(BIN / "igt-train"), "--help"], None),
            ("igt-gloss --help", [str(BIN / "igt-gloss"), "--help"], None),
            ("python -c 'import torch' (for scale)", [sys.executable, "-c", "import torch"], None),
        ]
        floor = None
        print(f"{'command':45} {'median ms':>10} {'x click':>8}")
        for label, argv, stdin_path in cases:
            repeat = max(3, args.repeat // 5) if "torch" in label else args.repeat
            seconds = timed(argv, stdin_path, repeat)
            if "the floor" in label:
                floor = seconds
            ratio = f"{seconds / floor:8.2f}" if floor else f"{'':8}"
            print(f"{label:45} {seconds * 1000:10.1f} {ratio}")


if __name__ == "__main__":
    main()
