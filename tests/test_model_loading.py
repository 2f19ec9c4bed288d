"""Model folders: presets, saving, and published checkpoints loaded as plain T5 without their code."""

import json

import pytest

from conftest import import_installed

torch = import_installed("torch")
import_installed("transformers")

from safetensors.torch import save_file  # noqa: E402

from igt_tools.core.errors import DataError  # noqa: E402
from igt_tools.model import loading, presets  # noqa: E402
from igt_tools.model.metadata import LanguageScore, ModelMetadata  # noqa: E402

# Code a published folder ships; running it would leave a mark and end the process.
HOSTILE_CODE = """
import pathlib, sys
pathlib.Path(__file__).with_name("CODE_WAS_RUN").write_text("yes")
sys.exit("remote code was executed")
"""


@pytest.fixture(scope="module")
def tiny():
    model, tokenizer = presets.new_model("tiny", seed=1)
    model.eval()
    return model, tokenizer


def logits(model, tokenizer):
    inputs = tokenizer(["Text in Tsez: retinäy debex", "ab"], return_tensors="pt", padding=True)
    labels = tokenizer(["IV(r)-want(eti)", "x"], return_tensors="pt", padding=True).input_ids
    with torch.no_grad():
        return model(**inputs, labels=labels).logits


def published_folder(path, model, *, every_embedding_copy=True, weights="safetensors"):
    """A folder laid out like lecslab/polygloss-byt5-*: custom architecture, auto_map, shipped code."""
    path.mkdir()
    config = model.config.to_dict()
    config.pop("scale_decoder_outputs", None)
    config.update(
        architectures=["PolyGlossSeq2Seq"],
        auto_map={"AutoModelForSeq2SeqLM": "modeling_polygloss.PolyGlossSeq2Seq"},
        tie_word_embeddings=False,
        torch_dtype="float32",
        transformers_version="4.47.1",
    )
    (path / "config.json").write_text(json.dumps(config))
    (path / "modeling_polygloss.py").write_text(HOSTILE_CODE)
    state = {name: tensor.detach().clone().contiguous() for name, tensor in model.state_dict().items()}
    if not every_embedding_copy:
        for key in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight"):
            del state[key]
    if weights == "safetensors":
        save_file(state, str(path / "model.safetensors"), metadata={"format": "pt"})
    elif weights == "sharded":
        names = sorted(state)
        half = len(names) // 2
        shards = {"model-00001-of-00002.safetensors": names[:half], "model-00002-of-00002.safetensors": names[half:]}
        for shard, keys in shards.items():
            save_file({k: state[k] for k in keys}, str(path / shard), metadata={"format": "pt"})
        weight_map = {k: shard for shard, keys in shards.items() for k in keys}
        (path / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))
    else:
        torch.save(state, str(path / "pytorch_model.bin"))
    return path


@pytest.mark.parametrize("weights", ["safetensors", "sharded", "bin"])
def test_published_layout_loads_as_plain_t5_without_running_its_code(tmp_path, tiny, weights):
    model, tokenizer = tiny
    folder = published_folder(tmp_path / "polygloss", model, weights=weights)

    loaded, loaded_tokenizer, metadata = loading.load_model(str(folder))

    assert not (folder / "CODE_WAS_RUN").exists()
    assert type(loaded).__name__ == "T5ForConditionalGeneration"
    assert torch.equal(logits(loaded, loaded_tokenizer), logits(model, tokenizer))
    assert loaded.lm_head.weight is not loaded.shared.weight
    assert loaded.encoder.embed_tokens.weight is loaded.shared.weight
    assert (metadata.task, metadata.prompts, metadata.from_file) == ("interleaved", "polygloss", False)


def test_embeddings_stored_once_are_shared_by_encoder_and_decoder(tmp_path, tiny):
    model, tokenizer = tiny
    folder = published_folder(tmp_path / "m", model, every_embedding_copy=False)
    loaded, _, _ = loading.load_model(folder)
    assert loaded.decoder.embed_tokens.weight is loaded.shared.weight
    assert torch.equal(logits(loaded, tokenizer), logits(model, tokenizer))


def test_saved_folder_round_trips_with_metadata(tmp_path, tiny):
    model, tokenizer = tiny
    meta = ModelMetadata(task="interleaved", languages={"dido1241": 3}, dev_loss=0.5,
                         dev_languages={"dido1241": LanguageScore(examples=2, tokens=40, loss=0.5)}, init="tiny")
    loading.save_model(model, tokenizer, tmp_path / "out", meta)

    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert config["tie_word_embeddings"] is False  # ByT5's own output layer, readable by any transformers
    loaded, loaded_tokenizer, loaded_meta = loading.load_model(tmp_path / "out")
    assert torch.equal(logits(loaded, loaded_tokenizer), logits(model, tokenizer))
    assert loaded_meta == meta
    assert loaded_meta.from_file
    assert loaded_meta.dev_languages["dido1241"].perplexity == pytest.approx(1.6487, abs=1e-4)


def test_presets_are_deterministic_and_have_byt5_shapes():
    first, _ = presets.new_model("tiny", seed=3)
    again, _ = presets.new_model("tiny", seed=3)
    other, _ = presets.new_model("tiny", seed=4)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), again.parameters()))
    assert not torch.equal(first.shared.weight, other.shared.weight)
    base = presets.config_for("base")
    shape = (base.d_model, base.d_ff, base.num_layers, base.num_decoder_layers, base.num_heads, base.d_kv)
    assert shape == (1536, 3968, 18, 6, 12, 64)
    assert base.vocab_size == 384 and base.feed_forward_proj == "gated-gelu"
    assert not loading.scales_decoder_outputs(base)
    with pytest.raises(ValueError, match="unknown preset"):
        presets.config_for("huge")


