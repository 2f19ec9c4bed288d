"""igt-train options a run may take: the best checkpoint, --model, the optimiser, the schedule, overrides, bad records."""

import json
import signal
from pathlib import Path

import pytest

from conftest import import_installed, write_jsonl
from toy import FAST, checkpoint_folders, log_lines, same_weights, toy_examples, train as run, train_until_signal

torch = import_installed("torch")

# FAST without --init micro and --batch-tokens: what continuing a model gets by default
CONTINUE = FAST[4:]
PRETRAINED_DEFAULTS = {"lr": 5e-5, "clip": 20.0, "batch_tokens": 32768, "epochs": 15}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("toy")
    return write_jsonl(folder / "train.jsonl", toy_examples(120)), write_jsonl(folder / "dev.jsonl", toy_examples(24, seed=9))


def metadata(folder):
    return json.loads((Path(folder) / "igt_tools.json").read_text())


def test_the_best_checkpoint_by_dev_loss_becomes_the_model_not_the_last(tmp_path, data, monkeypatch):
    from igt_tools.model import training

    train, dev = data
    # Dev losses the test sets, evaluation by evaluation (every 2 steps), rather than what a
    # 12-step run happens to score: the best is the second, at step 4, and later ones rise.
    scripted = iter([0.9, 0.5, 0.7, 0.8, 0.85, 0.95])

    def dev_loss(model, dev_set, *args):
        loss = next(scripted, 0.99)
        return {"dev_loss": loss, "dev_languages": {e.glottocode: {"examples": 1, "tokens": 1, "loss": loss} for e in dev_set}}

    monkeypatch.setattr(training, "dev_loss_by_language", dev_loss)
    out = tmp_path / "m"
    result = run([*FAST, "--out", str(out), "--dev", str(dev), "--max-steps", "12", "--eval-every", "2", "--lr", "3e-3",
                  "--keep-checkpoints"], train)
    assert result.exit_code == 0, result.output
    log = log_lines(out)
    assert [(line["step"], line["dev_loss"]) for line in log][:2] == [(2, 0.9), (4, 0.5)] and log[-1]["step"] == 12
    assert (metadata(out)["training"]["best_step"], metadata(out)["dev_loss"]) == (4, 0.5)
    # --keep-checkpoints keeps the best and the last; the model folder holds the best one's weights
    best_folder, last_folder = checkpoint_folders(out)
    assert (best_folder.name, last_folder.name) == ("checkpoint-00000004", "checkpoint-00000012")
    assert same_weights(out, best_folder) and not same_weights(out, last_folder)


def test_without_keep_checkpoints_none_is_left(tmp_path, data):
    train, dev = data
    out = tmp_path / "m"
    assert run([*FAST, "--out", str(out), "--dev", str(dev), "--max-steps", "4", "--eval-every", "2"], train).exit_code == 0
    assert checkpoint_folders(out) == [] and (out / "model.safetensors").is_file()


def test_continuing_a_model_folder_or_a_published_checkpoint_with_the_pretrained_defaults(tmp_path, data):
    from igt_tools.model.loading import load_model
    from test_model_loading import published_folder

    train, _ = data
    first = tmp_path / "first"
    assert run([*FAST, "--out", str(first), "--max-steps", "2"], train).exit_code == 0
    model, _, _ = load_model(first)
    # the same weights laid out as a published PolyGloss checkpoint: its own architecture name, no igt_tools.json
    published = published_folder(tmp_path / "polygloss", model)
    outs = []
    for source in (first, published):
        out = tmp_path / f"from-{source.name}"
        result = run([*CONTINUE, "--model", str(source), "--out", str(out), "--max-steps", "2"], train)
        assert result.exit_code == 0, result.output
        meta = metadata(out)
        assert meta["init"] == str(source)
        assert {k: meta["training"]["options"][k] for k in PRETRAINED_DEFAULTS} == PRETRAINED_DEFAULTS
        assert not same_weights(out, first)  # it trained on
        outs.append(out)
    assert same_weights(*outs)  # from the same weights, the same run
    assert not (published / "CODE_WAS_RUN").exists()


