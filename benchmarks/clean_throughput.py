#!/usr/bin/env python
"""Throughput of igt-clean over every file of the shared data (ODIN and SIGMORPHON 2023).

    python benchmarks/clean_throughput.py [--data ../shared/data] [--repeat 1]

Runs the real command, as a user would, on all files in one call (stdout to
/dev/null), checks that it exits 0 (it must never crash on this corpus), and
prints records read, wall time and records per second, with the summary's
first line. CPU time is given too: on a shared machine it moves less than
the wall time.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))
IGT_CLEAN = Path(sys.executable).parent / "igt-clean"


def corpus_files(data):
    files = sorted((data / "odin").glob("*.txt")) + sorted((data / "sigmorphon2023").glob("*/*-track2-uncovered"))
    if not files:
        sys.exit(f"no data files under {data} (set --data or IGT_SHARED_DATA)")
    return files


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(files):
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [str(IGT_CLEAN), *map(str, files)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"igt-clean failed (exit {done.returncode}):\n{done.stderr}")
    summary = done.stderr.splitlines()[0]
    read = int(re.search(r"read ([\d,]+) records", summary).group(1).replace(",", ""))
    return read, seconds, cpu, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=1, help="runs; the fastest is reported")
    args = parser.parse_args()
    files = corpus_files(args.data)
    runs = [run_once(files) for _ in range(args.repeat)]
    read, seconds, cpu, summary = min(runs, key=lambda r: r[1])
    print(f"files: {len(files)}")
    print(f"records read: {read}")
    print(f"wall time: {seconds:.2f} s, CPU time {cpu:.2f} s (fastest of {len(runs)}, start-up included)")
    print(f"throughput: {read / seconds:,.0f} records/s wall, {read / cpu:,.0f} records/s of CPU time")
    print(f"summary: {summary}")


if __name__ == "__main__":
    main()
