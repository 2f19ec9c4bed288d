"""igt-train: learning, determinism, exact resume after a kill, atomic checkpoints, errors."""

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import import_installed, run_command, write_jsonl
from igt_tools.commands.train import command
from toy import (FAST, checkpoint_folders, log_lines, same_weights, toy_examples, train as run, train_until_signal,
                 weights)

@pytest.fixture
def model_stack():
    """igt-train checks the whole model stack before it reads a line (cli/model_stack.py): without
    the [train] extra a test of its errors skips, rather than failing on the install message."""
    from igt_tools.cli.model_stack import MODEL_STACK

    for name in MODEL_STACK:
        import_installed(name)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("toy")
    train = write_jsonl(folder / "train.jsonl", toy_examples(120))
    return train, write_jsonl(folder / "dev.jsonl", toy_examples(24, seed=9))


# -- batch plans ----------------------------------------------------------------


def test_token_budget_plan_covers_every_example_once_within_the_budget():
    from igt_tools.model import batching

    rng = random.Random(3)
    lengths = [(rng.randint(5, 300), rng.randint(3, 150)) for _ in range(500)] + [(900, 400)]
    plan = batching.token_budget_plan(lengths, 2048, seed=1, epoch=0)
    assert sorted(i for batch in plan for i in batch) == list(range(len(lengths)))
    assert all(batching.padded_size(lengths, b) <= 2048 or len(b) == 1 for b in plan)
    assert [500] in plan  # the over-long example goes alone
    assert plan == batching.token_budget_plan(lengths, 2048, seed=1, epoch=0)
    assert plan != batching.token_budget_plan(lengths, 2048, seed=1, epoch=1)
    naive = batching.random_plan(len(lengths), round(len(lengths) / len(plan)), seed=1, epoch=0)
    assert batching.padding_fraction(lengths, plan) < 0.5 * batching.padding_fraction(lengths, naive)


def test_shards_are_equal_and_disjoint():
    from igt_tools.model import batching

    plan = [[i] for i in range(7)]
    shards = [batching.shard(plan, rank, 3) for rank in range(3)]
    assert [len(s) for s in shards] == [2, 2, 2]
    assert sorted(b[0] for s in shards for b in s) == list(range(6))
    assert sum(len(batching.shard(plan, r, 3, equal=False)) for r in range(3)) == 7


