"""igt-gloss's trust thresholds for a context model, measured on dev sets without decoding again.

    python training/thresholds.py GOLD WITHOUT WITH

GOLD: the dev records. WITHOUT: them glossed with the lexicon and analogy
(`igt-gloss --lexicon L`). WITH: glossed with the context model trusted always
(`igt-gloss --lexicon L --model M --confidence --trust-model -1e9 --trust-choice -1e9`),
so every word the model was asked about carries its confidence. For each pair
of thresholds (--trust-choice for ambiguous attested words, --trust-model for
unseen ones) a word takes WITH's analysis where the model was at least that
sure, else WITHOUT's; the MER of each pair is printed, best first. The two
glossings see the same words in the same order (both start from the lexicon),
so they pair word by word.
"""

import json
import sys

from igt_tools.metrics.glossing import evaluate_glosses

GRID = (-1e9, -1.0, -0.5, -0.3, -0.2, -0.15, -0.1, -0.05, -0.02, 0.0)


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def combined(without, with_model, trust_choice, trust_model):
    out = []
    for plain, modelled in zip(without, with_model):
        words = plain["glosses"].split()
        other = modelled["glosses"].split()
        if len(words) != len(other):
            out.append(plain["glosses"])
            continue
        for n, score in enumerate(modelled.get("word_confidence") or []):
            if score is None:
                continue
            threshold = trust_choice if plain["provenance"][n] == "lexicon" else trust_model
            if score >= threshold:
                words[n] = other[n]
        out.append(" ".join(words))
    return out


def main(gold_path, without_path, with_path):
    gold = [r["glosses"] for r in read(gold_path)]
    without, with_model = read(without_path), read(with_path)
    rows = []
    for trust_choice in GRID:
        for trust_model in GRID:
            predicted = combined(without, with_model, trust_choice, trust_model)
            mer = evaluate_glosses(predicted, gold)["morphemes"]["error_rate"]
            rows.append((mer, trust_choice, trust_model))
    print("MER\t--trust-choice\t--trust-model")
    for mer, trust_choice, trust_model in sorted(rows):
        print(f"{mer:.4f}\t{trust_choice:g}\t{trust_model:g}")


if __name__ == "__main__":
    main(*sys.argv[1:])
