"""The whole pipeline through real Unix pipes, and a test that the model really learns.

demo language -> igt-clean -> igt-format -> igt-train -> igt-gloss -> igt-score,
each a separate process, as a user would run them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import import_installed
from toy import log_lines
from igt_tools.metrics.glossing import GlossingScorer, GlossingSums

# igt-train and igt-gloss need the [train] extra: without it, skip rather than fail in a subprocess.
import_installed("torch")
import_installed("transformers")

BIN = Path(sys.executable).parent
# One thread: robust on a shared or busy machine, and the same arithmetic everywhere.
ENV = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", OMP_NUM_THREADS="1")


def sh(script, cwd):
    """Run a bash pipeline with pipefail; fail the test with its stderr."""
    result = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=cwd, env=ENV,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def make_corpus(folder, split, stems, affixes, max_words, seed=7):
    sh(f"""
python -m igt_tools.demo --seed {seed} --stems {stems} --affixes {affixes} --max-words {max_words} \\
    --split {split} --out raw 2>/dev/null
for s in train dev test; do
  igt-clean -q --language Demo --glottocode demo0007 --metalanguage English --id-prefix $s raw/$s.txt > $s.jsonl
done
igt-format -q --prompts compact < train.jsonl > train.examples.jsonl
igt-format -q --prompts compact < dev.jsonl > dev.examples.jsonl
# the held-out sentences go in without their tiers
python -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line); r['segmentation'] = r['glosses'] = None; print(json.dumps(r))
" < test.jsonl > test.input.jsonl
""", folder)


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def recomputed_mer(predictions, gold):
    """The morpheme error rate of the predictions' glosses against the gold, sentence by sentence in this
    process: igt-score's figure must be this, whatever the model wrote (its join by id and its mean checked)."""
    assert len(predictions) == len(gold)
    scorer, sums = GlossingScorer(), GlossingSums()
    for p, g in zip(predictions, gold):
        sums.add(scorer.sentence_row(p["glosses"], g["glosses"]))
    return sums.figures()["morphemes"]["error_rate"]


def test_pipeline_end_to_end_through_pipes(tmp_path):
    make_corpus(tmp_path, "train:60,dev:10,test:8", stems=10, affixes=4, max_words=3)
    sh("""
igt-train --init micro --out model --dev dev.examples.jsonl --max-steps 6 --eval-every 3 \\
    --batch-tokens 2048 --threads 1 --no-progress --device cpu --no-bf16 < train.examples.jsonl 2> train.log
igt-gloss --model model --device cpu --dtype float32 --max-new-tokens 40 --keep-raw --confidence -q < test.input.jsonl \\
    | tee predictions.jsonl | igt-score --quiet test.jsonl > scores.json
igt-format --to aligned < predictions.jsonl > aligned.txt
""", tmp_path)
    meta = json.loads((tmp_path / "model" / "igt_tools.json").read_text())
    assert meta["task"] == "interleaved" and meta["prompts"] == "compact"
    assert meta["languages"] == {"demo0007": 60}
    predictions = read_jsonl(tmp_path / "predictions.jsonl")
    gold = read_jsonl(tmp_path / "test.jsonl")
    assert [p["id"] for p in predictions] == [g["id"] for g in gold]  # order kept
    for p, g in zip(predictions, gold):
        assert p["transcription"] == g["transcription"] and p["source"] == g["source"]  # passed through
        assert isinstance(p["glosses"], str) and isinstance(p["segmentation"], str)
        assert isinstance(p["prediction"], str) and p["confidence"] <= 0
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert set(scores) == {"demo0007", "all"}
    # No upper bound: an empty prediction adds len(gold) to the MER, so it can exceed 1.
    mer = scores["all"]["glossing"]["morphemes"]["error_rate"]
    assert mer >= 0 and mer == pytest.approx(recomputed_mer(predictions, gold))
    assert (tmp_path / "aligned.txt").read_text().count("(test-") == len(gold)


def test_the_model_learns_the_demo_language(tmp_path):
    """Fixed seed, small budget: a tiny model's dev loss falls as it trains, and it glosses unseen sentences.

    Measured once: MER 0.295, alignment 0.969 (a model that ignores its input,
    as with lr 3e-3, scored 0.94). Those figures depend on the machine and the
    versions of torch and transformers, so they are not asserted; what is
    asserted holds for any weights a working training run ends with.
    """
    make_corpus(tmp_path, "train:600,dev:30,test:40", stems=16, affixes=6, max_words=3)
    sh("""
igt-train --init tiny --out model --dev dev.examples.jsonl --max-steps 260 --eval-every 65 \\
    --lr 3e-4 --warmup 0.1 --dropout 0 --batch-tokens 2048 --seed 1 --no-progress \\
    --device cpu --no-bf16 < train.examples.jsonl 2> train.log
igt-gloss --model model --device cpu --dtype float32 --beams 1 --max-new-tokens 80 -q < test.input.jsonl > predictions.jsonl
igt-score --quiet test.jsonl < predictions.jsonl > scores.json
""", tmp_path)
    # Training: one evaluation every 65 steps, the dev loss lower at the end than after the first 65
    # steps (the demo language is learnable: a loss that does not fall means training is broken).
    log = log_lines(tmp_path / "model")
    assert [r["step"] for r in log] == [65, 130, 195, 260]
    losses = [r["dev_loss"] for r in log]
    assert losses[-1] < losses[0], f"dev loss {losses}: training did not lower it"
    # The published model is the checkpoint with the best dev loss.
    meta = json.loads((tmp_path / "model" / "igt_tools.json").read_text())
    assert meta["dev_loss"] == min(losses)
    assert meta["training"]["steps"] == 260 and meta["training"]["best_step"] == log[losses.index(min(losses))]["step"]
    # Glossing: every held-out sentence gets a prediction, in order, and igt-score scores all of them.
    predictions = read_jsonl(tmp_path / "predictions.jsonl")
    gold = read_jsonl(tmp_path / "test.jsonl")
    assert [p["id"] for p in predictions] == [g["id"] for g in gold]
    assert all(isinstance(p["glosses"], str) and isinstance(p["segmentation"], str) for p in predictions)
    scores = json.loads((tmp_path / "scores.json").read_text())["all"]
    assert scores["counts"] == {"sentences": 40, "segmentation": 40, "alignment": 40, "missing_predictions": 0}
    assert scores["glossing"]["morphemes"]["error_rate"] == pytest.approx(recomputed_mer(predictions, gold))
