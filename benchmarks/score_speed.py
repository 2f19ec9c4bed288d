"""How much faster igt-score is than the `glossing` package, with the same figures.

Gold: every SIGMORPHON 2023 dev set in ../shared/data (about 7,000 sentences).
Predictions: the gold perturbed deterministically (seed 0): glosses altered,
dropped, swapped, re-cased; segmentation boundaries merged, split, moved;
a few predictions empty; so that every figure is non-trivial.

It times
  1. glossing.evaluate_glosses over all sentences (the reference, once),
  2. igt_tools.metrics.evaluate_glosses on the same lists (the library),
  3. the igt-score command through a subprocess (gold and predictions as
     JSONL files; groups per language plus "all"; and once with --sacrebleu),
checks that every glossing figure of the command, per language and over all,
equals the reference's to 1e-9, and prints the ratios.

Run: python benchmarks/score_speed.py [--data DIR] [--repeat N]
"""

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from igt_tools.core.tokens import words
from igt_tools.formats.sigmorphon import read_sigmorphon
from igt_tools.metrics import compare

ROOT = Path(__file__).resolve().parent.parent
# training/languages.tsv, the one table of the SIGMORPHON 2023 languages: [language, file prefix,
# glottocode, metalanguage, "yes" if it has a training split], in its order.
ROWS = [line.split("\t") for line in (ROOT / "training" / "languages.tsv").read_text(encoding="utf-8")
        .splitlines() if line and not line.startswith(("#", "language\t"))]
GLOTTOCODES = {prefix: glottocode for _, prefix, glottocode, _, _ in ROWS}  # file prefix -> glottocode
TOLERANCE = 1e-9


def load_gold(data_dir):
    """Gold records of every dev file; blocks the reference cannot score (no gloss token) are left out and counted."""
    records, unusable = [], 0
    for path in sorted(Path(data_dir, "sigmorphon2023").glob("*/*-dev-*")):
        iso = path.name.split("-")[0]
        for location, block in read_sigmorphon(path):
            glosses = block.get("glosses") or ""
            if not words(glosses) or all(w == "[SEP]" for w in words(glosses)):
                unusable += 1
                continue
            record = {"id": f"{iso}-{location.line}", "glottocode": GLOTTOCODES[iso], "glosses": glosses}
            if block.get("segmentation"):
                record["segmentation"] = block["segmentation"]
            records.append(record)
    return records, unusable


# --- deterministic perturbation --------------------------------------------

_BOUNDARY = re.compile(r"([-=])")


def _morphemes(word):
    return _BOUNDARY.split(word)  # pieces at even indices, boundaries at odd ones


def perturb_glosses(glosses, rng, vocabulary):
    tiers = glosses.split()
    for _ in range(rng.randint(1, 3)):
        if not tiers:
            break
        operation = rng.random()
        index = rng.randrange(len(tiers))
        pieces = _morphemes(tiers[index])
        piece = 2 * rng.randrange((len(pieces) + 1) // 2)
        if operation < 0.35:  # a wrong gloss
            pieces[piece] = rng.choice(vocabulary)
        elif operation < 0.5:  # a gloss in the wrong case
            pieces[piece] = pieces[piece].lower() if pieces[piece].isupper() else pieces[piece].upper()
        elif operation < 0.65 and len(pieces) > 1:  # a morpheme dropped (with its boundary)
            if piece + 1 < len(pieces):
                del pieces[piece : piece + 2]
            else:
                del pieces[piece - 1 : piece + 1]
        elif operation < 0.8 and len(tiers) > 1:  # two words swapped
            other = rng.randrange(len(tiers))
            tiers[index], tiers[other] = tiers[other], tiers[index]
            continue
        elif operation < 0.9 and len(tiers) > 1:  # a word dropped
            del tiers[index]
            continue
        else:  # an extra word
            tiers.insert(index, rng.choice(vocabulary))
            continue
        tiers[index] = "".join(pieces)
    return " ".join(tiers)


def perturb_segmentation(segmentation, rng):
    tiers = segmentation.split()
    for _ in range(rng.randint(1, 2)):
        if not tiers:
            break
        index = rng.randrange(len(tiers))
        word = tiers[index]
        operation = rng.random()
        if operation < 0.4 and _BOUNDARY.search(word):  # a boundary missed
            tiers[index] = _BOUNDARY.sub("", word, count=1)
        elif operation < 0.8 and len(word) > 2:  # a boundary too many
            cut = rng.randrange(1, len(word) - 1)
            tiers[index] = word[:cut] + "-" + word[cut:]
        elif len(word) > 1:  # a letter changed
            cut = rng.randrange(len(word))
            tiers[index] = word[:cut] + rng.choice("aeiouktsn") + word[cut + 1 :]
    return " ".join(tiers)


def make_predictions(gold, seed=0):
    rng = random.Random(seed)
    vocabulary = sorted(
        {piece for record in gold for word in record["glosses"].split() for piece in _morphemes(word)[::2]}
    )
    predictions = []
    for record in gold:
        prediction = {"id": record["id"]}
        chance = rng.random()
        if chance < 0.01:
            prediction["glosses"] = ""
        elif chance < 0.35:
            prediction["glosses"] = record["glosses"]
        else:
            prediction["glosses"] = perturb_glosses(record["glosses"], rng, vocabulary)
        if "segmentation" in record:
            if chance < 0.01:
                prediction["segmentation"] = ""
            elif rng.random() < 0.4:
                prediction["segmentation"] = record["segmentation"]
            else:
                prediction["segmentation"] = perturb_segmentation(record["segmentation"], rng)
        predictions.append(prediction)
    return predictions


# --- comparison ---------------------------------------------------------------


def differences(reference, ours):
    return compare.differences(reference, ours, TOLERANCE)


class Timing:
    """Best wall-clock and CPU seconds over repeated runs (CPU: this process and its children).

    The machine is shared, so wall-clock times swing with other people's work;
    CPU seconds swing much less, and the ratios are taken on them.
    """

    def __init__(self, function, repeat):
        self.wall = self.cpu = float("inf")
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), _cpu_seconds()
            self.result = function()
            self.wall = min(self.wall, time.perf_counter() - wall)
            self.cpu = min(self.cpu, _cpu_seconds() - cpu)


