"""igt-gloss and its decoder: same outputs as `model.generate`, order, shards, errors, confidence.

The model is a very small ByT5 trained for a few seconds to write
`ABC(abc) DE(de)` for the compact prompt `i: abc de`: enough for outputs of
varied lengths, some ending early and some running to the length limit, and
for beam search to differ from greedy decoding. Tests never assert what it writes:
where a comparison needs its outputs to vary and, under another CPU's arithmetic,
they do not, the test skips and says so (_exercised).
"""

import json
import os
import random
import shutil
import subprocess
import sys

import pytest

from conftest import PINNED, import_installed, output_records, run_command

torch = import_installed("torch")
transformers = import_installed("transformers")

from igt_tools.examples import tasks  # noqa: E402
from igt_tools.commands.gloss import command  # noqa: E402
from igt_tools.model.generation import DecodeSettings, Decoder, plan_batches  # noqa: E402
from igt_tools.model.loading import load_model  # noqa: E402
from igt_tools.model.metadata import ModelMetadata  # noqa: E402
from igt_tools.examples.prompts import compact_prompt  # noqa: E402
from toy import toy_prompts, toy_words  # noqa: E402

MAX_NEW = 40
pytestmark = pytest.mark.usefixtures("one_thread")


def _generate_alone(model, ids, beams, **kwargs):
    """model.generate on one input: generated ids (end token included), and the output object."""
    out = model.generate(
        input_ids=torch.tensor([ids]), num_beams=beams, do_sample=False, max_new_tokens=MAX_NEW,
        output_scores=True, return_dict_in_generate=True, **kwargs,
    )
    return out.sequences[0, 1:].tolist(), out


def _exercised(condition, what):
    """What a test compares must be exercised by the toy model's outputs (some ending early, beam
    search differing...). Trained for seconds, the model can write otherwise under another CPU's
    arithmetic: the test then says it compared nothing, rather than failing for it."""
    if not condition:
        pytest.skip(f"the toy model's outputs do not exercise this here: {what}")


def _with_end(hypothesis, eos=1):
    return hypothesis.tokens + ([eos] if hypothesis.ended else [])


def _manual_mean_logprob(model, ids, generated):
    """Teacher-forced: the mean log-probability of `generated` (end token included) after the start token."""
    decoder_input = torch.tensor([[model.config.decoder_start_token_id] + generated[:-1]])
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids]), decoder_input_ids=decoder_input).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    return logprobs[torch.arange(len(generated)), torch.tensor(generated)].mean().item()


# -- the decoder -------------------------------------------------------------


@pytest.mark.parametrize("beams", [1, 2])
def test_decoder_equals_generate_alone_batched_or_not(loaded_sentence_model, beams):
    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(t).input_ids for t in toy_prompts()]
    together = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=MAX_NEW, batch_tokens=10**6)).decode(inputs)
    one_by_one = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=MAX_NEW, batch_tokens=1)).decode(inputs)
    lengths = set()
    for ids, a, b in zip(inputs, together, one_by_one):
        expected, _ = _generate_alone(model, ids, beams)
        assert _with_end(a) == expected
        assert b.tokens == a.tokens
        lengths.add(a.length)
    _exercised(MAX_NEW in lengths and min(lengths) < MAX_NEW, "some outputs ending early and some running to the limit")


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_greedy_rows_that_ended_change_nothing_whenever_they_are_dropped(loaded_sentence_model, monkeypatch, share):
    """0.0: ended rows ride along to the end; 1.0: the batch is compacted at every step."""
    from igt_tools.model import generation

    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(t).input_ids for t in toy_prompts()]
    monkeypatch.setattr(generation, "COMPACT_SHARE", share)
    decoder = Decoder(model, DecodeSettings(beams=1, max_new_tokens=MAX_NEW, batch_tokens=10**6))
    hypotheses = decoder.decode(inputs)
    row_steps = decoder.stats.decoder_row_steps
    for ids, hypothesis in zip(inputs, hypotheses):
        expected, _ = _generate_alone(model, ids, 1)
        assert _with_end(hypothesis) == expected
        assert hypothesis.length == len(expected)
    # the rows decoded per step tell the policies apart: every row to the end, or only the live ones
    lengths = [h.length for h in hypotheses]
    if share == 0.0:
        assert row_steps == len(inputs) * max(lengths)
    elif share == 1.0:
        assert row_steps == sum(lengths)
    _exercised(min(lengths) < max(lengths), "outputs of different lengths")