def test_collate_shifts_labels_for_the_decoder():
    import_installed("torch")
    from igt_tools.model import batching

    a = batching.Encoded([5, 6, 1], [7, 8, 9, 1], "x")
    b = batching.Encoded([5, 1], [7, 1], "x")
    t = batching.collate([a, b])
    assert t["input_ids"].tolist() == [[5, 6, 1], [5, 1, 0]]
    assert t["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]
    assert t["labels"].tolist() == [[7, 8, 9, 1], [7, 1, -100, -100]]
    assert t["decoder_input_ids"].tolist() == [[0, 7, 8, 9], [0, 7, 0, 0]]


def test_truncation_keeps_the_end_of_sequence():
    import_installed("transformers")
    from transformers import ByT5Tokenizer

    from igt_tools.model import batching

    [e] = batching.encode([{"input": "abcdefgh", "label": "xyz", "glottocode": None}], ByT5Tokenizer(), 4, 10)
    assert e.input_ids == [ord("a") + 3, ord("b") + 3, ord("c") + 3, 1]
    assert e.truncated and e.glottocode == "und" and e.label_ids[-1] == 1


def test_learning_rate_warms_up_then_decays_to_the_floor():
    from igt_tools.model.optim import lr_factor

    steps = 100
    factors = [lr_factor((n + 1) / steps, warmup=0.1, floor=0.2) for n in range(steps)]
    assert factors[:10] == pytest.approx([(n + 1) / 10 for n in range(10)])
    assert all(a >= b for a, b in zip(factors[9:], factors[10:]))  # then only down
    assert factors[-1] == pytest.approx(0.2)
    assert lr_factor(3.0, warmup=0.1, floor=0.2) == pytest.approx(0.2)  # past the end: the floor


# -- learning and output -------------------------------------------------------


def test_training_reduces_dev_loss_and_writes_a_model_folder(tmp_path, data):
    import_installed("torch")
    train, dev = data
    out = tmp_path / "model"
    result = run([*FAST, "--out", str(out), "--dev", str(dev), "--max-steps", "24", "--eval-every", "6",
                  "--lr", "3e-3"], train)
    assert result.exit_code == 0, result.output
    log = log_lines(out)
    assert [line["step"] for line in log] == [6, 12, 18, 24]
    assert log[-1]["dev_loss"] < 0.7 * log[0]["dev_loss"]
    assert "padding" in result.output  # the padding fraction is reported, and logged
    assert all(0 <= line["padding"] < 0.5 for line in log)

    from igt_tools.model.loading import load_model

    model, tokenizer, meta = load_model(out)
    assert (meta.task, meta.prompts, meta.init) == ("interleaved", "polygloss", "micro")
    assert meta.languages == {"toya1234": 60, "toyb1234": 60}
    assert set(meta.dev_languages) == {"toya1234", "toyb1234"}
    assert meta.dev_loss == min(line["dev_loss"] for line in log)
    assert meta.data_digest.startswith("sha256:")
    assert not list(out.glob("checkpoint-*"))  # cleaned up once the model is in place


def test_same_seed_same_weights_other_seed_other_weights(tmp_path, data):
    import_installed("torch")
    train, _ = data
    for name, seed in (("a", "1"), ("b", "1"), ("c", "2")):
        result = run([*FAST, "--out", str(tmp_path / name), "--max-steps", "4", "--seed", seed], train)
        assert result.exit_code == 0, result.output
    assert same_weights(tmp_path / "a", tmp_path / "b")
    assert not same_weights(tmp_path / "a", tmp_path / "c")


def test_time_budget_ends_cleanly_with_a_model(tmp_path, data):
    import_installed("torch")
    train, dev = data
    out = tmp_path / "m"
    result = run([*FAST, "--out", str(out), "--dev", str(dev), "--max-minutes", "0.0001"], train)
    assert result.exit_code == 0, result.output
    assert "reached --max-minutes" in result.output
    assert (out / "model.safetensors").is_file() and (out / "igt_tools.json").is_file()
    assert log_lines(out)[-1]["step"] == 1


def test_early_stopping_counts_evaluations_without_improvement(tmp_path, data):
    import_installed("torch")
    train, dev = data
    out = tmp_path / "m"
    # a learning rate too small to change a single weight: the dev loss never improves
    result = run([*FAST, "--out", str(out), "--dev", str(dev), "--lr", "1e-30", "--eval-every", "1",
                  "--early-stopping", "2", "--max-steps", "50"], train)
    assert result.exit_code == 0, result.output
    assert [line["step"] for line in log_lines(out)] == [1, 2, 3]
    assert "no dev loss improvement in 2 evaluations" in result.output


# -- checkpoints and resume ----------------------------------------------------


def test_resume_after_kill_gives_the_uninterrupted_result(tmp_path, data):
    import_installed("torch")
    train, dev = data
    args = [*FAST, "--dev", str(dev), "--max-steps", "12", "--eval-every", "3"]
    whole = tmp_path / "whole"
    assert run([*args, "--out", str(whole)], train).exit_code == 0

    killed = tmp_path / "killed"
    proc = train_until_signal([*args, "--out", str(killed)], train, 6, "SIGKILL")
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert not (killed / "model.safetensors").exists()  # it did not get to the end
    assert [f.name for f in checkpoint_folders(killed)] == ["checkpoint-00000003", "checkpoint-00000006"]

    result = run([*args, "--out", str(killed), "--resume"], train)
    assert result.exit_code == 0, result.output
    assert "resuming from checkpoint-00000006 (step 6," in result.output  # the newest of the two
    assert same_weights(whole, killed)
    assert [line["step"] for line in log_lines(killed)] == [3, 6, 9, 12]
    assert [line["dev_loss"] for line in log_lines(killed)] == [line["dev_loss"] for line in log_lines(whole)]


def test_sigint_exits_130_and_resume_continues_the_run(tmp_path, data):
    import_installed("torch")
    train, _ = data
    args = [*FAST, "--max-steps", "6", "--eval-every", "3"]
    whole = tmp_path / "whole"
    assert run([*args, "--out", str(whole)], train).exit_code == 0

    stopped = tmp_path / "stopped"
    proc = train_until_signal([*args, "--out", str(stopped)], train, 3, "SIGINT")
    assert proc.returncode == 130, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    result = run([*args, "--out", str(stopped), "--resume"], train)
    assert result.exit_code == 0, result.output
    assert "resuming from checkpoint-00000003" in result.output
    assert same_weights(whole, stopped)


def test_a_kill_while_pruning_leaves_no_incomplete_checkpoint(tmp_path, monkeypatch):
    from igt_tools.model import checkpoint

    for step in (1, 2):
        checkpoint.write(tmp_path, checkpoint.TrainingState(step=step), lambda f: (f / "model.safetensors").write_bytes(b"x"))

    def killed_midway(path, ignore_errors=False):
        (Path(path) / checkpoint.STATE_FILE).unlink()  # the first file gone, then the process dies
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint.shutil, "rmtree", killed_midway)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.prune(tmp_path, keep_steps={2})
    monkeypatch.undo()
    assert [f.name for f in checkpoint_folders(tmp_path)] == ["checkpoint-00000002"]
    checkpoint.remove_leftovers(tmp_path)
    assert [f.name for f in tmp_path.iterdir()] == ["checkpoint-00000002"]