def test_adafactor_learns_and_resumes_exactly(tmp_path, data):
    train, dev = data
    common = [*FAST, "--dev", str(dev), "--max-steps", "6", "--eval-every", "3", "--lr", "3e-3"]
    args = [*common, "--optimizer", "adafactor"]
    whole = tmp_path / "whole"
    assert run([*args, "--out", str(whole)], train).exit_code == 0
    log = log_lines(whole)
    assert log[-1]["dev_loss"] < log[0]["dev_loss"]
    assert metadata(whole)["training"]["options"]["optimizer"] == "adafactor"
    adamw = tmp_path / "adamw"
    assert run([*common, "--out", str(adamw)], train).exit_code == 0
    assert not same_weights(whole, adamw)
    # its own optimiser state is saved and read back: a kill and --resume give the same weights
    killed = tmp_path / "killed"
    assert train_until_signal([*args, "--out", str(killed)], train, 3, "SIGKILL").returncode == -signal.SIGKILL
    resumed = run([*args, "--out", str(killed), "--resume"], train)
    assert resumed.exit_code == 0, resumed.output
    assert same_weights(whole, killed)


@pytest.mark.parametrize("schedule", ["steps", "time"])
def test_schedule_time_reaches_the_floor_when_the_time_budget_ends(tmp_path, data, monkeypatch, schedule):
    from igt_tools.model import training

    train, _ = data
    # a clock of 10 s a step: --max-minutes 1 ends the run after 6 of its 120 steps
    monkeypatch.setattr(training._Clock, "elapsed", lambda self: 10.0 * self.state.step)
    out = tmp_path / schedule
    result = run([*FAST, "--out", str(out), "--max-minutes", "1", "--schedule", schedule, "--lr", "1e-3",
                  "--eval-every", "1"], train)
    assert result.exit_code == 0, result.output
    assert "reached --max-minutes 1" in result.output
    rates = [line["lr"] for line in log_lines(out)]
    assert len(rates) == 6
    if schedule == "time":
        # step n's rate is set at n-1 of the 6 budgeted steps; the last one, 5/6 of the way, near the floor 2e-4
        factor = training.optim.lr_factor(50 / 60, 0.03, 0.2)
        assert rates[-1] == pytest.approx(1e-3 * factor) and rates[-1] < 3e-4
        assert rates[1:] == sorted(rates[1:], reverse=True)  # past the warm-up step, only down
    else:
        assert rates[-1] > 9e-4  # 6 of 120 steps: still near the peak


def test_task_and_prompts_overrides_are_recorded_for_igt_gloss(tmp_path, data):
    train, _ = data
    out = tmp_path / "m"
    result = run([*FAST, "--out", str(out), "--max-steps", "1", "--task", "multitask", "--prompts", "compact"], train)
    assert result.exit_code == 0, result.output
    assert "task format multitask, compact prompts" in result.output
    assert (metadata(out)["task"], metadata(out)["prompts"]) == ("multitask", "compact")
    plain = tmp_path / "plain"
    assert run([*FAST, "--out", str(plain), "--max-steps", "1"], train).exit_code == 0
    assert (metadata(plain)["task"], metadata(plain)["prompts"]) == ("interleaved", "polygloss")


def test_skip_bad_and_bad_out_set_bad_records_aside(tmp_path, data):
    train, _ = data
    lines = train.read_text().splitlines()
    bad_line = '{"id": "broken", "input": "Text: x\\nOutput: ", "label": null}'
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines[:5] + ["{not json", bad_line] + lines[5:]) + "\n")
    out, aside = tmp_path / "m", tmp_path / "bad.txt"
    strict = run([*FAST, "--out", str(tmp_path / "strict"), "--max-steps", "1", str(path)], train)
    assert strict.exit_code == 1 and f"{path}:6:" in strict.output
    result = run([*FAST, "--out", str(out), "--max-steps", "1", "--bad-out", str(aside), str(path)], train)
    assert result.exit_code == 0, result.output
    assert f"skipped: {path}:6: invalid JSON" in result.output and f"skipped: {path}:7:" in result.output
    assert aside.read_text() == "{not json\n" + bad_line + "\n"
    assert sum(metadata(out)["languages"].values()) == 120
    skipped = run([*FAST, "--out", str(tmp_path / "s"), "--max-steps", "1", "--skip-bad", str(path)], train)
    assert skipped.exit_code == 0 and same_weights(out, tmp_path / "s")