@pytest.mark.parametrize("beams", [1, 2])
def test_long_outputs_grow_the_cache_and_still_equal_generate(loaded_sentence_model, beams):
    """Past 64 tokens the self-attention cache buffers grow (and move, for beams): same outputs."""
    model, tokenizer = loaded_sentence_model
    # seed 3: sentences of which some run to the limit with either beam size (with seed 17 no beam search did)
    inputs = [tokenizer(t).input_ids for t in toy_prompts(6, seed=3)]
    hypotheses = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=150)).decode(inputs)
    for ids, hypothesis in zip(inputs, hypotheses):
        out = model.generate(input_ids=torch.tensor([ids]), num_beams=beams, do_sample=False, max_new_tokens=150)
        assert _with_end(hypothesis) == out[0, 1:].tolist()
    _exercised(max(h.length for h in hypotheses) > 130, "an output past the cache's first 64 tokens, well past")


@pytest.mark.parametrize("length_penalty,early_stopping", [(2.0, False), (0.5, True), (1.5, "never")])
def test_decoder_follows_the_generation_config(sentence_model, length_penalty, early_stopping):
    model, tokenizer, _ = load_model(sentence_model)
    model.generation_config.length_penalty = length_penalty
    model.generation_config.early_stopping = early_stopping
    inputs = [tokenizer(t).input_ids for t in toy_prompts(8, seed=5)]
    hypotheses = Decoder(model, DecodeSettings(beams=2, max_new_tokens=MAX_NEW)).decode(inputs)
    for ids, hypothesis in zip(inputs, hypotheses):
        expected, out = _generate_alone(model, ids, 2)
        assert _with_end(hypothesis) == expected
        # generate's score is sum / length ** penalty; ours stays the plain mean.
        score = hypothesis.logprob / hypothesis.length**length_penalty
        assert score == pytest.approx(out.sequences_scores[0].item(), abs=1e-4)


@pytest.mark.parametrize("beams", [1, 2])
def test_confidence_is_the_mean_token_logprob(loaded_sentence_model, beams):
    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(t).input_ids for t in toy_prompts(8, seed=7)]
    for ids, hypothesis in zip(inputs, Decoder(model, DecodeSettings(beams=beams, max_new_tokens=MAX_NEW)).decode(inputs)):
        generated = _with_end(hypothesis)
        assert hypothesis.length == len(generated)
        assert hypothesis.confidence == pytest.approx(_manual_mean_logprob(model, ids, generated), abs=1e-4)
        assert hypothesis.confidence < 0


def test_plan_batches_covers_everything_within_budget():
    rng = random.Random(0)
    lengths = [rng.randint(1, 50) for _ in range(200)]
    batches = plan_batches(lengths, batch_tokens=300, beams=2)
    assert sorted(i for batch in batches for i in batch) == list(range(200))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * 2 * max(lengths[i] for i in batch) <= 300
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(flat, reverse=True)
    assert plan_batches([500, 3], batch_tokens=10) == [[0], [1]]


def test_refuses_logits_processors_it_does_not_apply(loaded_sentence_model):
    model, _ = loaded_sentence_model
    import copy

    other = copy.copy(model)
    other.generation_config = copy.deepcopy(model.generation_config)
    other.generation_config.repetition_penalty = 1.3
    with pytest.raises(ValueError, match="repetition_penalty"):
        Decoder(other, DecodeSettings())


def _with_generation_config(sentence_model, folder, **settings):
    """A copy of the model folder whose generation_config.json also says `settings`."""
    shutil.copytree(sentence_model, folder)
    path = folder / "generation_config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **settings}))
    return folder


def test_the_folders_generation_config_is_honoured_as_generate_honours_it(sentence_model, tmp_path):
    folder = _with_generation_config(sentence_model, tmp_path / "m", length_penalty=-3.0, early_stopping=True)
    model, tokenizer, _ = load_model(folder)
    assert (model.generation_config.length_penalty, model.generation_config.early_stopping) == (-3.0, True)
    reference = transformers.T5ForConditionalGeneration.from_pretrained(str(folder)).eval()
    records = _records(8, seed=5)
    result = _run(["-m", str(folder), "--max-new-tokens", str(MAX_NEW), "--keep-raw", "-q"], records)
    assert result.exit_code == 0, result.stderr
    # and quietly: transformers' own logger (which the runner does not capture) would warn about beam settings
    code = f"from igt_tools.model.loading import load_model; load_model({str(folder)!r})"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr == ""
    defaults = _glossed(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "--keep-raw", "-q"], records)
    outputs = output_records(result)
    assert len(outputs) == len(records)
    for record, glossed in zip(records, outputs):
        ids = tokenizer(compact_prompt("interleaved", record)).input_ids
        expected, _ = _generate_alone(reference, ids, 2)  # generate reads the folder's settings itself
        assert glossed["prediction"] == tokenizer.decode(expected, skip_special_tokens=True)
    _exercised([r["prediction"] for r in outputs] != [r["prediction"] for r in defaults], "the settings changing an output")


