"""igt-lora: adapters trained by igt-train's machinery, igt-gloss --adapter, --merge, refusals.

The base model is a micro ByT5 (random weights: the machinery is under test,
not what it learns) saved as igt-train would, or in a published layout.
"""

import json
import math
import random
import signal

import pytest

from conftest import PINNED, import_installed, output_records, run_command, write_jsonl

torch = import_installed("torch")
import_installed("transformers")
import_installed("peft")

from igt_tools.commands.gloss import command as gloss_command  # noqa: E402
from igt_tools.commands.lora import command as lora_command  # noqa: E402
from igt_tools.model import loading, presets  # noqa: E402
from igt_tools.model.metadata import ModelMetadata  # noqa: E402
from test_model_loading import published_folder  # noqa: E402
from toy import checkpoint_folders, log_lines, new_base, same_weights, train_until_signal  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_thread")

FAST = ["--threads", "1", "--device", "cpu", "--no-bf16", "--no-progress", "--batch-tokens", "2048"]
STEMS = {"kal": "dog", "mir": "house", "tup": "eat", "sen": "see"}
SUFFIXES = {"ak": "PL", "en": "ERG", "i": "PST"}


def toy_records(n, seed=0, glottocode="toya1234"):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = [(rng.choice(list(STEMS)), rng.choice(list(SUFFIXES))) for _ in range(rng.randint(1, 3))]
        out.append({"id": f"{glottocode}-{seed}-{i}", "glottocode": glottocode,
                    "transcription": " ".join(stem + suffix for stem, suffix in words),
                    "segmentation": " ".join(f"{stem}-{suffix}" for stem, suffix in words),
                    "glosses": " ".join(f"{STEMS[stem]}-{SUFFIXES[suffix]}" for stem, suffix in words)})
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lora-data")
    return (write_jsonl(folder / "train.jsonl", toy_records(40)),
            write_jsonl(folder / "dev.jsonl", toy_records(10, seed=9)))


@pytest.fixture(scope="module")
def trained(tmp_path_factory, data):
    """(base folder, adapter folder) after a short run that changes the outputs."""
    folder = tmp_path_factory.mktemp("lora")
    base = new_base(folder / "base")
    train, dev = data
    result = lora(["--model", str(base), "--out", str(folder / "adapter"), "--dev", str(dev), "--max-steps", "12",
                   "--eval-every", "6", "--lr", "1e-2", str(train)])
    assert result.exit_code == 0, result.output
    return base, folder / "adapter"


def lora(args):
    return run_command(lora_command, [*FAST, *args])


def gloss(args, records_path):
    result = run_command(gloss_command, [*PINNED, "--quiet", "--max-new-tokens", "24", *args, records_path], exit_code=0)
    return output_records(result)


@pytest.mark.filterwarnings("ignore::FutureWarning")  # peft calls a name transformers deprecates
def test_an_adapter_is_a_peft_folder_that_names_its_base_and_data(trained, data):
    from peft import PeftModel

    base, adapter = trained
    assert {"adapter_config.json", "adapter_model.safetensors", "igt_tools.json", "log.jsonl"} <= {
        p.name for p in adapter.iterdir()}
    assert not checkpoint_folders(adapter)
    meta = ModelMetadata.read(adapter)
    _, _, base_meta = loading.load_model(base, digest=True)
    assert meta.adapter["base_digest"] == base_meta.weights_digest
    assert (meta.adapter["rank"], meta.adapter["alpha"], meta.adapter["dropout"]) == (8, 8.0, 0.2)
    assert meta.adapter["target_modules"] == ["q", "v"]
    assert (meta.task, meta.prompts, meta.unit) == ("interleaved", "compact", "sentence")
    assert meta.languages == {"toya1234": 40}  # 40 records x the main task (interleaved) alone
    assert meta.dev_languages["toya1234"].examples == 10  # the main task only
    assert meta.dev_perplexity == pytest.approx(meta.dev_languages["toya1234"].perplexity)
    assert [line["step"] for line in log_lines(adapter)] == [6, 12]
    assert log_lines(adapter)[-1]["dev_loss"] < log_lines(adapter)[0]["dev_loss"]

    model, _, _ = loading.load_model(base)
    wrapped = PeftModel.from_pretrained(model, str(adapter))  # the standard way in
    assert any("lora_A" in name for name, _ in wrapped.named_parameters())


