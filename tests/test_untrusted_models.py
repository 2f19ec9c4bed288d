"""Model folders made to hurt (hostile configs, weights and code): each is refused in one line, exit 1, before a model is built
from it; folders igt-train writes never ask anyone to run code; a missing path never goes to the network."""

import json
import os
import shutil
import struct
import time

import pytest

from conftest import import_installed, run_command, write_jsonl

torch = import_installed("torch")
import_installed("transformers")

from igt_tools.commands.gloss import command as gloss_command  # noqa: E402
from igt_tools.model import folder_checks, loading, presets  # noqa: E402
from toy import FAST as TRAIN_FAST, new_base, toy_examples, train  # noqa: E402

RECORD = '{"id": "a", "transcription": "ab cd"}\n'


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A micro model folder as igt-train writes it."""
    return new_base(tmp_path_factory.mktemp("models") / "base")


def variant(base, tmp_path, file, **changes):
    """A copy of the base folder with `changes` made to one of its JSON files."""
    folder = tmp_path / "variant"
    shutil.copytree(base, folder)
    path = folder / file
    data = json.loads(path.read_text()) if path.exists() else {}
    data.update(changes)
    path.write_text(json.dumps(data))
    return folder


def gloss(folder):
    return run_command(gloss_command, ["-q", "-m", folder, "--device", "cpu", "--max-new-tokens", "4"], RECORD)


def assert_refused(result, *fragments):
    assert result.exit_code == 1, (result.output, result.exception)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.mark.parametrize(
    "file, changes, fragment",
    [
        # each of these hung, exhausted memory or gave a traceback before
        ("config.json", {"num_layers": 1_000_000}, "num_layers must be an integer from 1 to 256, not 1000000"),
        ("config.json", {"d_model": -5}, "d_model must be an integer from 1 to 65,536, not -5"),
        ("config.json", {"d_model": "big"}, 'd_model must be an integer from 1 to 65,536, not "big"'),
        ("config.json", {"num_heads": 2.5}, "num_heads must be an integer from 1 to 1,024, not 2.5"),
        ("config.json", {"num_heads": True}, "num_heads must be an integer"),
        ("config.json", {"eos_token_id": 384}, "config.json: eos_token_id must be an integer from 0 to 383"),
        ("config.json", {"feed_forward_proj": 7}, "feed_forward_proj must be a name"),
        ("tokenizer_config.json", {"extra_ids": 1_000_000_000}, "tokenizer_config.json: extra_ids must be an integer from 0 to 125"),
        ("tokenizer_config.json", {"added_tokens_decoder": {"100000": {"content": "<x>"}}}, "added_tokens_decoder id"),
        ("added_tokens.json", {"<x>": 10**9}, "added_tokens.json: '<x>' must be an integer from 0 to 383"),
        ("generation_config.json", {"decoder_start_token_id": 1e12}, "generation_config.json: decoder_start_token_id"),
        ("generation_config.json", {"eos_token_id": [1, -1]}, "generation_config.json: eos_token_id"),
        # sizes in range that do not fit the weights: checked against the safetensors header
        ("config.json", {"num_layers": 3}, "missing keys: encoder.block.2."),
        ("config.json", {"num_decoder_layers": 2}, "missing keys: decoder.block.1."),
        ("config.json", {"d_ff": 4096}, "DenseReluDense.wi_0.weight is [128, 64], the config says [4096, 64]"),
        ("config.json", {"vocab_size": 100_000}, "shared.weight is [384, 64], the config says [100000, 64]"),
        ("config.json", {"feed_forward_proj": "relu"}, "unexpected keys"),
    ],
)
def test_a_hostile_setting_is_refused_in_one_line_before_building(base, tmp_path, file, changes, fragment):
    folder = variant(base, tmp_path, file, **changes)
    start = time.monotonic()
    result = gloss(folder)
    assert_refused(result, f"igt-gloss: {folder}: ", fragment)
    assert time.monotonic() - start < 30  # not after building a million layers


def test_the_parameter_count_is_in_the_message(base, tmp_path):
    result = gloss(variant(base, tmp_path, "config.json", num_layers=3))
    assert_refused(result, "the config describes 205,632 parameters, model.safetensors holds 164,544")


@pytest.mark.parametrize(
    "settings",
    [
        {},  # the presets' own: gated GELU, fewer decoder layers
        {"feed_forward_proj": "relu"},
        {"num_decoder_layers": None, "d_kv": 16, "num_heads": 3},
        {"feed_forward_proj": "gated-silu", "relative_attention_num_buckets": 8},
    ],
)
def test_expected_shapes_are_transformers_own(settings):
    """The shapes the check expects are exactly the parameters transformers builds for the config."""
    from transformers import T5Config, T5ForConditionalGeneration

    data = {**presets.BYT5, **presets.PRESETS["micro"], **settings}
    with torch.device("meta"):
        model = T5ForConditionalGeneration(T5Config(**data))
    built = {name: tuple(p.shape) for name, p in model.named_parameters() if name != "lm_head.weight"}
    assert folder_checks.expected_shapes(data) == built


def test_a_safetensors_header_that_lies_about_its_length(base, tmp_path):
    folder = tmp_path / "forged"
    shutil.copytree(base, folder)
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", 10**12) + b"{}")
    assert_refused(gloss(folder), "model.safetensors is not a safetensors file")


def test_a_shard_index_that_points_outside_the_folder(base, tmp_path):
    folder = tmp_path / "sharded"
    shutil.copytree(base, folder)
    (folder / "model.safetensors").unlink()
    (folder / "model.safetensors.index.json").write_text(json.dumps({"weight_map": {"shared.weight": "../../x.safetensors"}}))
    assert_refused(gloss(folder), "names weight files outside the folder")


class Hostile:
    """Unpickling this would run a shell command."""

    def __reduce__(self):
        return (os.system, ("touch PICKLE_WAS_RUN",))


def test_a_pickled_object_in_the_weights_is_one_line(base, tmp_path, monkeypatch):
    folder = tmp_path / "pickled"
    shutil.copytree(base, folder)
    from safetensors.torch import load_file

    state = load_file(str(folder / "model.safetensors"))
    (folder / "model.safetensors").unlink()
    state["evil"] = Hostile()
    torch.save(state, str(folder / "pytorch_model.bin"))
    monkeypatch.chdir(tmp_path)
    assert_refused(gloss(folder), "refused pytorch_model.bin: it holds pickled objects, not only tensors",
                   "system); igt-tools never unpickles code")
    assert not (tmp_path / "PICKLE_WAS_RUN").exists()


def test_a_pickle_refusal_names_what_was_refused():
    try:
        torch.load(_pickled(), weights_only=True)
    except Exception as err:  # noqa: BLE001 (whatever torch raises, the line must be one)
        line = loading.pickle_refusal("x.bin", err)
    assert "\n" not in line and "weights_only" not in line and "system" in line


def _pickled():
    import io

    buffer = io.BytesIO()
    torch.save({"evil": Hostile()}, buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("path", ["./nosuch/folder", "../nosuch/folder", "/nonexistent/folder", "a/b/c",
                                  "~/nosuch-igt-folder/x", "models--x/y", "x/y/", "nosuch", "aü/x", "a b/c"])
def test_a_missing_local_path_is_no_such_folder_without_the_network(path, monkeypatch):
    monkeypatch.setattr(loading, "download", lambda repo_id: pytest.fail(f"tried the hub for {repo_id}"))
    with pytest.raises(loading.ModelError, match="no such model folder"):
        loading.resolve(path)


def test_a_path_under_an_existing_folder_is_a_local_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    monkeypatch.setattr(loading, "download", lambda repo_id: pytest.fail(f"tried the hub for {repo_id}"))
    with pytest.raises(loading.ModelError, match="no such model folder"):
        loading.resolve("models/typo")


def test_a_failed_download_is_one_line(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("no network\nsecond line\nthird line")

    import huggingface_hub

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", offline)
    with pytest.raises(loading.ModelError) as caught:
        loading.resolve("owner/name")
    assert str(caught.value) == ("owner/name: no such model folder here, and the Hugging Face hub cannot provide it: "
                                 "OSError: no network")


def test_an_unreachable_hub_is_one_line(tmp_path, monkeypatch):
    """The hub's own message runs to several lines with advice on settings; one line says why."""
    from huggingface_hub.errors import LocalEntryNotFoundError

    def unreachable(*args, **kwargs):
        try:
            raise OSError("[Errno -2] Name or service not known")
        except OSError as err:
            raise LocalEntryNotFoundError("Got: OSError\nAn error happened while trying...") from err

    import huggingface_hub

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", unreachable)
    with pytest.raises(loading.ModelError) as caught:
        loading.resolve("owner/name")
    assert str(caught.value) == ("owner/name: no such model folder here, and the Hugging Face hub cannot provide it: "
                                 "cannot reach it (OSError: [Errno -2] Name or service not known), and it is not in "
                                 "the local cache")