@pytest.mark.parametrize("setting", [{"no_repeat_ngram_size": 3}, {"do_sample": True}, {"eos_token_id": [1, 2]}])
def test_generation_settings_it_cannot_apply_are_refused_in_one_line(sentence_model, tmp_path, setting):
    folder = _with_generation_config(sentence_model, tmp_path / "m", **setting)
    result = _run(["-m", str(folder), "-q"], _records(1))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert str(folder) in line and f"{next(iter(setting))}=" in line and "generation_config.json" in line


# -- the command -------------------------------------------------------------


def _records(count=12, seed=11):
    rng = random.Random(seed)
    return [{"id": f"r{i}", "transcription": " ".join(toy_words(rng)), "extra": {"n": i, "list": [i, "x"]}}
            for i in range(count)]


def _run(args, records=None, text=None):
    return run_command(command, [*PINNED, *args], text, records=records)


def _glossed(args, records):
    """The output records of a run that must succeed, one per input record."""
    out = output_records(run_command(command, [*PINNED, *args], records=records, exit_code=0))
    assert len(out) == len(records)
    return out


def _without_confidence(records):
    return [{k: v for k, v in r.items() if k not in ("confidence", "word_confidence")} for r in records]


def test_output_keeps_order_and_fields_whatever_the_chunks_and_batches(sentence_model):
    records = _records()
    base = ["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "--keep-raw", "--confidence", "-q"]
    default = _run(base, records)
    assert default.exit_code == 0, default.stderr
    small_chunks = _run(base + ["--chunk-size", "3", "--batch-tokens", "1"], records)
    assert small_chunks.exit_code == 0, small_chunks.stderr
    out = output_records(default)
    # Identical outputs; the confidence may differ in the last float bits (other padding, other shapes).
    assert _without_confidence(out) == _without_confidence(output_records(small_chunks))
    for a, b in zip(out, output_records(small_chunks)):
        assert a["confidence"] == pytest.approx(b["confidence"], abs=1e-5)
    assert [r["id"] for r in out] == [r["id"] for r in records]
    for record, glossed in zip(records, out):
        assert glossed["extra"] == record["extra"] and glossed["transcription"] == record["transcription"]
        parsed = tasks.combine_predictions("interleaved", {"interleaved": glossed["prediction"]})
        assert (glossed["segmentation"], glossed["glosses"], glossed["malformed"]) == (
            parsed.segmentation, parsed.glosses, parsed.malformed)
        assert glossed["confidence"] < 0
        assert "error" not in glossed


@pytest.mark.parametrize("beams", [1, 2])
def test_command_outputs_equal_generate_on_each_record_alone(sentence_model, loaded_sentence_model, beams):
    model, tokenizer = loaded_sentence_model
    records = _records(8, seed=13)
    result = _run(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "--beams", str(beams), "--keep-raw",
                   "--confidence", "-q"], records)
    assert result.exit_code == 0, result.stderr
    assert len(output_records(result)) == len(records)
    for record, glossed in zip(records, output_records(result)):
        ids = tokenizer(compact_prompt("interleaved", record)).input_ids
        expected, _ = _generate_alone(model, ids, beams)
        assert glossed["prediction"] == tokenizer.decode(expected, skip_special_tokens=True)
        assert glossed["confidence"] == pytest.approx(_manual_mean_logprob(model, ids, expected), abs=1e-4)


