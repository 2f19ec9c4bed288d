#!/usr/bin/env python
"""Decoding speed and agreement on one device: igt-gloss's batching against a naive loop, float32 and bf16.

    python benchmarks/decoding_speed.py --model DIR --records dev.jsonl [--device cuda] [--beams 2,1]
                                        [--dtypes float32,bfloat16] [--naive] [--json FILE]

--records: IGT records (igt-clean output) with a `transcription`. What is
decoded is what `igt-gloss --model DIR` (no lexicon) decodes: for a sentence
model each record's prompt, capped as igt-gloss caps it; for a word model
each distinct word input (glottocode + word), capped per word.

For each beam size and dtype:
  igt-gloss  igt-gloss's decoder: inputs sorted by length into token-budget
             batches (igt-gloss's default budget for the device), finished
             rows dropped, per-input output caps;
  naive      (--naive, float32 only) the reference's loop: `model.generate`
             on fixed batches of 64 in input order, padded to the longest,
             max_new_tokens 1024.

It prints inputs/s, sentences/s and words/s (the records' transcription
words over the decoding time), and checks:
  - float32: igt-gloss's outputs equal `generate`'s, input by input (those
    igt-gloss stopped at its per-input output cap left out: generate has none);
  - bf16 against float32: the share of sentences whose outputs are all
    the same (a word model's sentence agrees when each of its words does).

Memory traffic: the bytes the decoder reads per second, as a share of
--bandwidth (4.3 TB/s: an H200's device-to-device copy rate measured
there). Counted per decoder call: every decoder weight and the output layer
once, plus, per row, the cross-attention keys and values of its input
(padded) and the self-attention cache so far (half the output, on average).
The encoder's reads are not counted (it runs once per batch). An estimate
from sizes, not a hardware counter.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gloss_throughput import naive_loop  # noqa: E402  (the reference's loop, beside this script)
from training_speed import stack_parameters  # noqa: E402

NAIVE_MAX_NEW_TOKENS = 1024


def read_records(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def model_inputs(records, metadata, tokenizer):
    """(input texts, output caps, sentence -> indices of its inputs): what igt-gloss --model decodes."""
    from igt_tools.examples import tasks
    from igt_tools.glossing.sentence import sentence_output_limit
    from igt_tools.glossing.word import word_output_limit

    texts, limits, of_sentence, seen = [], [], [], {}
    for record in records:
        mine = []
        if metadata.unit == "word":
            for word in tasks.glossable_words(record):
                text = tasks.word_input(word, record)
                if text not in seen:
                    seen[text] = len(texts)
                    texts.append(text)
                    limits.append(word_output_limit(word))
                mine.append(seen[text])
        else:
            for prompt in tasks.inference_inputs(record, metadata.task, metadata.prompts).values():
                if prompt not in seen:
                    seen[prompt] = len(texts)
                    texts.append(prompt)
                    limits.append(sentence_output_limit(record))
                mine.append(seen[prompt])
        of_sentence.append(mine)
    return texts, limits, of_sentence


class DecoderCalls:
    """Counts decoder calls and the rows they compute (beams x inputs x steps)."""

    def __init__(self, model):
        self.calls = self.rows = 0
        model.decoder.register_forward_pre_hook(self.hook, with_kwargs=True)

    def hook(self, module, args, kwargs):
        ids = kwargs.get("input_ids", args[0] if args else None)
        embeds = kwargs.get("inputs_embeds")
        self.calls += 1
        self.rows += (ids if ids is not None else embeds).shape[0]

    def take(self):
        taken = (self.calls, self.rows)
        self.calls = self.rows = 0
        return taken


def decoder_bytes(model, calls, rows, mean_input, mean_output, element_bytes):
    """Estimated bytes the decoder reads (see the module's doc)."""
    config = model.config
    weights = stack_parameters(model)[1]
    inner = config.num_heads * config.d_kv
    per_row = config.num_decoder_layers * 2 * inner * (mean_input + mean_output / 2)
    return element_bytes * (calls * weights + rows * per_row)


def igt_decode(model, tokenizer, ids, limits, beams, device):
    from igt_tools.model.device import batch_tokens
    from igt_tools.model.generation import DecodeSettings, Decoder

    budget = batch_tokens(device)
    decoder = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=NAIVE_MAX_NEW_TOKENS, batch_tokens=budget),
                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    hypotheses = decoder.decode(ids, limits=limits)
    texts = [tokenizer.decode(h.tokens, skip_special_tokens=True) for h in hypotheses]
    # An output stopped by its cap (igt-gloss's per-input limit) is not generate's, which has none.
    capped = [len(h.tokens) >= decoder._limit(limit) for h, limit in zip(hypotheses, limits)]
    return texts, capped


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--records", required=True)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--beams", default="2,1")
    parser.add_argument("--dtypes", default="float32,bfloat16")
    parser.add_argument("--naive", action="store_true", help="also time the reference's loop (float32)")
    parser.add_argument("--naive-limit", type=int, default=None, help="the naive loop on the first N inputs only")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--bandwidth", type=float, default=4.3e12, help="bytes/s")
    parser.add_argument("--json", help="append every figure as a JSON line here")
    args = parser.parse_args()

    import torch

    from igt_tools.model.loading import load_model

    torch.set_num_threads(args.threads)
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    records = read_records(args.records)
    words = sum(len(r["transcription"].split()) for r in records)
    sink = open(args.json, "a", encoding="utf-8") if args.json else None
    outputs = {}  # (beams, dtype) -> igt-gloss's outputs
    for dtype in args.dtypes.split(","):
        model, tokenizer, metadata = load_model(args.model, device=args.device, dtype=dtype)
        model.eval()
        texts, limits, of_sentence = model_inputs(records, metadata, tokenizer)
        ids = [tokenizer(text).input_ids for text in texts]
        mean_input = sum(map(len, ids)) / len(ids)
        counter = DecoderCalls(model)
        igt_decode(model, tokenizer, ids[:4], limits[:4], 1, args.device)  # warm-up, not timed
        sync()
        counter.take()
        print(f"{args.model} ({metadata.unit} model, {metadata.task}, {metadata.prompts} prompts), {dtype}, "
              f"{args.device}: {len(records)} sentences, {words} words, {len(texts)} distinct inputs", flush=True)
        for beams in [int(b) for b in args.beams.split(",")]:
            start = time.perf_counter()
            ours, capped = igt_decode(model, tokenizer, ids, limits, beams, args.device)
            sync()
            seconds = time.perf_counter() - start
            calls, rows = counter.take()
            mean_output = sum(len(tokenizer(o, add_special_tokens=False).input_ids) + 1 for o in ours) / len(ours)
            element = 2 if dtype in ("bfloat16", "float16") else 4
            traffic = decoder_bytes(model, calls, rows, mean_input, mean_output, element) / seconds
            figures = {"capped": sum(capped), "model": args.model, "unit": metadata.unit, "device": args.device, "dtype": dtype,
                       "beams": beams, "loop": "igt-gloss", "seconds": round(seconds, 3),
                       "inputs_per_s": len(texts) / seconds, "sentences_per_s": len(records) / seconds,
                       "words_per_s": words / seconds, "decoder_calls": calls, "decoder_rows": rows,
                       "decoder_bytes_per_s": traffic, "bandwidth_share": traffic / args.bandwidth}
            outputs[beams, dtype] = ours
            line = (f"  beams {beams} igt-gloss: {seconds:7.2f} s  {len(records) / seconds:8.1f} sentences/s "
                    f"{words / seconds:9.1f} words/s  {calls:,} decoder calls, {rows:,} rows; decoder reads "
                    f"~{traffic / 1e9:,.1f} GB/s ({traffic / args.bandwidth:.2%} of {args.bandwidth / 1e12:g} TB/s)")
            if dtype == "float32" and args.naive:
                subset = slice(0, args.naive_limit)
                start = time.perf_counter()
                naive = naive_loop(model, tokenizer, texts[subset], beams, NAIVE_MAX_NEW_TOKENS, args.device)
                sync()
                naive_seconds = time.perf_counter() - start
                counter.take()
                comparable = [(a, b) for a, b, cut in zip(naive, ours[subset], capped[subset]) if not cut]
                same = sum(a == b for a, b in comparable)
                # igt-gloss on the same subset, for a like-for-like time
                start = time.perf_counter()
                igt_decode(model, tokenizer, ids[subset], limits[subset], beams, args.device)
                sync()
                subset_seconds = time.perf_counter() - start
                counter.take()
                figures.update(naive_inputs=len(naive), naive_seconds=round(naive_seconds, 3),
                               igt_subset_seconds=round(subset_seconds, 3), identical_to_generate=same,
                               compared_with_generate=len(comparable), speedup_over_naive=naive_seconds / subset_seconds)
                line += (f"\n  beams {beams} naive loop on {len(naive)} inputs: {naive_seconds:.2f} s against "
                         f"igt-gloss's {subset_seconds:.2f} s ({naive_seconds / subset_seconds:.2f}x); outputs "
                         f"identical to generate's: {same} of {len(comparable)} ({len(naive) - len(comparable)} "
                         f"stopped by igt-gloss's output cap, not compared)")
            if dtype != "float32" and (beams, "float32") in outputs:
                reference = outputs[beams, "float32"]
                same_inputs = [a == b for a, b in zip(ours, reference)]
                agree = sum(all(same_inputs[i] for i in mine) for mine in of_sentence)
                figures.update(sentences_agreeing_with_float32=agree, sentences=len(records))
                line += (f"\n  beams {beams} {dtype} against float32: {agree} of {len(records)} sentences "
                         f"({agree / len(records):.1%}) the same, {sum(same_inputs)} of {len(ours)} inputs")
            print(line, flush=True)
            if sink:
                sink.write(json.dumps(figures) + "\n")
                sink.flush()
        del model


if __name__ == "__main__":
    main()