def test_resume_refuses_other_data(tmp_path, data):
    import_installed("torch")
    train, _ = data
    out = tmp_path / "m"
    assert run([*FAST, "--out", str(out), "--max-steps", "2", "--eval-every", "1", "--keep-checkpoints"],
               train).exit_code == 0
    (out / "model.safetensors").unlink()  # as if it had been killed after its checkpoints
    other = write_jsonl(tmp_path / "other.jsonl", toy_examples(50, seed=5))
    result = run([*FAST, "--out", str(out), "--max-steps", "4", "--resume"], other)
    assert result.exit_code == 1
    assert "digest mismatch" in result.output


def test_checkpoint_write_is_atomic(tmp_path):
    from igt_tools.model import checkpoint

    state = checkpoint.TrainingState(step=7)
    seen = []

    def failing_save(folder):
        (folder / "model.safetensors").write_bytes(b"partial")
        seen.append(checkpoint.latest(tmp_path))  # mid-write: nothing visible yet
        raise OSError("disk full")

    with pytest.raises(OSError):
        checkpoint.write(tmp_path, state, failing_save)
    assert seen == [None]
    assert checkpoint.latest(tmp_path) is None
    assert not (tmp_path / "checkpoint-00000007").exists()
    checkpoint.remove_leftovers(tmp_path)
    assert list(tmp_path.iterdir()) == []

    folder = checkpoint.write(tmp_path, state, lambda f: (f / "model.safetensors").write_bytes(b"x"))
    assert checkpoint.latest(tmp_path) == folder
    assert checkpoint.read_state(folder).step == 7


def test_checkpoint_files_are_on_disk_before_the_rename(tmp_path, monkeypatch):
    """A power loss must not leave a checkpoint that looks complete and holds truncated files."""
    from igt_tools.model import checkpoint

    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", os.fstat(fd).st_ino)), real_fsync(fd)))
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(("replace", Path(b).name)), real_replace(a, b)))

    def save_files(folder):
        (folder / "model.safetensors").write_bytes(b"weights")
        (folder / "optimizer.pt").write_bytes(b"moments")

    folder = checkpoint.write(tmp_path, checkpoint.TrainingState(step=3), save_files)
    renamed = events.index(("replace", folder.name))
    synced = {ino for kind, ino in events[:renamed] if kind == "fsync"}
    files = [path for path in folder.iterdir() if path.is_file()]
    assert len(files) == 3 and all(path.stat().st_ino in synced for path in files)