def test_shards_split_and_cover_every_record_once(sentence_model):
    records = _records(10)
    base = ["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "-q"]
    whole = output_records(_run(base, records))
    shards = []
    for index in range(3):
        result = _run(base + ["--shard", f"{index}/3"], records)
        assert result.exit_code == 0, result.stderr
        shards.append(output_records(result))
    assert [r["id"] for r in shards[1]] == ["r1", "r4", "r7"]
    merged = sorted((r for shard in shards for r in shard), key=lambda r: int(r["id"][1:]))
    assert merged == whole
    # Round-robin interleaving gives the input order back.
    interleaved = [shards[i % 3][i // 3] for i in range(10)]
    assert interleaved == whole


@pytest.mark.parametrize("value", ["3/3", "1", "a/2", "-1/2", "0/0"])
def test_bad_shard_is_a_usage_error(sentence_model, value):
    result = _run(["-m", str(sentence_model), "--shard", value], _records(1))
    assert result.exit_code == 2
    assert "--shard" in result.stderr


def test_records_that_cannot_be_glossed_get_an_error_and_the_run_goes_on(sentence_model):
    records = _records(3)
    records.insert(1, {"id": "none", "glosses": "stale", "segmentation": "stale"})
    records.insert(2, {"id": "blank", "transcription": "  "})
    records.append({"id": "long", "transcription": "abc " * 40})
    args = ["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "--max-input-tokens", "100"]
    result = _run(args, records)
    assert result.exit_code == 0, result.stderr
    out = output_records(result)
    assert [r["id"] for r in out] == [r["id"] for r in records]
    by_id = {r["id"]: r for r in out}
    for key in ("none", "blank", "long"):
        assert "segmentation" not in by_id[key] and "glosses" not in by_id[key]
    assert "transcription" in by_id["none"]["error"]
    assert "empty" in by_id["blank"]["error"]
    assert "too long" in by_id["long"]["error"] and "100" in by_id["long"]["error"]
    assert "<stdin>:2:" in result.stderr and "<stdin>:3:" in result.stderr and "<stdin>:6:" in result.stderr
    assert "3 could not be glossed" in result.stderr
    for key in ("r0", "r1", "r2"):
        assert "error" not in by_id[key] and isinstance(by_id[key]["glosses"], str)
    strict = _run(args + ["--strict"], records)
    assert strict.exit_code == 1
    assert output_records(strict) == out
    assert "3 record(s) could not be glossed" in strict.stderr


def test_invalid_json_is_one_line_exit_1_or_skipped(sentence_model):
    text = json.dumps(_records(1)[0]) + "\n{oops\n" + json.dumps(_records(2)[1]) + "\n"
    args = ["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "-q"]
    result = _run(args, text=text)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "<stdin>:2:" in result.stderr
    assert "Traceback" not in result.stderr
    skipped = _run(args + ["--skip-bad"], text=text)
    assert skipped.exit_code == 0
    assert [r["id"] for r in output_records(skipped)] == ["r0", "r1"]
    wrong_type = _run(args, text='{"id": 1, "transcription": 5}\n')
    assert wrong_type.exit_code == 1 and "transcription" in wrong_type.stderr


def test_bad_out_keeps_the_bad_lines_and_the_run_goes_on(sentence_model, tmp_path):
    text = json.dumps(_records(1)[0]) + "\n{oops\n" + '{"id": 2, "transcription": 5}\n' + json.dumps(_records(2)[1]) + "\n"
    aside = tmp_path / "bad.txt"
    result = _run(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "-q", "--bad-out", str(aside)], text=text)
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in output_records(result)] == ["r0", "r1"]
    assert aside.read_text() == '{oops\n{"id": 2, "transcription": 5}\n'
    assert "skipped: <stdin>:2:" in result.stderr and "skipped: <stdin>:3:" in result.stderr


def test_prompts_override_the_folder(sentence_model, loaded_sentence_model):
    model, tokenizer = loaded_sentence_model
    records = _records(3)
    result = _run(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "--prompts", "polygloss", "--keep-raw",
                   "-q"], records)
    assert result.exit_code == 0, result.stderr
    folders = _glossed(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "--keep-raw", "-q"], records)
    assert len(output_records(result)) == len(records)
    for record, glossed in zip(records, output_records(result)):
        [prompt] = tasks.inference_inputs(record, "interleaved", "polygloss").values()
        assert not prompt.startswith("i: ")  # not the folder's compact prompt
        expected, _ = _generate_alone(model, tokenizer(prompt).input_ids, 2)
        assert glossed["prediction"] == tokenizer.decode(expected, skip_special_tokens=True)
    _exercised([r["prediction"] for r in folders] != [r["prediction"] for r in output_records(result)],
               "the prompts changing an output")


def test_stale_output_fields_are_replaced(sentence_model):
    record = dict(_records(1)[0], glosses="OLD", malformed=7, prediction="old", confidence=0.5, error="old")
    out = output_records(_run(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "-q"], [record]))[0]
    assert out["glosses"] != "OLD" and "prediction" not in out and "confidence" not in out and "error" not in out