@pytest.mark.parametrize("lr, warned", [("1e-2", False), ("1e-9", True)])
def test_dev_loss_before_adapting_is_reported_and_no_gain_is_a_warning(tmp_path, data, lr, warned):
    base = new_base(tmp_path / "base")
    train, dev = data
    result = lora(["--model", str(base), "--out", str(tmp_path / "a"), "--dev", str(dev), "--max-steps", "4",
                   "--lr", lr, str(train)])
    assert result.exit_code == 0, result.output
    meta = ModelMetadata.read(tmp_path / "a")
    before = meta.adapter["base_dev_loss"]
    assert meta.adapter["base_dev_languages"] == {"toya1234": pytest.approx(before)}
    assert f"before adapting: dev loss {before:.4f}" in result.output
    assert f"toya1234: dev perplexity {math.exp(before):.3f} before adapting, " in result.output
    assert ("expect little or no gain" in result.output) == warned
    assert (meta.dev_loss < 0.99 * before) != warned


def test_auxiliary_adds_the_train_splits_auxiliary_examples(tmp_path, data):
    base = new_base(tmp_path / "base")
    train, _ = data
    result = lora(["--model", str(base), "--out", str(tmp_path / "adapter"), "--max-steps", "1", "--auxiliary",
                   str(train)])
    assert result.exit_code == 0, result.output
    # 40 records x (interleaved, t2g, s2g), as igt-format --split train makes them
    assert ModelMetadata.read(tmp_path / "adapter").languages == {"toya1234": 120}


def test_training_leaves_the_base_model_as_it_was(tmp_path, data):
    base = new_base(tmp_path / "base")
    before = loading.weights_digest(loading.read_weights(base))
    assert lora(["--model", str(base), "--out", str(tmp_path / "a"), "--max-steps", "2", str(data[0])]).exit_code == 0
    assert loading.weights_digest(loading.read_weights(base)) == before


def test_gloss_with_the_adapter_equals_the_merged_model(trained, data, tmp_path):
    base, adapter = trained
    dev = data[1]
    merged = tmp_path / "merged"
    result = lora(["--merge", "--model", str(base), "--adapter", str(adapter), "--out", str(merged)])
    assert result.exit_code == 0, result.output

    with_adapter = gloss(["--model", str(base), "--adapter", str(adapter)], dev)
    assert gloss(["--model", str(merged)], dev) == with_adapter

    inputs = loading.load_tokenizer(base)(["t: kalak miren", "t: tupi"], return_tensors="pt", padding=True)
    decoder_ids = torch.tensor([[0, 40, 50, 60], [0, 41, 51, 61]])
    outputs = []
    for model, _, _ in (loading.load_model(base, adapter=adapter), loading.load_model(merged), loading.load_model(base)):
        with torch.no_grad():
            outputs.append(model(**inputs, decoder_input_ids=decoder_ids).logits)
    assert torch.allclose(outputs[0], outputs[1], atol=1e-5)
    # the adapter does something, whatever the toy model writes with it: its trained B matrices
    # (zero when LoRA starts) moved the base model's scores
    assert not torch.allclose(outputs[0], outputs[2], atol=1e-5)

    meta = ModelMetadata.read(merged)
    assert meta.adapter is None and meta.training["merged_adapter"]["base_digest"]
    assert meta.languages == {"toya1234": 40}
    again = lora(["--merge", "--model", str(base), "--adapter", str(adapter), "--out", str(merged)])
    assert again.exit_code == 2 and "not empty" in again.output


def test_an_adapter_of_another_model_is_a_one_line_error(trained, data, tmp_path):
    _, adapter = trained
    other = new_base(tmp_path / "other", seed=5)
    result = run_command(gloss_command, [*PINNED, "--model", other, "--adapter", adapter, data[1]])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "the adapter was trained on another model" in result.stderr
    merge = lora(["--merge", "--model", str(other), "--adapter", str(adapter), "--out", str(tmp_path / "m")])
    assert merge.exit_code == 1 and "trained on another model" in merge.output
    not_adapter = run_command(gloss_command, [*PINNED, "--model", other, "--adapter", other, data[1]])
    assert not_adapter.exit_code == 1 and "not an adapter folder" in not_adapter.stderr


def test_resume_after_kill_gives_the_uninterrupted_adapter(tmp_path, data):
    base = new_base(tmp_path / "base")
    train, dev = data
    args = ["--model", str(base), "--dev", str(dev), "--max-steps", "8", "--eval-every", "2"]
    whole = tmp_path / "whole"
    assert lora([*args, "--out", str(whole), str(train)]).exit_code == 0

    killed = tmp_path / "killed"
    proc = train_until_signal([*FAST, *args, "--out", str(killed)], train, 4, "SIGKILL", command="lora")
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert not (killed / "adapter_model.safetensors").exists()
    other = new_base(tmp_path / "other", seed=3)
    elsewhere = lora(["--model", str(other), *args[2:], "--out", str(killed), "--resume", str(train)])
    assert elsewhere.exit_code == 1 and "trained on another model" in elsewhere.output
    result = lora([*args, "--out", str(killed), "--resume", str(train)])
    assert result.exit_code == 0, result.output
    assert "resuming from checkpoint-00000004" in result.output
    assert same_weights(whole, killed, "adapter_model.safetensors")
    assert [line["dev_loss"] for line in log_lines(killed)] == [line["dev_loss"] for line in log_lines(whole)]

    finished = lora([*args, "--out", str(killed), "--resume", str(train)])
    assert finished.exit_code == 0 and "nothing to resume" in finished.output