def test_a_finished_or_foreign_run_is_not_overwritten(tmp_path, data):
    import_installed("torch")
    train, _ = data
    out = tmp_path / "m"
    assert run([*FAST, "--out", str(out), "--max-steps", "1"], train).exit_code == 0
    again = run([*FAST, "--out", str(out), "--max-steps", "1"], train)
    assert again.exit_code == 2 and "already holds a training run" in again.output
    resumed = run([*FAST, "--out", str(out), "--max-steps", "1", "--resume"], train)
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output == f"igt-train: {out}: the run has finished; nothing to resume\n"


def test_resuming_a_finished_run_with_its_checkpoints_is_a_no_op(tmp_path, data):
    import_installed("torch")
    train, dev = data
    out = tmp_path / "m"
    args = [*FAST, "--out", str(out), "--dev", str(dev), "--max-steps", "2", "--eval-every", "1", "--keep-checkpoints"]
    assert run(args, train).exit_code == 0
    before = weights(out)
    resumed = run([*args, "--resume"], train)
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output == f"igt-train: {out}: the run has finished (reached --max-steps 2); nothing to resume\n"
    assert [line["step"] for line in log_lines(out)] == [1, 2]  # no step 3
    assert same_weights(out, out) and all(weights(out)[k].equal(v) for k, v in before.items())


def test_a_run_killed_before_publishing_is_published_on_resume_without_training(tmp_path, data):
    import_installed("torch")
    train, _ = data
    out = tmp_path / "m"
    args = [*FAST, "--out", str(out), "--epochs", "1", "--keep-checkpoints"]
    assert run(args, train).exit_code == 0
    [last] = checkpoint_folders(out)
    for name in ("igt_tools.json", "model.safetensors"):  # as if killed after the last checkpoint
        (out / name).unlink()
    resumed = run([*args, "--resume"], train)
    assert resumed.exit_code == 0, resumed.output
    assert len(resumed.output.splitlines()) == 1
    assert "the run had finished (completed 1 epochs); model written to" in resumed.output
    assert len(log_lines(out)) == 1  # no second epoch
    assert same_weights(out, last)


def test_task_format_and_prompts_are_read_from_the_examples():
    from igt_tools.examples.building import prompt_set, task_format
    from igt_tools.examples.tasks import build_examples

    record = {"id": "1", "glottocode": "dido1241", "transcription": "a b", "segmentation": "a b-c",
              "glosses": "A B-C", "translation": "x"}
    for task in ("interleaved", "concatenated", "multitask", "gloss-only"):
        for prompts in ("polygloss", "compact"):
            made = build_examples(record, task, split="train", prompts=prompts)
            assert (task_format(made), prompt_set(made)) == (task, prompts)
    glosslm = build_examples(record, "gloss-only", split="train", prompts="glosslm")
    assert (task_format(glosslm), prompt_set(glosslm)) == ("gloss-only", "glosslm")


# -- errors --------------------------------------------------------------------