def test_gloss_only_model_folder_is_honoured(sentence_model, tmp_path, loaded_sentence_model):
    model, tokenizer = loaded_sentence_model
    folder = tmp_path / "gloss-only"
    shutil.copytree(sentence_model, folder)
    ModelMetadata(task="gloss-only", prompts="compact").write(folder)
    records = _records(4)
    result = _run(["-m", str(folder), "--max-new-tokens", str(MAX_NEW), "--keep-raw", "-q"], records)
    assert result.exit_code == 0, result.stderr
    assert len(output_records(result)) == len(records)
    for record, glossed in zip(records, output_records(result)):
        ids = tokenizer(compact_prompt("glosses", record)).input_ids
        expected, _ = _generate_alone(model, ids, 2)
        raw = tokenizer.decode(expected, skip_special_tokens=True)
        assert glossed["prediction"] == raw
        assert glossed["segmentation"] is None
        assert glossed["glosses"] == " ".join(raw.split())
    # --task overrides the folder: back to interleaved.
    override = _glossed(["-m", str(folder), "--max-new-tokens", str(MAX_NEW), "--task", "interleaved", "-q"], records)
    assert all(isinstance(r["segmentation"], str) for r in override)


def test_identical_inputs_are_decoded_once(sentence_model, monkeypatch):
    from igt_tools.model import generation

    sizes = []
    original = generation.Decoder.decode

    def counting(self, inputs, *args, **kwargs):
        sizes.append(len(inputs))
        return original(self, inputs, *args, **kwargs)

    monkeypatch.setattr(generation.Decoder, "decode", counting)
    record = _records(1)[0]
    records = [dict(record, id=f"copy{i}") for i in range(4)] + _records(2, seed=99)
    out = output_records(_run(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "-q"], records))
    assert sizes == [3]
    assert len({(r["segmentation"], r["glosses"]) for r in out[:4]}) == 1
    assert [r["id"] for r in out] == [r["id"] for r in records]


def test_progress_bar_on_a_terminal_leaves_the_data_alone(sentence_model, monkeypatch):
    from igt_tools.cli import progress

    records = _records(4)
    args = ["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW)]
    plain = _run(args, records)
    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: True)
    with_bar = _run(args, records)
    assert with_bar.exit_code == 0, with_bar.stderr
    assert with_bar.stdout == plain.stdout
    assert "records done" in plain.stderr and "records done" not in with_bar.stderr


def test_multitask_keeps_both_raw_outputs(sentence_model):
    result = _run(["-m", str(sentence_model), "--max-new-tokens", str(MAX_NEW), "--task", "multitask", "--keep-raw",
                   "--confidence", "-q"], _records(3))
    assert result.exit_code == 0, result.stderr
    for glossed in output_records(result):
        assert set(glossed["prediction"]) == {"t2g", "t2s"}
        assert glossed["glosses"] == " ".join(glossed["prediction"]["t2g"].split())


def test_prompt_set_that_cannot_express_the_task_is_a_usage_error(sentence_model):
    result = _run(["-m", str(sentence_model), "--prompts", "glosslm"], _records(1))
    assert result.exit_code == 2 and "gloss-only" in result.stderr


def test_missing_model_folder_is_one_line(tmp_path):
    result = _run(["-m", str(tmp_path / "nothing")], _records(1))
    assert result.exit_code == 1 and "Traceback" not in result.stderr


def test_help_does_not_import_torch():
    code = (
        "import sys\n"
        "from igt_tools.commands import gloss\n"
        "try:\n"
        "    gloss.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'heavy import'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--shard" in done.stdout and "man igt-gloss" in done.stdout  # the exit status: in the man page


def test_pipeline_through_real_processes(sentence_model, tmp_path):
    """`igt-gloss < in | head -1`: data on stdout, quiet exit; the summary on stderr."""
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in _records(5)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "from igt_tools.commands.gloss import main; main()", "-m", str(sentence_model),
         *PINNED, "--max-new-tokens", str(MAX_NEW), str(source)],
        capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 5
    assert "5 of 5 records glossed" in done.stderr
