"""benchmarks/context_shape_costs.py: a shape's parts timed on real inputs, whatever its weights."""

import json
import subprocess
import sys

import conftest

SCRIPT = conftest.ROOT / "benchmarks" / "context_shape_costs.py"


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def test_it_times_the_models_own_shape_then_each_shape_asked_for(word_model, tmp_path):
    examples = tmp_path / "examples.jsonl"
    examples.write_text("".join(json.dumps({"input": f"und: word {n}\n< a | b >", "label": f"W(word{n})"}) + "\n"
                                for n in range(5)))
    done = _run("--model", word_model, "--examples", examples, "--limit", 3, "--repeat", 1,
                "--shapes", "32x64x1x1,16x32x2x1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("3 inputs from ")
    rows = lines[2:]
    assert [row.split()[0] for row in rows][1:] == ["32x64x1x1", "16x32x2x1"]
    assert "(the model's own)" in rows[0] and rows[0].count("1.00x") == 3


def test_a_shape_that_is_not_four_numbers_is_a_usage_error(word_model, tmp_path):
    done = _run("--model", word_model, "--examples", tmp_path / "none.jsonl", "--shapes", "128x256")
    assert done.returncode == 2 and "D_MODELxD_FFxENCODER_LAYERSxDECODER_LAYERS" in done.stderr
