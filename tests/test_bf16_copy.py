"""training/bf16_copy.py: a model folder with bf16 weights, which igt_tools loads back in float32."""

import subprocess
import sys

import conftest

SCRIPT = conftest.ROOT / "training" / "bf16_copy.py"


def test_the_copy_has_every_file_bf16_weights_and_loads_as_float32_close_to_the_original(word_model, tmp_path):
    import torch
    from safetensors.torch import load_file

    from igt_tools.model.loading import load_model

    target = tmp_path / "bf16"
    done = subprocess.run([sys.executable, str(SCRIPT), str(word_model), str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in word_model.iterdir() if p.is_file())
    stored = load_file(target / "model.safetensors")
    assert {t.dtype for t in stored.values()} == {torch.bfloat16}
    original = load_file(word_model / "model.safetensors")
    assert original.keys() == stored.keys() and any(t.dtype == torch.float32 for t in original.values())

    (model, tokenizer, _), (copy, _, _) = load_model(str(word_model)), load_model(str(target))
    assert next(copy.parameters()).dtype == torch.float32
    ids = tokenizer(["und: abc"], return_tensors="pt").input_ids
    start = torch.zeros((1, 1), dtype=torch.long)
    with torch.inference_mode():
        a = model(input_ids=ids, decoder_input_ids=start).logits
        b = copy(input_ids=ids, decoder_input_ids=start).logits
    assert not torch.equal(a, b)  # rounded, so not the same numbers
    assert torch.allclose(a, b, atol=0.1 * a.abs().max().item())
