#!/usr/bin/env python
"""What a smaller context model (a distilled student) would save on this CPU: the encoder, the
teacher-forced scoring and the greedy search of model shapes, on real context-model inputs.

    python benchmarks/context_shape_costs.py --model models/sigmorphon \\
        --examples runs/real/context/dev.jsonl [--shapes 128x256x4x2,96x192x4x2] [--limit 400] [--threads 1]

--examples: context examples (igt-format --unit context; training/Makefile writes the dev ones
into WORK/context/dev.jsonl): their inputs are what igt-gloss gives the model, their labels set
how many tokens each input is decoded and scored for. Each shape (d_model x d_ff x encoder
layers x decoder layers, 4 heads) is the model's configuration with those four changed and
random weights: the cost of these parts depends on the shape, not on the weights, so no
student need be trained to know it. The parts are igt_tools' own (igt_tools.model.generation.Decoder):

    encoder   Decoder._encode over every input, in batches of igt-gloss's --batch-tokens
    scoring   Decoder.score: each input's label scored teacher-forced (analogy's candidates)
    search    Decoder._greedy: each input decoded for exactly its label's length (the end
              token switched off, so that a random model runs as long as a trained one)

and the script prints each part's seconds and how many times faster than the model's own shape
it is (best of --repeat). training/RESULTS.md combines these with benchmarks/context_model_costs.py's
seconds per part of a whole glossing run.
"""

import argparse
import copy
import json
import time
from pathlib import Path

import torch
from transformers import T5ForConditionalGeneration

from igt_tools.model.generation import DecodeSettings, Decoder, plan_batches
from igt_tools.model.loading import load_model

BATCH_TOKENS = DecodeSettings().batch_tokens  # igt-gloss's default
NEVER = -1  # an end token no argmax can produce


def parse_shape(text):
    """'128x256x4x2' -> the configuration changes of a T5 of that shape (4 heads)."""
    try:
        d_model, d_ff, encoder, decoder = (int(part) for part in text.split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: a shape is D_MODELxD_FFxENCODER_LAYERSxDECODER_LAYERS")
    if d_model % 4:
        raise argparse.ArgumentTypeError(f"{text!r}: d_model must divide into 4 heads")
    return text, dict(d_model=d_model, d_ff=d_ff, num_layers=encoder, num_decoder_layers=decoder,
                      num_heads=4, d_kv=d_model // 4)


def read_examples(path, tokenizer, limit):
    inputs, labels = [], []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            example = json.loads(line)
            inputs.append(tokenizer(example["input"]).input_ids)
            labels.append(tokenizer(example["label"]).input_ids)  # the end token included
            if len(inputs) == limit:
                break
    return inputs, labels


@torch.inference_mode()
def part_seconds(model, tokenizer, inputs, labels):
    decoder = Decoder(model, DecodeSettings(beams=1), eos_token_id=NEVER, pad_token_id=tokenizer.pad_token_id)
    seconds = dict(encoder=0.0, scoring=0.0, search=0.0)
    for batch in plan_batches([len(ids) for ids in inputs], BATCH_TOKENS):
        rows = [inputs[i] for i in batch]
        start = time.perf_counter()
        hidden, mask = decoder._encode(rows)
        seconds["encoder"] += time.perf_counter() - start
        start = time.perf_counter()
        decoder.score_batch(rows, [[labels[i]] for i in batch], encoded=(hidden, mask))
        seconds["scoring"] += time.perf_counter() - start
        start = time.perf_counter()
        decoder._greedy(hidden, mask, [len(labels[i]) for i in batch])
        seconds["search"] += time.perf_counter() - start
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="a context model folder")
    parser.add_argument("--examples", type=Path, required=True, help="its context examples (JSONL)")
    parser.add_argument("--shapes", type=lambda text: [parse_shape(s) for s in text.split(",")],
                        default=[parse_shape(s) for s in "192x384x4x2,128x256x4x2,128x256x2x2,96x192x4x2".split(",")])
    parser.add_argument("--limit", type=int, default=400, help="examples used (the first ones)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, tokenizer, _ = load_model(str(args.model))
    model.eval()
    inputs, labels = read_examples(args.examples, tokenizer, args.limit)
    print(f"{len(inputs)} inputs from {args.examples}: {sum(map(len, inputs)) / len(inputs):.0f} tokens each on "
          f"average, labels {sum(map(len, labels)) / len(labels):.0f}; {args.threads} thread(s), best of {args.repeat}")
    config = model.config
    own = f"{config.d_model}x{config.d_ff}x{config.num_layers}x{config.num_decoder_layers}"
    print(f"{'shape (d_model x d_ff x layers)':32} {'params':>7} {'encoder s':>10} {'scoring s':>10} {'search s':>9}")
    reference = None
    for name, changes in [(f"{own} (the model's own)", None)] + args.shapes:
        if changes is None:
            shaped = model
        else:
            shaped_config = copy.deepcopy(config)
            for key, value in changes.items():
                setattr(shaped_config, key, value)
            shaped = T5ForConditionalGeneration(shaped_config).eval()
        runs = [part_seconds(shaped, tokenizer, inputs, labels) for _ in range(args.repeat)]
        best = {part: min(run[part] for run in runs) for part in runs[0]}
        reference = reference or best
        params = sum(p.numel() for p in shaped.parameters()) / 1e6
        cells = [f"{best[part]:5.2f} {reference[part] / best[part]:4.2f}x" for part in ("encoder", "scoring", "search")]
        print(f"{name:32} {params:6.2f}M {cells[0]:>10} {cells[1]:>10} {cells[2]:>9}", flush=True)


if __name__ == "__main__":
    main()
