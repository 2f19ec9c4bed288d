#!/usr/bin/env python
"""igt-gloss throughput against a naive loop in the reference's style, on real dev data.

    python benchmarks/gloss_throughput.py [--model DIR] [--languages usp,nyb] [--per-language 128]
                                          [--beams 2] [--threads 1] [--device cpu]

The naive loop is how the reference glosses: fixed batches of 64 records in
input order, each padded to its longest input, `model.generate(num_beams=2,
max_new_tokens=1024)` per batch, every row computing until the batch's
last beam search ends (with beam search's stopping rule, often long after
the chosen output ended). igt-gloss runs its own code path (prompts, tokens,
length-sorted token-budget batches, the decoder that drops finished
sentences, parsing) with its default settings. Both use the same model, the
same beams, the same inputs; the script checks that every raw output is
identical, then prints sentences per second of each and the speed ratio.

Data: the first --per-language records of the SIGMORPHON 2023 dev sets of
--languages (ISO codes, in that order), cleaned by igt-clean, from
../shared/data (the script stops with a message if it is absent).

Model: --model DIR, or else a model of the --init preset (tiny) that this
script trains with igt-train for --train-minutes on the same languages' training sets
(interleaved examples, PolyGloss prompts), kept in --work and reused by the
next run. An untrained model writes garbage up to the length limit, which
says nothing about length sorting: train at least a little. On a busy 2-core
CPU a few minutes of igt-train are only a few dozen steps; a model trained on
a GPU (e.g. `igt-train --init tiny --batch-tokens 32768 --lr 2e-3 --epochs 15`
on the usp+nyb interleaved training examples, 2.5 minutes) is a better
--model. The CPU figures print wall and process CPU time; the CPU-time
ratio is the fair one when other work shares the machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sigmorphon2023"

# training/languages.tsv, the one table of the SIGMORPHON 2023 languages: [language, file prefix,
# glottocode, metalanguage, "yes" if it has a training split], in its order.
ROWS = [line.split("\t") for line in (ROOT / "training" / "languages.tsv").read_text(encoding="utf-8")
        .splitlines() if line and not line.startswith(("#", "language\t"))]
# file prefix (the ISO code) -> (language, its folder's name too; glottocode; metalanguage)
LANGUAGES = {prefix: (language, glottocode, metalanguage) for language, prefix, glottocode, metalanguage, _ in ROWS}
REFERENCE_BATCH = 64


def igt(name):
    """An igt-* command run by this Python, whether or not the package's scripts are installed."""
    return [sys.executable, "-c", f"from igt_tools.commands.{name} import main; main()"]


def run(argv, stdin=None, stdout=None):
    done = subprocess.run(argv, stdin=stdin, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, argv[2:]))}\n{done.stderr}")
    return done


def clean(code, split):
    language, glottocode, metalanguage = LANGUAGES[code]
    path = DATA / language / f"{code}-{split}-track2-uncovered"
    if not path.is_file():
        sys.exit(f"no {split} data for {code}: {path} (set IGT_SHARED_DATA)")
    argv = igt("clean") + ["--language", language, "--glottocode", glottocode, "--metalanguage", metalanguage]
    return [json.loads(line) for line in run(argv + [str(path)]).stdout.splitlines()]


def train_model(codes, work, minutes, init):
    folder = work / f"model-{init}-{'-'.join(codes)}-{minutes:g}min"
    if (folder / "igt_tools.json").is_file():
        print(f"model: {folder} (trained by an earlier run)", flush=True)
        return folder
    work.mkdir(parents=True, exist_ok=True)
    records = [record for code in codes for record in clean(code, "train")]
    train_path, examples_path = work / "train.jsonl", work / "train.examples.jsonl"
    train_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    with open(train_path) as source, open(examples_path, "w") as sink:
        run(igt("format") + ["--split", "train"], stdin=source, stdout=sink)
    # A short run learns faster on the main examples alone.
    interleaved = [line for line in examples_path.read_text(encoding="utf-8").splitlines()
                   if json.loads(line)["task"] == "interleaved"]
    examples_path.write_text("\n".join(interleaved) + "\n", encoding="utf-8")
    print(f"training a {init} model for {minutes:g} min on {len(interleaved)} examples -> {folder}", flush=True)
    with open(examples_path) as source:
        run(igt("train") + ["--init", init, "--out", str(folder), "--max-minutes", str(minutes), "--no-progress"],
            stdin=source)
    return folder


class RowSteps:
    """Counts the rows of every decoder call (one per beam and step): the decoding work done."""

    def __init__(self, model):
        self.count = 0
        self.handle = model.decoder.register_forward_pre_hook(self.hook, with_kwargs=True)

    def hook(self, module, args, kwargs):
        ids = kwargs.get("input_ids", args[0] if args else None)
        embeds = kwargs.get("inputs_embeds")
        self.count += (ids if ids is not None else embeds).shape[0]

    def take(self):
        count, self.count = self.count, 0
        return count


def naive_loop(model, tokenizer, prompts, beams, max_new_tokens, device):
    """The reference's way: batches of 64 in input order, padded to the longest, generate per batch."""
    import torch

    outputs = []
    with torch.inference_mode():
        for start in range(0, len(prompts), REFERENCE_BATCH):
            batch = tokenizer(prompts[start : start + REFERENCE_BATCH], padding=True, return_tensors="pt").to(device)
            generated = model.generate(**batch, num_beams=beams, do_sample=False, max_new_tokens=max_new_tokens)
            outputs += tokenizer.batch_decode(generated, skip_special_tokens=True)
    return outputs


