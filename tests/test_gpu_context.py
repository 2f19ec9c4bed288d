"""training/gpu_context.sh, run on the CPU: it trains from its carried examples and brings back a model igt_tools loads."""

import json
import os
import shutil
import subprocess
import sys

import pytest

import conftest

conftest.import_installed("torch")
conftest.import_installed("transformers")

SCRIPT = conftest.ROOT / "training" / "gpu_context.sh"


def _examples(n):
    return "".join(json.dumps({"id": f"e{i}", "glottocode": "test1234", "task": "interleaved", "unit": "context",
                               "input": f"test1234: cat{i}s\n< the | sleep >\n~ cats cat(cat)-PL(s)",
                               "label": f"cat{i}(cat{i})-PL(s)"}) + "\n" for i in range(n))


@pytest.mark.skipif(shutil.which("xz") is None, reason="needs xz")
def test_a_cpu_smoke_run_brings_back_a_bf16_model_in_parts(tmp_path):
    carry, out = tmp_path / "carry", tmp_path / "out"
    carry.mkdir()
    (carry / "context.train.jsonl").write_text(_examples(24))
    subprocess.run(["xz", str(carry / "context.train.jsonl")], check=True)
    (carry / "context.dev.jsonl").write_text(_examples(4))
    env = {**os.environ, "DEVICE": "cpu", "MINUTES": "0.02", "PRESET": "micro", "BATCH_TOKENS": "512",
           "EVAL_EVERY": "2", "CARRY": str(carry), "WORK": str(tmp_path / "work"), "OUT": str(out),
           "PYTHON": sys.executable, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "data: 24 training examples, 4 dev examples" in done.stdout
    parts = sorted(out.glob("context-model.tar.part-*"))
    assert parts and (out / "context-model.log.jsonl").is_file() and (out / "gpu_context.log").is_file()
    back = tmp_path / "back"
    back.mkdir()
    subprocess.run(f"cat {' '.join(map(str, parts))} | tar -C {back} -xf -", shell=True, check=True)
    from igt_tools.model.loading import load_model

    _, _, metadata = load_model(str(back / "context-model-bf16"))
    assert metadata.unit == "context"
    from safetensors import safe_open

    with safe_open(str(back / "context-model-bf16" / "model.safetensors"), "pt") as weights:
        dtypes = {str(weights.get_slice(name).get_dtype()) for name in weights.keys()}
    assert dtypes == {"BF16"}  # brought back in bf16, as its name says
