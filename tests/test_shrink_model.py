"""training/shrink_model.py: a model folder with only some of a trained model's layers."""

import json
import subprocess
import sys

import pytest

import conftest

SCRIPT = conftest.ROOT / "training" / "shrink_model.py"


def _shrink(source, out, encoder, decoder, *more):
    return subprocess.run([sys.executable, str(SCRIPT), str(source), str(out), "--encoder", encoder,
                           "--decoder", decoder, *more], capture_output=True, text=True)


def _logits(folder, text="und: abc"):
    import torch

    from igt_tools.model.loading import load_model

    model, tokenizer, _ = load_model(folder)
    ids = tokenizer([text], return_tensors="pt").input_ids
    with torch.inference_mode():
        return model, model(input_ids=ids, decoder_input_ids=torch.zeros((1, 1), dtype=torch.long)).logits


def test_keeping_every_block_gives_the_same_model_and_a_folder_igt_tools_loads(word_model, tmp_path):
    config = json.loads((word_model / "config.json").read_text())
    every = lambda n: ",".join(str(i) for i in range(n))  # noqa: E731
    dev = tmp_path / "dev.jsonl"
    dev.write_text(json.dumps({"input": "und: abc", "label": "ABC(abc)"}) + "\n")
    done = _shrink(word_model, tmp_path / "same", every(config["num_layers"]), every(config["num_decoder_layers"]),
                   "--dev", str(dev))
    assert done.returncode == 0, done.stderr
    losses = [float(line.rsplit(" ", 1)[1]) for line in done.stdout.splitlines() if "dev loss" in line]
    assert len(losses) == 2 and losses[0] == losses[1] and losses[0] > 0
    written = json.loads((tmp_path / "same" / "config.json").read_text())
    # the source's own config (ByT5's separate output layer), not transformers' tied default
    assert written == config
    assert (tmp_path / "same" / "igt_tools.json").read_text() == (word_model / "igt_tools.json").read_text()
    _, original = _logits(word_model)
    _, same = _logits(tmp_path / "same")
    assert original.shape == same.shape and (original - same).abs().max().item() < 1e-5


def _four_block_model(folder):
    """An untrained `tiny` preset (4 encoder blocks, 2 decoder blocks, each initialised apart)."""
    conftest.import_installed("transformers")
    from igt_tools.model.loading import save_model
    from igt_tools.model.metadata import ModelMetadata
    from igt_tools.model.presets import new_model

    model, tokenizer = new_model("tiny", seed=1)
    save_model(model, tokenizer, folder, ModelMetadata(task="interleaved", prompts="compact", unit="word"))
    return folder


def test_the_kept_blocks_are_the_listed_ones_and_the_config_counts_them(tmp_path):
    source = _four_block_model(tmp_path / "source")
    # blocks 0 and 2 of four: the second kept is block 2, not the first two blocks
    done = _shrink(source, tmp_path / "small", "0,2", "0")
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "small" / "config.json").read_text())
    assert written["num_layers"] == 2 and written["num_decoder_layers"] == 1
    original, _ = _logits(source)
    small, logits = _logits(tmp_path / "small")
    assert len(small.encoder.block) == 2 and len(small.decoder.block) == 1
    for kept, block in ((small.encoder.block[0], original.encoder.block[0]),
                        (small.encoder.block[1], original.encoder.block[2]),
                        (small.decoder.block[0], original.decoder.block[0])):
        ours, theirs = kept.state_dict(), block.state_dict()
        assert list(ours) == list(theirs)
        for name in ours:
            assert ours[name].equal(theirs[name]), name
    assert not small.encoder.block[1].layer[0].SelfAttention.q.weight.equal(original.encoder.block[1].layer[0].SelfAttention.q.weight)


@pytest.mark.parametrize("encoder, decoder", [("1", "0"), ("0", "1,0"), ("0,9", "0")])
def test_a_list_without_block_0_or_beyond_the_model_is_refused(word_model, tmp_path, encoder, decoder):
    done = _shrink(word_model, tmp_path / "out", encoder, decoder)
    assert done.returncode != 0
    assert "block" in done.stderr
    assert not (tmp_path / "out" / "model.safetensors").exists()
