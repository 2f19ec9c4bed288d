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
        decoder._encode = lambda inputs: encoded.append(len(inputs)) or encode(inputs)
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
    stats, inputs = decoder.stats, sum(encoded)
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


if __name__ == "__main__":
    main()
