#!/usr/bin/env python
"""Words per second of igt-gloss's word-level paths against a sentence model, on real dev data,
and how long a lexicon of every SIGMORPHON and ODIN word takes to load.

    python benchmarks/word_gloss_speed.py --word-model models/sigmorphon-word \\
        [--sentence-model runs/real/sentence-model] [--context-model models/sigmorphon] \\
        [--languages Lezgi,Tsez] [--threads 1] [--repeat 3] [--only "context, choosing" --only lexicon]

Inputs: the six SIGMORPHON 2023 dev sets with training data (1,108 sentences; --languages: some),
cleaned by igt-clean from the data folder (IGT_SHARED_DATA, by default ../shared/data beside the
checkout); the lexicon is their training sets.
Each configuration runs igt-gloss as a user would (a subprocess, CPU, float32,
--threads torch threads); the figures are the input words per second of
glossing (the dev set's words over the glossing time igt-gloss reports,
model loading excluded) and the process's wall time
(loading included), the best of --repeat runs, CPU seconds and the process's peak
resident memory (the largest of the runs; with GNU time, /usr/bin/time):

    lexicon              --lexicon, analogy off (no torch at all)
    lexicon + analogy    --lexicon (igt-gloss's default)
    lexicon + word model --lexicon --no-guess --word-model: the model glosses the unseen words
    all three (word model)  --lexicon --word-model: lexicon, analogy, then the model (greedy)
    all three, 2 beams   the same with --beams 2, a sentence model's default
    word model           every word through the word model
    sentence model       every sentence through the sentence model (if --sentence-model; 2 beams)
    sentence, greedy     the same with --beams 1
    context model        --lexicon --model CONTEXT_MODEL --rerank inf (training/Makefile's `context`:
                         igt-gloss's thresholds for a context model, not choosing among analogy's candidates)
    context, reranking   the same choosing among them (`context-rerank`: igt-gloss's defaults; with
                         models/sigmorphon, the default real-language model)
    context, choosing    the context model only choosing among them, decoding only the words analogy
                         cannot guess (--ask-model choose, `context-choose`)

--only NAME (repeatable): only the configurations named.

Lexicon load: the records of the six training sets and of all ODIN files
(igt-clean --drop-misaligned) read into igt_tools.glossing.lexicon.Lexicon, in-process,
best of --repeat.
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the data folder (sigmorphon2023/ inside), as the tests and the other benchmarks find it
DATA = Path(os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))
BIN = Path(sys.executable).parent
# training/languages.tsv, the one table of the SIGMORPHON 2023 languages: [language, file prefix,
# glottocode, metalanguage, "yes" if it has a training split], in its order.
ROWS = [line.split("\t") for line in (ROOT / "training" / "languages.tsv").read_text(encoding="utf-8")
        .splitlines() if line and not line.startswith(("#", "language\t"))]
LANGUAGES = {language: (prefix, glottocode, metalanguage)  # the ones with a training split
             for language, prefix, glottocode, metalanguage, train in ROWS if train == "yes"}


def dev_languages(option):
    """The --languages option's dev sets, after checking that the data is there and each has one."""
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}: set IGT_SHARED_DATA to the folder holding sigmorphon2023/")
    languages = option.split(",")
    if set(languages) - set(LANGUAGES):
        sys.exit(f"--languages: not one of {', '.join(LANGUAGES)}: {', '.join(sorted(set(languages) - set(LANGUAGES)))}")
    return languages


def clean(paths, out, *options):
    with open(out, "w", encoding="utf-8") as stream:
        subprocess.run([BIN / "igt-clean", "--quiet", *options, *map(str, paths)], stdout=stream, check=True)


def prepare(work, dev_languages):
    """(dev records, training records, ODIN records) files, cleaned; the dev set of `dev_languages` only."""
    dev, train = work / "dev.jsonl", work / "train.jsonl"
    for split, target in (("dev", dev), ("train", train)):
        with open(target, "w", encoding="utf-8") as out:
            for language, (iso, code, metalanguage) in LANGUAGES.items():
                if split == "dev" and language not in dev_languages:
                    continue
                path = DATA / "sigmorphon2023" / language / f"{iso}-{split}-track2-uncovered"
                result = subprocess.run([BIN / "igt-clean", "--quiet", "--from", "sigmorphon", "--language", language,
                                         "--glottocode", code, "--metalanguage", metalanguage, str(path)],
                                        capture_output=True, text=True, check=True)
                out.write(result.stdout)
    odin = work / "odin.jsonl"
    clean(sorted((DATA / "odin").glob("*.txt")), odin, "--drop-misaligned")
    return dev, train, odin