def igt_gloss(model, tokenizer, metadata, chunk, beams, max_new_tokens, device):
    """igt-gloss's own path (igt_tools.glossing.sentence.SentenceGlosser) with the command's default settings."""
    from igt_tools.model.device import batch_tokens
    from igt_tools.glossing.sentence import SentenceGlosser
    from igt_tools.model.generation import DecodeSettings, Decoder

    budget = batch_tokens(device)
    decoder = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=max_new_tokens, batch_tokens=budget),
                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    glosser = SentenceGlosser(decoder, tokenizer, metadata.task, metadata.prompts, max_input_tokens=10**9, keep_raw=True)
    out = glosser.gloss(chunk)
    return [record["prediction"] for record in out], decoder.stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: train a tiny one, see --train-minutes)")
    parser.add_argument("--languages", default="usp", help="ISO codes of the dev sets, comma-separated (default usp)")
    parser.add_argument("--per-language", type=int, default=128, help="records of each dev set (default 128)")
    parser.add_argument("--beams", type=int, default=2)
    parser.add_argument("--max-new-tokens", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: the CPU is shared)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--train-minutes", type=float, default=4.0, help="without --model: igt-train's --max-minutes")
    parser.add_argument("--init", default="tiny", help="without --model: the preset to train (default tiny)")
    parser.add_argument("--work", default=str(ROOT / "runs" / "gloss_throughput"), help="where a trained model is kept")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"real data not found at {DATA} (set IGT_SHARED_DATA)")
    codes = args.languages.split(",")
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown:
        sys.exit(f"unknown language code(s) {', '.join(unknown)}; choose from {', '.join(LANGUAGES)}")

    model_dir = Path(args.model) if args.model else train_model(codes, Path(args.work), args.train_minutes, args.init)

    import torch

    from igt_tools.examples import tasks
    from igt_tools.core.io import Location
    from igt_tools.model.loading import load_model

    torch.set_num_threads(args.threads)
    records = [r for code in codes for r in clean(code, "dev")[: args.per_language]]
    model, tokenizer, metadata = load_model(model_dir, device=args.device, dtype=args.dtype)
    if tasks.MAIN_SUBTASKS[metadata.task] != (metadata.task,) or metadata.task not in ("interleaved", "concatenated"):
        sys.exit(f"this benchmark wants a one-output task (interleaved or concatenated), not {metadata.task}")
    prompts = [tasks.inference_inputs(r, metadata.task, metadata.prompts)[metadata.task] for r in records]
    chunk = [(Location("dev", i + 1), r) for i, r in enumerate(records)]
    print(f"{len(records)} dev sentences ({args.languages}), model {model_dir} ({metadata.task}, {metadata.prompts} prompts), "
          f"{args.beams} beams, max {args.max_new_tokens} new tokens, {args.device} {args.dtype}, "
          f"{args.threads} thread(s)", flush=True)

    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    rows = RowSteps(model)
    # Warm-up (allocator, kernels), not timed.
    naive_loop(model, tokenizer, prompts[:2], args.beams, 8, args.device)
    sync()
    rows.take()
    # Wall time, and this process's CPU time: on a CPU shared with other work, the fairer of the two.
    start, cpu_start = time.perf_counter(), time.process_time()
    naive = naive_loop(model, tokenizer, prompts, args.beams, args.max_new_tokens, args.device)
    sync()
    naive_seconds, naive_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    naive_row_steps = rows.take()
    print(f"naive loop: {naive_seconds:.1f} s", flush=True)

    start, cpu_start = time.perf_counter(), time.process_time()
    ours, stats = igt_gloss(model, tokenizer, metadata, chunk, args.beams, args.max_new_tokens, args.device)
    sync()
    ours_seconds, ours_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    ours_row_steps = rows.take()

    lengths = [len(tokenizer(text, add_special_tokens=False).input_ids) for text in ours]
    different = [i for i, (a, b) in enumerate(zip(naive, ours)) if a != b]
    n = len(records)
    print(f"outputs: mean {statistics.mean(lengths):.0f} tokens, max {max(lengths)}, "
          f"{sum(length >= args.max_new_tokens for length in lengths)} at the limit; "
          f"identical: {n - len(different)} of {n}")
    for i in different[:3]:
        print(f"  differs at {records[i]['id']}:\n    naive     {naive[i]!r}\n    igt-gloss {ours[i]!r}")
    print(f"decoder rows computed (beams x sentences x steps): naive {naive_row_steps:,}, igt-gloss {ours_row_steps:,}; "
          f"igt-gloss input padding {1 - stats.input_tokens / stats.padded_input_tokens:.1%} in {stats.batches} batches")
    print(f"naive loop : {naive_seconds:8.1f} s wall {n / naive_seconds:8.2f} sentences/s   {naive_cpu:8.1f} s CPU")
    print(f"igt-gloss  : {ours_seconds:8.1f} s wall {n / ours_seconds:8.2f} sentences/s   {ours_cpu:8.1f} s CPU")
    print(f"speed ratio: {naive_seconds / ours_seconds:.2f}x wall, {naive_cpu / ours_cpu:.2f}x CPU time")
    if different:
        sys.exit(1)


if __name__ == "__main__":
    main()