def test_missing_weights_are_a_clear_error(tmp_path, tiny):
    model, _ = tiny
    folder = published_folder(tmp_path / "m", model)
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    del state["decoder.final_layer_norm.weight"]
    state["pooler.weight"] = torch.zeros(2)
    save_file(state, str(folder / "model.safetensors"))
    with pytest.raises(loading.ModelError) as err:
        loading.load_model(folder)
    assert "missing keys: decoder.final_layer_norm.weight" in str(err.value)
    assert "unexpected keys: pooler.weight" in str(err.value)
    assert str(folder) in str(err.value)


def test_missing_output_layer_of_a_byt5_config_is_an_error(tmp_path, tiny):
    model, _ = tiny
    folder = published_folder(tmp_path / "m", model)
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(state, str(folder / "model.safetensors"))
    with pytest.raises(loading.ModelError, match="lm_head.weight"):
        loading.load_model(folder)


def test_not_a_model_folder(tmp_path):
    with pytest.raises(loading.ModelError, match="no config.json"):
        loading.load_model(tmp_path)
    with pytest.raises(loading.ModelError, match="no such model folder"):
        loading.load_model(str(tmp_path / "absent" / "deeper"))


def test_hub_ids_download_data_files_only(tmp_path, tiny, monkeypatch):
    model, _ = tiny
    folder = published_folder(tmp_path / "snapshot", model)
    calls = []

    def fake_snapshot_download(repo_id, allow_patterns):
        calls.append((repo_id, allow_patterns))
        return str(folder)

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    monkeypatch.chdir(tmp_path)
    loaded, _, _ = loading.load_model("lecslab/polygloss-byt5-interleaved-2025-12-28")
    assert calls and calls[0][0] == "lecslab/polygloss-byt5-interleaved-2025-12-28"
    assert not any(p.endswith(".py") or p == "*" for _, patterns in calls for p in patterns)
    assert not (folder / "CODE_WAS_RUN").exists()


def test_published_quality_tables_are_read(tmp_path, tiny):
    model, _ = tiny
    folder = published_folder(tmp_path / "m", model)
    (folder / "lang_perplexities.csv").write_text(
        "glottocode,language,perplexity,num_tokens,num_morphemes,num_words\n"
        "dido1241,Tsez,1.25,1000,300,120\n"
    )
    (folder / "regressions.csv").write_text("metric,slope,intercept\nmorphemes_error_rate,0.5,-0.5\n")
    _, _, meta = loading.load_model(folder)
    assert meta.lang_perplexities[0]["num_tokens"] == 1000
    assert meta.predict("morphemes_error_rate", 1.25) == pytest.approx(0.125)


def test_a_broken_quality_table_stops_only_what_reads_it(tmp_path, tiny):
    model, _ = tiny
    folder = published_folder(tmp_path / "m", model)
    (folder / "regressions.csv").write_text("metric,slope,intercept\nmorphemes_error_rate,steep,-0.5\n")
    _, _, meta = loading.load_model(folder)  # loading (and so glossing) does not read it
    assert meta.lang_perplexities is None
    with pytest.raises(DataError, match="regressions.csv:2:"):
        meta.predict("morphemes_error_rate", 1.25)


def _transformers_tied_folder(path, scale):
    """A folder as transformers 5 writes a T5: `tie_word_embeddings: true`, no lm_head.weight."""
    from transformers import T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    config = T5Config(vocab_size=384, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=1, num_heads=2,
                      feed_forward_proj="gated-gelu" if not scale else "relu", tie_word_embeddings=scale,
                      decoder_start_token_id=0, dropout_rate=0.0)
    T5ForConditionalGeneration(config).save_pretrained(str(path))
    written = json.loads((path / "config.json").read_text())
    from safetensors.torch import load_file

    if "lm_head.weight" in load_file(str(path / "model.safetensors")) or written.get("tie_word_embeddings") is not True:
        pytest.skip("this transformers writes a T5's output layer apart")
    return path


@pytest.mark.parametrize("scale", [False, True], ids=["v1.1-unscaled", "original-t5-scaled"])
def test_a_tied_head_folder_of_current_transformers_loads_with_its_logits(tmp_path, scale):
    from transformers import ByT5Tokenizer, T5ForConditionalGeneration

    folder = _transformers_tied_folder(tmp_path / "m", scale)
    tokenizer = ByT5Tokenizer()
    reference = T5ForConditionalGeneration.from_pretrained(str(folder)).eval()

    loaded, _, _ = loading.load_model(folder)
    assert loaded.lm_head.weight is loaded.shared.weight
    assert torch.equal(logits(loaded, tokenizer), logits(reference, tokenizer))

    # and saved again, it stays what it was (tied, its decoder output scaled or not)
    loading.save_model(loaded, tokenizer, tmp_path / "again")
    again, _, _ = loading.load_model(tmp_path / "again")
    assert torch.equal(logits(again, tokenizer), logits(reference, tokenizer))


def test_weights_digest_names_the_weights_not_the_file_layout(tmp_path, tiny):
    model, _ = tiny
    one = published_folder(tmp_path / "one", model, weights="safetensors")
    sharded = published_folder(tmp_path / "sharded", model, weights="sharded")
    first = loading.weights_digest(loading.read_weights(one))
    assert first == loading.weights_digest(loading.read_weights(sharded))
    _, _, metadata = loading.load_model(one, digest=True)
    assert metadata.weights_digest == first and first.startswith("sha256:")
    other, _ = presets.new_model("tiny", seed=2)
    assert loading.weights_digest(other.state_dict()) != first