def test_a_word_model_is_adapted_on_word_examples(tmp_path, data):
    base = new_base(tmp_path / "base", unit="word")
    result = lora(["--model", str(base), "--out", str(tmp_path / "a"), "--max-steps", "2", str(data[0])])
    assert result.exit_code == 0, result.output
    words = sum(len(r["transcription"].split()) for r in toy_records(40))
    assert f"{words} training examples" in result.output
    assert ModelMetadata.read(tmp_path / "a").unit == "word"
    glossed = gloss(["--model", str(base), "--adapter", str(tmp_path / "a")], data[1])
    assert len(glossed) == 10 and all(r["provenance"] for r in glossed)


def test_a_published_layout_is_adapted_and_glossed(tmp_path, data):
    model, _ = presets.new_model("micro", seed=1)
    base = published_folder(tmp_path / "polygloss", model, weights="bin")
    adapter = tmp_path / "a"
    result = lora(["--model", str(base), "--out", str(adapter), "--max-steps", "2", str(data[0])])
    assert result.exit_code == 0, result.output
    assert not (base / "CODE_WAS_RUN").exists()
    assert ModelMetadata.read(adapter).prompts == "polygloss"  # the published model's prompts
    assert len(gloss(["--model", str(base), "--adapter", str(adapter)], data[1])) == 10


def test_examples_made_for_another_kind_of_model_are_refused(tmp_path, data):
    from igt_tools.examples import tasks

    base = new_base(tmp_path / "base")  # compact prompts
    examples = [e for r in toy_records(5) for e in tasks.build_examples(r, "interleaved", "train", "polygloss")]
    result = lora(["--model", str(base), "--out", str(tmp_path / "a"),
                   str(write_jsonl(tmp_path / "examples.jsonl", examples))])
    assert result.exit_code == 2
    assert "igt-format --unit sentence --task interleaved --prompts compact" in result.output
    compact = [e for r in toy_records(5) for e in tasks.build_examples(r, "interleaved", "train", "compact")]
    ok = lora(["--model", str(base), "--out", str(tmp_path / "b"), "--max-steps", "1",
               str(write_jsonl(tmp_path / "compact.jsonl", compact))])
    assert ok.exit_code == 0, ok.output


def test_records_without_a_label_are_left_out_and_counted(tmp_path, data):
    base = new_base(tmp_path / "base")
    records = toy_records(6)
    records[0]["glosses"] = "dog"  # misaligned with its segmentation
    del records[1]["glosses"]
    result = lora(["--model", str(base), "--out", str(tmp_path / "a"), "--max-steps", "1",
                   str(write_jsonl(tmp_path / "r.jsonl", records))])
    assert result.exit_code == 0, result.output
    assert "2 training record(s) left out without a label (" in result.output
    empty = lora(["--model", str(base), "--out", str(tmp_path / "b"), str(write_jsonl(tmp_path / "e.jsonl", [records[1]]))])
    assert empty.exit_code == 1 and "no training examples" in empty.output


@pytest.mark.parametrize("args, message", [
    (["--merge"], "--merge needs --adapter"),
    (["--adapter", "."], "--adapter goes with --merge"),
    (["--target-modules", "q,nope"], "--target-modules: nope"),
    (["--target-modules", "all-linear,q"], "all-linear alone"),
    (["--init", "tiny"], "No such option"),
])
def test_usage_errors(tmp_path, data, args, message):
    base = new_base(tmp_path / "base")
    result = lora(["--model", str(base), "--out", str(tmp_path / "a"), *args, str(data[0])])
    assert result.exit_code == 2
    assert message in result.output


def test_all_linear_adapts_the_feed_forward_layers_too(tmp_path, data):
    base = new_base(tmp_path / "base")
    result = lora(["--model", str(base), "--out", str(tmp_path / "a"), "--max-steps", "1", "--target-modules",
                   "all-linear", str(data[0])])
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "a" / "adapter_config.json").read_text())
    assert {"q", "wo"} <= set(config["target_modules"])
