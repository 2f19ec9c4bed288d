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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from igt_tools.formats.sigmorphon import read_sigmorphon  # noqa: E402
from igt_tools.metrics import compare  # noqa: E402
from igt_tools.tokens import words  # noqa: E402

GLOTTOCODES = {"arp": "arap1274", "ddo": "dido1241", "git": "gitx1241", "lez": "lezg1247", "ntu": "natu1246", "nyb": "nyan1302", "usp": "uspa1245"}
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
    vocabulary = sorted({piece for record in gold for word in record["glosses"].split() for piece in _morphemes(word)[::2]})
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


def timed(function, repeat):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast ones (the best counts)")
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

    reference_time, reference = timed(lambda: glossing.evaluate_glosses(predicted_glosses, gold_glosses), 1)
    library_time, library = timed(lambda: evaluate_glosses(predicted_glosses, gold_glosses), args.repeat)
    problems = differences(reference, library)

    with tempfile.TemporaryDirectory() as folder:
        gold_path, predictions_path = Path(folder, "gold.jsonl"), Path(folder, "predictions.jsonl")
        write_jsonl(gold_path, gold)
        write_jsonl(predictions_path, predictions)
        command = [sys.executable, "-m", "igt_tools.commands.score", "--quiet", str(gold_path), str(predictions_path)]

        def run(*extra):
            done = subprocess.run(command[:3] + list(extra) + command[3:], capture_output=True, text=True, check=True)
            return json.loads(done.stdout)

        command_time, scores = timed(run, args.repeat)
        sacrebleu_time, with_sacrebleu = timed(lambda: run("--sacrebleu"), 1)

    # Every group's glossing figures against the reference on that group's sentences.
    groups_start = time.perf_counter()
    for name in sorted(GLOTTOCODES.values()):
        indices = [i for i, record in enumerate(gold) if record["glottocode"] == name]
        expected = glossing.evaluate_glosses([predicted_glosses[i] for i in indices], [gold_glosses[i] for i in indices])
        problems += [f"{name}: {p}" for p in differences(expected, scores[name]["glossing"])]
    groups_time = time.perf_counter() - groups_start
    problems += [f"all: {p}" for p in differences(reference, scores["all"]["glossing"])]

    all_scores = scores["all"]
    print(f"MER {all_scores['glossing']['morphemes']['error_rate']:.4f}, morpheme accuracy (micro) "
          f"{all_scores['glossing']['morphemes']['accuracy']['micro']:.4f}, segmentation F1 "
          f"{all_scores['segmentation']['f1']:.4f}, alignment {all_scores['alignment']:.4f}, "
          f"sacreBLEU {with_sacrebleu['all']['sacrebleu']['bleu']:.2f}, chrF {with_sacrebleu['all']['sacrebleu']['chrf']:.2f}")
    print(f"glossing.evaluate_glosses, all sentences once:      {reference_time:8.3f} s")
    print(f"glossing.evaluate_glosses, per language (7 calls):  {groups_time:8.3f} s")
    print(f"igt_tools.metrics.evaluate_glosses (library):       {library_time:8.3f} s   {reference_time / library_time:6.1f}x faster")
    print(f"igt-score command, subprocess:                      {command_time:8.3f} s   {reference_time / command_time:6.1f}x faster")
    print(f"igt-score --sacrebleu (BLEU and chrF added):        {sacrebleu_time:8.3f} s   {reference_time / sacrebleu_time:6.1f}x faster")
    print(f"(the command scores per language and over all; against the reference doing both, "
          f"{reference_time + groups_time:.3f} s, it is {(reference_time + groups_time) / command_time:.1f}x faster)")
    if problems:
        print(f"FIGURES DIFFER ({len(problems)}):", *problems[:20], sep="\n  ")
        sys.exit(1)
    print(f"identical figures: every glossing figure of the library and of the command (7 languages + all) within {TOLERANCE}")


if __name__ == "__main__":
    main()