# GNU time, for each run's own peak resident memory (getrusage's children figure is the
# largest child's so far, not this one's); without it the column stays empty.
TIME = shutil.which("time", path="/usr/bin:/bin")
PEAK = "igt-benchmark peak KB:"


def gloss(args, dev, threads):
    """(input words per second of glossing, wall seconds, CPU seconds, peak MB or None) of one run."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    timed = [TIME, "-f", f"{PEAK} %M"] if TIME else []
    result = subprocess.run([*timed, BIN / "igt-gloss", *args, str(dev)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"igt-gloss {' '.join(args)} failed: {result.stderr.strip()}")
    # Input words over igt-gloss's glossing seconds: its own words/s counts output words, which a
    # weak sentence model inflates with words it makes up.
    seconds = float(re.findall(r"glossed in ([0-9.]+) s", result.stderr)[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = re.findall(rf"{PEAK} ([0-9]+)", result.stderr)
    return input_words(dev) / seconds, wall, cpu, int(peak[-1]) / 1024 if peak else None


def input_words(dev):
    """Words of the transcriptions, as igt-gloss's word paths count them."""
    import json

    from igt_tools.examples import tasks

    with open(dev, encoding="utf-8") as stream:
        return sum(len(tasks.glossable_words(json.loads(line))) for line in stream if line.strip())


def lexicon_load(paths, repeat):
    from igt_tools.glossing.lexicon import Lexicon

    best, lexicon = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        lexicon = Lexicon.read(paths)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, lexicon


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--word-model", type=Path, required=True)
    parser.add_argument("--sentence-model", type=Path, default=None)
    parser.add_argument("--context-model", type=Path, default=None)
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="dev sets to gloss, comma-separated")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", default=None, metavar="NAME", help="a configuration to run (repeatable)")
    args = parser.parse_args()
    languages = dev_languages(args.languages)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dev, train, odin = prepare(work, languages)
        model = ["--device", "cpu", "--dtype", "float32"]
        configurations = [
            ("lexicon", ["--lexicon", str(train), "--no-guess"]),
            ("lexicon + analogy", ["--lexicon", str(train)]),
            ("lexicon + word model", ["--lexicon", str(train), "--no-guess", "--model", str(args.word_model), *model]),
            ("all three (word model)", ["--lexicon", str(train), "--model", str(args.word_model), *model]),
            ("all three, 2 beams", ["--lexicon", str(train), "--model", str(args.word_model), *model, "--beams", "2"]),
            ("word model", ["--model", str(args.word_model), *model]),
        ]
        if args.sentence_model:
            configurations.append(("sentence model", ["--model", str(args.sentence_model), *model]))
            configurations.append(("sentence, greedy", ["--model", str(args.sentence_model), *model, "--beams", "1"]))
        if args.context_model:
            context = ["--lexicon", str(train), "--model", str(args.context_model), *model]  # igt-gloss's defaults
            configurations.append(("context model", [*context, "--rerank", "inf"]))
            configurations.append(("context, reranking", context))
            configurations.append(("context, choosing", [*context, "--ask-model", "choose"]))
        if args.only:
            wanted = set(args.only)
            unknown = wanted - {name for name, _ in configurations}
            if unknown:
                parser.error(f"--only: no configuration {', '.join(sorted(unknown))}")
            configurations = [(name, options) for name, options in configurations if name in wanted]
        print(f"{'configuration':22} {'words/s':>10} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}   (best of {args.repeat}, "
              f"{args.threads} thread(s), dev sets: {', '.join(languages)})")
        rates = {}
        for name, options in configurations:
            runs = [gloss(options, dev, args.threads) for _ in range(args.repeat)]
            rate = max(r[0] for r in runs)
            rates[name] = rate
            peaks = [r[3] for r in runs if r[3] is not None]
            peak = f"{max(peaks):8.0f}" if peaks else f"{'':8}"
            print(f"{name:22} {rate:10.1f} {min(r[1] for r in runs):8.2f} {min(r[2] for r in runs):8.2f} {peak}")
        if "sentence model" in rates:
            for name in ("all three (word model)", "all three, 2 beams", "lexicon + word model", "word model"):
                print(f"{name} / sentence model: {rates[name] / rates['sentence model']:.1f}x words/s")
            print(f"all three (word model) / sentence, greedy (both greedy): "
                  f"{rates['all three (word model)'] / rates['sentence, greedy']:.1f}x words/s")
        seconds, lexicon = lexicon_load([train, odin], args.repeat)
        print(f"lexicon load (six training sets + ODIN: {lexicon.records} records, {lexicon.words} words): "
              f"{seconds:.2f} s")


if __name__ == "__main__":
    main()