def test_null_label_is_a_data_error_naming_the_line(tmp_path, model_stack):
    records = toy_examples(3)
    records[1]["label"] = None
    path = write_jsonl(tmp_path / "train.jsonl", records)
    result = run_command(command, ["--init", "micro", "--out", str(tmp_path / "m"), str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{path}:2:" in lines[0] and '"label" is null' in lines[0]


def test_bad_json_is_a_data_error(tmp_path, model_stack):
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(toy_examples(1)[0]) + "\n{not json\n")
    result = run_command(command, ["--init", "micro", "--out", str(tmp_path / "m"), str(path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and f"{path}:2: invalid JSON" in result.output


def test_usage_errors(tmp_path, model_stack):
    both = run_command(command, ["--init", "micro", "--model", "x", "--out", str(tmp_path)], stdin="")
    assert both.exit_code == 2 and "exactly one of --init" in both.output
    neither = run_command(command, ["--out", str(tmp_path)], stdin="")
    assert neither.exit_code == 2
    timed = run_command(command, ["--init", "micro", "--schedule", "time", "--out", str(tmp_path)], stdin="")
    assert timed.exit_code == 2 and "--schedule time needs --max-minutes" in timed.output
    early = run_command(command, ["--init", "micro", "--early-stopping", "2", "--out", str(tmp_path)],
                               stdin=json.dumps(toy_examples(1)[0]) + "\n")
    assert early.exit_code == 2 and "--early-stopping needs --dev" in early.output


def test_help_does_not_import_torch():
    code = ("import sys; from igt_tools.commands.train import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'heavy import'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert "--batch-tokens" in result.stdout


def test_eta_follows_the_time_budget_when_it_ends_first(monkeypatch):
    from types import SimpleNamespace

    from igt_tools.model import training

    now = [1000.0]
    monkeypatch.setattr(training.time, "monotonic", lambda: now[0])
    state = SimpleNamespace(elapsed=0.0, examples=0, step=0)
    clock = training._Clock(state)
    assert clock.eta(100) is None  # no pace yet
    assert clock.eta(100, max_minutes=1) == 60
    now[0] += 30
    state.step = 10  # 3 s a step: 90 steps take 270 s
    assert clock.eta(100) == pytest.approx(270)
    assert clock.eta(100, max_minutes=1) == pytest.approx(30)  # the budget ends first
    assert clock.eta(100, max_minutes=10) == pytest.approx(270)
    now[0] += 100
    assert clock.eta(100, max_minutes=1) == 0


def test_progress_bar_shows_loss_rate_and_eta(tmp_path, capsys):
    from igt_tools.model.report import Reporter

    reporter = Reporter("igt-train", tmp_path / "log.jsonl", 100, bar=True)
    reporter.step(5, 0.5, 1e-3, 10.0, eta_s=75)
    reporter.close()
    err = capsys.readouterr().err
    assert "5/100" in err and "loss 0.5000" in err and "10 ex/s" in err and "ETA 1:15" in err


def test_without_a_terminal_a_plain_progress_line_comes_every_interval(tmp_path, data, monkeypatch):
    import_installed("torch")
    train, _ = data
    # --no-progress: no bar, as when stderr is a log file; an interval of 0 s gives a line per step
    result = run_command(command, [*FAST, "--out", str(tmp_path / "m"), "--max-steps", "3"],
                         stdin=train.read_text(), env={"IGT_PROGRESS_INTERVAL": "0"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if " examples, loss " in line]
    assert [line.split(",")[0] for line in lines] == [f"igt-train: step {n}/3" for n in (1, 2, 3)]
    assert all(" ex/s" in line and "ETA" in line for line in lines)
    quiet = run([*FAST, "--out", str(tmp_path / "q"), "--max-steps", "3"], train)  # the default: every minute
    assert quiet.exit_code == 0 and " examples, loss " not in quiet.output


def test_plain_progress_line_figures(tmp_path, capsys, monkeypatch):
    from igt_tools.model import report

    now = [100.0]
    monkeypatch.setattr(report.time, "monotonic", lambda: now[0])
    reporter = report.Reporter("igt-train", tmp_path / "log.jsonl", 100, bar=False)
    for step, loss in ((1, 0.5), (2, 0.3)):
        now[0] += 30
        reporter.step(step, loss, 1e-3, 12.5, eta_s=75, examples=step * 16)
    assert capsys.readouterr().err == "igt-train: step 2/100, 32 examples, loss 0.4000, 12.5 ex/s, ETA 1:15\n"