def _cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))
    parser.add_argument("--repeat", type=int, default=5, help="runs of the fast ones (the best one counts)")
    args = parser.parse_args()
    if not Path(args.data, "sigmorphon2023").is_dir():
        sys.exit(f"score_speed: no data at {args.data}/sigmorphon2023 (use --data)")

    import glossing

    from igt_tools.metrics import evaluate_glosses

    gold, unusable = load_gold(args.data)
    predictions = make_predictions(gold)
    gold_glosses = [record["glosses"] for record in gold]
    predicted_glosses = [record["glosses"] for record in predictions]
    print(f"{len(gold)} dev sentences in {len(GLOTTOCODES)} languages ({unusable} blocks without glosses left out)")

    reference = Timing(lambda: glossing.evaluate_glosses(predicted_glosses, gold_glosses), 1)
    library = Timing(lambda: evaluate_glosses(predicted_glosses, gold_glosses), args.repeat)
    problems = differences(reference.result, library.result)

    with tempfile.TemporaryDirectory() as folder:
        gold_path, predictions_path = Path(folder, "gold.jsonl"), Path(folder, "predictions.jsonl")
        write_jsonl(gold_path, gold)
        write_jsonl(predictions_path, predictions)

        def run(*options):
            command = [
                sys.executable,
                "-m",
                "igt_tools.commands.score",
                "--quiet",
                *options,
                str(gold_path),
                str(predictions_path),
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            return json.loads(done.stdout)

        command = Timing(run, args.repeat)
        with_sacrebleu = Timing(lambda: run("--sacrebleu"), 1)

    # Every group's glossing figures against the reference on that group's sentences.
    def reference_per_group():
        for name in sorted(GLOTTOCODES.values()):
            indices = [i for i, record in enumerate(gold) if record["glottocode"] == name]
            expected = glossing.evaluate_glosses(
                [predicted_glosses[i] for i in indices], [gold_glosses[i] for i in indices]
            )
            problems.extend(f"{name}: {p}" for p in differences(expected, command.result[name]["glossing"]))

    per_group = Timing(reference_per_group, 1)
    problems.extend(f"all: {p}" for p in differences(reference.result, command.result["all"]["glossing"]))

    figures = command.result["all"]
    extra = with_sacrebleu.result["all"]["sacrebleu"]
    print(
        f"all: MER {figures['glossing']['morphemes']['error_rate']:.4f}, morpheme accuracy (micro) "
        f"{figures['glossing']['morphemes']['accuracy']['micro']:.4f}, segmentation F1 {figures['segmentation']['f1']:.4f}, "
        f"alignment {figures['alignment']:.4f}, sacreBLEU {extra['bleu']:.2f}, chrF {extra['chrf']:.2f}"
    )
    print(f"{'':52} {'wall s':>8} {'CPU s':>8} {'CPU ratio':>10}")
    rows = [
        ("glossing.evaluate_glosses, all sentences (reference)", reference),
        ("glossing.evaluate_glosses, per language, 7 calls", per_group),
        ("igt_tools.metrics.evaluate_glosses, all sentences", library),
        ("igt-score command (per language + all), subprocess", command),
        ("igt-score --sacrebleu, subprocess", with_sacrebleu),
    ]
    for label, timing in rows:
        ratio = "" if timing in (reference, per_group) else f"{reference.cpu / timing.cpu:9.1f}x"
        print(f"{label:52} {timing.wall:8.3f} {timing.cpu:8.3f} {ratio:>10}")
    both = reference.cpu + per_group.cpu
    print(
        f"igt-score gives per-language and overall figures in one run; the reference needs both calls "
        f"({both:.3f} CPU s): {both / command.cpu:.1f}x"
    )
    if problems:
        print(f"FIGURES DIFFER ({len(problems)}):", *problems[:20], sep="\n  ")
        sys.exit(1)
    print(
        f"identical figures: every glossing figure of the library and of the command (7 languages + all) within {TOLERANCE}"
    )


if __name__ == "__main__":
    main()