def _model_commands(tmp_path, model):
    """(command, arguments, stdin) of every command that takes --model, each with input that is bad
    data: a model error must come first, before any input is read."""
    from igt_tools.commands import lora, score, train as train_command

    bad = write_jsonl(tmp_path / "bad.jsonl", [{"nothing": "to use"}])
    return {
        "igt-gloss": (gloss_command, ["-q", "--model", model], "not json\n"),
        "igt-score": (score.command, ["--model", model, bad, bad], None),
        "igt-train": (train_command.command, ["--model", model, "--out", tmp_path / "out", bad], None),
        "igt-lora": (lora.command, ["--model", model, "--out", tmp_path / "out", bad], None),
    }


@pytest.mark.parametrize("name", ["igt-gloss", "igt-score", "igt-train", "igt-lora"])
@pytest.mark.parametrize("model", ["nosuch/dir/x", "./nosuch", "/nonexistent/model/"])
def test_every_model_command_refuses_a_missing_path_at_once(name, model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(loading, "download", lambda repo_id: pytest.fail(f"tried the hub for {repo_id}"))
    command, arguments, stdin = _model_commands(tmp_path, model)[name]
    result = run_command(command, arguments, stdin)
    assert_refused(result, f"{model}: no such model folder")
    assert "hub" not in result.stderr


@pytest.mark.parametrize("name", ["igt-gloss", "igt-score", "igt-train", "igt-lora"])
def test_every_model_command_says_in_one_line_that_the_hub_cannot_provide_an_id(name, tmp_path):
    """owner/name, no folder here, tried on the hub: offline (HF_HUB_OFFLINE, an empty cache), one
    line, exit 1; as real processes, since the hub reads its settings once, when imported."""
    import subprocess
    import sys
    from pathlib import Path

    bad = write_jsonl(tmp_path / "bad.jsonl", [{"nothing": "to use"}])
    arguments = {"igt-gloss": ["-q"], "igt-score": [bad, bad], "igt-train": ["--out", tmp_path / "out", bad],
                 "igt-lora": ["--out", tmp_path / "out", bad]}[name]
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    done = subprocess.run([str(Path(sys.executable).parent / name), "--model", "owner/name", *map(str, arguments)],
                          input=b"not json\n", capture_output=True, env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode().splitlines() == [
        f"{name}: owner/name: no such model folder here, and the Hugging Face hub cannot provide it: offline "
        "(HF_HUB_OFFLINE is set), and it is not in the local cache"]


def test_igt_train_drops_remote_code_settings_of_its_base(base, tmp_path):
    """A base folder whose settings ask to run code (trust_remote_code, auto_map): the folders
    igt-train writes must not carry them on."""
    folder = tmp_path / "remote"
    shutil.copytree(base, folder)
    asks = {"trust_remote_code": True, "auto_map": {"AutoModelForSeq2SeqLM": "modeling_x.X"},
            "custom_pipelines": {"x": {"impl": "p.P"}}}
    for name in ("config.json", "tokenizer_config.json", "generation_config.json"):
        path = folder / name
        path.write_text(json.dumps({**json.loads(path.read_text()), **asks}))
    examples = write_jsonl(tmp_path / "train.jsonl", toy_examples(8))
    out = tmp_path / "out"
    args = [a for a in TRAIN_FAST if a not in ("--init", "micro")]
    result = train([*args, "--model", str(folder), "--out", str(out), "--max-steps", "1", "--keep-checkpoints"],
                   examples)
    assert result.exit_code == 0, result.output
    written = [p for p in out.rglob("*.json") if p.name in loading.SETTINGS_FILES]
    assert {p.name for p in written} >= {"config.json", "tokenizer_config.json", "generation_config.json"}
    for path in written:
        data = json.loads(path.read_text())
        assert not set(asks) & set(data), path
        assert data.get("architectures", ["T5ForConditionalGeneration"]) == ["T5ForConditionalGeneration"]


# --- the model commands read JSONL through the same reader ------------------------------

HOSTILE_LINES = [b'{"id": "x", "input": "\xff\xfe"}', b'{"id": "x\\ud800"}', b'{"n": 1e400}', b'{"a": 1, "a": 2}',
                 b'{"n": ' + b"9" * 5000 + b"}", b"[" * 100_000 + b"]" * 100_000]


def test_igt_train_skips_hostile_lines_and_sets_their_bytes_aside(tmp_path):
    good_path = write_jsonl(tmp_path / "good.jsonl", toy_examples(8))  # also stdin, which naming FILEs leaves unread
    good = good_path.read_bytes()
    path = tmp_path / "train.jsonl"
    path.write_bytes(good + b"".join(line + b"\n" for line in HOSTILE_LINES) + good)
    strict = train([*TRAIN_FAST, "--out", str(tmp_path / "strict"), "--max-steps", "1", str(path)], good_path)
    assert strict.exit_code == 1 and f"{path}:9: not valid UTF-8" in strict.stderr
    assert len(strict.stderr.strip().splitlines()) == 1, strict.stderr
    aside = tmp_path / "bad.txt"
    result = train([*TRAIN_FAST, "--out", str(tmp_path / "m"), "--max-steps", "1", "--bad-out", str(aside), str(path)],
                   good_path)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("skipped: ") == len(HOSTILE_LINES)
    assert aside.read_bytes() == b"".join(line + b"\n" for line in HOSTILE_LINES)
    assert sum(json.loads((tmp_path / "m" / "igt_tools.json").read_text())["languages"].values()) == 16


def test_igt_lora_refuses_a_hostile_line_in_one_line(base, tmp_path):
    from igt_tools.commands.lora import command as lora_command
    from test_lora import FAST as LORA_FAST

    path = tmp_path / "records.jsonl"
    path.write_bytes(b'{"id": "ok", "transcription": "a", "segmentation": "a", "glosses": "A"}\n' + HOSTILE_LINES[1] + b"\n")
    result = run_command(lora_command, [*LORA_FAST, "--model", str(base), "--out", str(tmp_path / "a"), str(path)])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"igt-lora: {path}:2: invalid JSON: a lone surrogate \\ud800 (not a Unicode character)"


def test_igt_score_calibrate_with_a_hub_id_is_a_usage_error_without_the_network(tmp_path, monkeypatch):
    """--calibrate writes into the model folder: a hub id is refused before anything is downloaded."""
    from igt_tools.commands import score

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(loading, "download", lambda repo_id: pytest.fail(f"tried the hub for {repo_id}"))
    gold = write_jsonl(tmp_path / "gold.jsonl", [{"id": "a", "glosses": "x"}])
    result = run_command(score.command, ["--model", "owner/name", "--calibrate", gold, gold])
    assert result.exit_code == 2, result.output
    assert "give a local folder, not a hub id" in result.stderr
