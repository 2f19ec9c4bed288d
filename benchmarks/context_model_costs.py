#!/usr/bin/env python
"""Where a context model's glossing time goes: the encoder, the search and the scoring of
analogy's candidates, and the words/s the encoder alone would allow.

    python benchmarks/context_model_costs.py --model models/sigmorphon [--languages Tsez] [--threads 1]

The dev sets (SIGMORPHON 2023, cleaned from ../shared/data) are glossed in-process as
`igt-gloss --lexicon TRAIN --model MODEL` glosses them (igt-gloss's defaults for a context model:
the lexicon being their training sets), with the decoder's three parts timed:

    encoder   Decoder._encode: every model input through the encoder, once
    search    the greedy search of the inputs decoded (Decoder._greedy)
    scoring   the teacher-forced scoring of analogy's candidates (Decoder._score_in_batches)

and the script prints each part's seconds, the model inputs and their mean length in tokens, and
`words / (glossing - search - scoring)`: the words/s were the search and the scoring free, which
only a smaller encoder or shorter inputs can raise.

It also counts the encoder's arithmetic on the inputs' real tokens (padding excluded; from the
model's config: the projections, the feed-forward and the attention's two products), the rate it
ran at, the rate of one large float32 matrix product on the same threads (about the most this
machine does), and how long the encoder alone would take at that rate against the time that
--target words/s leaves the whole run.
"""

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from word_gloss_speed import LANGUAGES, dev_languages, input_words, prepare  # noqa: E402

from igt_tools.core.io import Location, iter_jsonl  # noqa: E402
from igt_tools.glossing.analogy import Analogy  # noqa: E402
from igt_tools.glossing.lexicon import Lexicon  # noqa: E402
from igt_tools.glossing.word import CONTEXT_RERANK_MARGIN, CONTEXT_TRUST_MODEL, CONTEXT_TRUST_UNKNOWN_STEM, WordGlosser  # noqa: E402
from igt_tools.model.generation import DecodeSettings, Decoder  # noqa: E402
from igt_tools.model.loading import load_model  # noqa: E402

CHUNK = 2048  # igt-gloss's records per chunk


def encoder_flops(config, lengths):
    """FLOPs (2 per multiply-add) of a T5 encoder over inputs of these token lengths: per token and
    layer the q/k/v/o projections and the feed-forward, per pair of tokens the attention's two products."""
    inner = config.num_heads * config.d_kv
    feed_forward = (3 if config.is_gated_act else 2) * config.d_model * config.d_ff
    per_token = 4 * config.d_model * inner + feed_forward
    per_pair = 2 * inner
    tokens, pairs = sum(lengths), sum(n * n for n in lengths)
    return 2 * config.num_layers * (per_token * tokens + per_pair * pairs)


def timed(seconds, name, method):
    """`method` wrapped to add its run time to seconds[name]."""

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            seconds[name] += time.perf_counter() - start

    return wrapper


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="a context model folder")
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="dev sets, comma-separated")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--target", type=float, default=400.0, help="the words/s to set the encoder's arithmetic against")
    args = parser.parse_args()
    languages = dev_languages(args.languages)
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        dev, train, _ = prepare(Path(tmp), languages)
        words = input_words(dev)
        lexicon = Lexicon.read([str(train)])
        model, tokenizer, metadata = load_model(str(args.model))
        if metadata.unit != "context":
            parser.error(f"{args.model}: not a context model (igt-format --unit context)")
        decoder = Decoder(model, DecodeSettings(beams=1), eos_token_id=tokenizer.eos_token_id,
                          pad_token_id=tokenizer.pad_token_id)
        seconds, encoded = Counter(), []
        encode = timed(seconds, "encoder", decoder._encode)
        decoder._encode = lambda inputs: encoded.extend(len(ids) for ids in inputs) or encode(inputs)
        decoder._greedy = timed(seconds, "search", decoder._greedy)
        decoder._score_in_batches = timed(seconds, "scoring", decoder._score_in_batches)
        glosser = WordGlosser(lexicon, "context", decoder=decoder, tokenizer=tokenizer,
                              max_input_tokens=metadata.max_input_tokens or 1024, analogy=Analogy(lexicon),
                              context=True, trust_model=CONTEXT_TRUST_MODEL,
                              trust_unknown_stem=CONTEXT_TRUST_UNKNOWN_STEM, rerank_margin=CONTEXT_RERANK_MARGIN)
        records = [(Location(dev.name, n), record) for n, (_, record) in enumerate(iter_jsonl([str(dev)]), 1)]
        start = time.perf_counter()
        for first in range(0, len(records), CHUNK):
            glosser.gloss(records[first: first + CHUNK])
        glossing = time.perf_counter() - start
    stats, inputs = decoder.stats, len(encoded)
    print(f"{words} words, dev sets: {', '.join(languages)}; {args.threads} thread(s); glossing {glossing:.1f} s "
          f"({words / glossing:.1f} words/s)")
    print(f"model inputs encoded: {inputs}, {stats.input_tokens / max(inputs, 1):.0f} tokens each on average "
          f"(and {stats.padded_input_tokens - stats.input_tokens} tokens of padding in all); "
          f"encoder {1000 * seconds['encoder'] / max(inputs, 1):.1f} ms per input")
    for name in ("encoder", "search", "scoring"):
        print(f"{name:8} {seconds[name]:7.1f} s  {seconds[name] / glossing:6.1%}")
    rest = glossing - seconds["encoder"] - seconds["search"] - seconds["scoring"]
    print(f"the rest (lexicon, analogy, inputs, outputs) {rest:.1f} s")
    print(f"words/s with the search and the scoring free: {words / (glossing - seconds['search'] - seconds['scoring']):.1f}")
    gflop = encoder_flops(model.config, encoded) / 1e9
    print(f"encoder arithmetic: {gflop:.0f} GFLOP ({1000 * gflop / max(inputs, 1):.0f} MFLOP per input), "
          f"run at {gflop / max(seconds['encoder'], 1e-9):.1f} GFLOP/s")
    peak = matmul_gflops()
    print(f"a {MATMUL_SIZE} x {MATMUL_SIZE} float32 matrix product runs at {peak:.1f} GFLOP/s; {args.target:.0f} words/s "
          f"leaves the whole run {words / args.target:.1f} s, the encoder alone at that rate would take {gflop / peak:.1f} s")


MATMUL_SIZE = 1024


def matmul_gflops(repeat=5):
    """The best rate of a large float32 matrix product on the threads set: about the most this machine does."""
    a, b = torch.randn(MATMUL_SIZE, MATMUL_SIZE), torch.randn(MATMUL_SIZE, MATMUL_SIZE)
    torch.mm(a, b)  # warm up
    best = min(_seconds(lambda: torch.mm(a, b)) for _ in range(repeat))
    return 2 * MATMUL_SIZE ** 3 / best / 1e9


def _seconds(work):
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
