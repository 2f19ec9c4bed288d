"""The committed models/demo still loads and glosses: the README's figure cannot break unnoticed.

training/demo.sh generates the demo language (seed 1) with the test split
first, so the first sentences the generator gives are its held-out test
sentences, whatever the number of training sentences.
"""

import json

from click.testing import CliRunner

from conftest import ROOT, import_installed
from igt_tools.commands.gloss import command as gloss
from igt_tools.commands.score import command as score
from igt_tools.demo import corpus
from igt_tools.demo.language import generate_language

import_installed("torch")
import_installed("transformers")  # igt-gloss loads the model with it

DEMO_MODEL = ROOT / "models" / "demo"
SENTENCES = 20
# models/demo scored MER 0.009 on all 200 test sentences (README), 0.0 on these 20; the README's bar is 0.10.
MER_BOUND = 0.05


def jsonl(records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_models_demo_glosses_its_held_out_test_sentences(tmp_path):
    gold = corpus.records(generate_language(1), SENTENCES)
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text(jsonl(gold), encoding="utf-8")
    inputs = [dict(r, segmentation=None, glosses=None) for r in gold]
    # as training/demo.sh glosses them, on the CPU in float32
    glossed = CliRunner().invoke(gloss, ["--model", str(DEMO_MODEL), "--device", "cpu", "--dtype", "float32",
                                         "--max-new-tokens", "256", "-q"], input=jsonl(inputs))
    assert glossed.exit_code == 0, glossed.stderr
    scored = CliRunner().invoke(score, ["--quiet", str(gold_file)], input=glossed.stdout)
    assert scored.exit_code == 0, scored.stderr
    figures = json.loads(scored.stdout)["all"]
    assert figures["counts"] == {"sentences": SENTENCES, "segmentation": SENTENCES, "alignment": SENTENCES,
                                 "missing_predictions": 0}
    mer = figures["glossing"]["morphemes"]["error_rate"]
    assert mer <= MER_BOUND, f"models/demo: MER {mer:.3f} on {SENTENCES} test sentences (README: 0.009 on 200)"
    assert figures["alignment"] >= 0.95
