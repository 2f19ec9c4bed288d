#!/usr/bin/env python
"""How fast a model scores analogy's candidate analyses in context (igt-gloss --rerank and
--ask-model choose), against the plain teacher-forced pass it replaced.

    python benchmarks/candidate_scoring_speed.py [--model models/sigmorphon-word] [--languages Tsez] \\
        [--threads 1] [--repeat 3] [--batch-tokens 8192]

The scoring requests are the ones igt-gloss makes: the dev sets (SIGMORPHON 2023, cleaned from
../shared/data) glossed by lexicon (their training sets) + analogy with a context glosser that
only chooses, every scoring request recorded. Then each request is scored by

    shared   Decoder.score: one decoder step on the start token per input, its cross-attention
             keys and values copied to every candidate's row
    plain    the earlier pass: the encoder's states copied to every candidate's row, and the
             decoder projecting them once per candidate

and the script prints the unseen words scored per second (best of --repeat), the candidates,
and the largest difference between the two passes' log-probabilities. Only the model's shape
matters to the speed: any model folder of the context model's architecture will do
(models/sigmorphon-word has it: the context model is fine-tuned from it).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from word_gloss_speed import dev_languages, prepare  # noqa: E402

from igt_tools.core.io import Location, iter_jsonl  # noqa: E402
from igt_tools.glossing.analogy import Analogy  # noqa: E402
from igt_tools.glossing.lexicon import Lexicon  # noqa: E402
from igt_tools.glossing.word import WordGlosser  # noqa: E402
from igt_tools.model.generation import DecodeSettings, Decoder  # noqa: E402
from igt_tools.model.loading import load_model  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


class Recorder:
    """A decoder that keeps the scoring requests of decode_and_score() (and answers them)."""

    def __init__(self, decoder):
        self.decoder = decoder
        self.requests = []

    def decode_and_score(self, inputs, candidates=None, **options):
        hypotheses, scores = self.decoder.decode_and_score(inputs, candidates=candidates, **options)
        scored = [i for i, row in enumerate(scores) if row is not None]
        if scored:
            self.requests.append(([inputs[i] for i in scored], [candidates[i] for i in scored]))
        return hypotheses, scores


@torch.inference_mode()
def plain_score(decoder, inputs, candidates):
    """The earlier Decoder.score_batch, batch by batch as Decoder.score plans them: log-probabilities."""
    from igt_tools.model.generation import plan_batches

    results = [None] * len(inputs)
    most = max((len(c) for c in candidates), default=1) or 1
    for batch in plan_batches([len(ids) for ids in inputs], decoder.settings.batch_tokens, most):
        input_ids, attention_mask = decoder._padded([inputs[i] for i in batch])
        hidden = decoder.model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        rows = [(n, tokens) for n, i in enumerate(batch) for tokens in candidates[i]]
        width = max(len(tokens) for _, tokens in rows)
        decoder_ids = torch.full((len(rows), width), decoder.pad, dtype=torch.long)
        targets = torch.full((len(rows), width), decoder.pad, dtype=torch.long)
        present = torch.zeros((len(rows), width), dtype=torch.bool)
        for row, (_, tokens) in enumerate(rows):
            decoder_ids[row, 0] = decoder.start
            decoder_ids[row, 1: len(tokens)] = torch.tensor(tokens[:-1])
            targets[row, : len(tokens)] = torch.tensor(tokens)
            present[row, : len(tokens)] = True
        index = torch.tensor([n for n, _ in rows])
        logits = decoder.model(encoder_outputs=(hidden[index],), attention_mask=attention_mask[index],
                               decoder_input_ids=decoder_ids).logits
        chosen = torch.log_softmax(logits.float(), dim=-1).gather(-1, targets[..., None])[..., 0] * present
        totals = chosen.sum(dim=1).tolist()
        for n, i in enumerate(batch):
            results[i] = [total for (m, _), total in zip(rows, totals) if m == n]
    return results


def requests_of(model_folder, languages, batch_tokens):
    """(decoder, the score() requests of igt-gloss --ask-model choose on the dev sets)."""
    with tempfile.TemporaryDirectory() as tmp:
        dev, train, _ = prepare(Path(tmp), languages)
        lexicon = Lexicon.read([str(train)])
        model, tokenizer, _ = load_model(str(model_folder))
        decoder = Decoder(model, DecodeSettings(beams=1, max_new_tokens=512, batch_tokens=batch_tokens),
                          eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
        recorder = Recorder(decoder)
        glosser = WordGlosser(lexicon, "context", decoder=recorder, tokenizer=tokenizer, max_input_tokens=512,
                              analogy=Analogy(lexicon), context=True, rerank_margin=0.0, decode_guessed=False)
        records = [(Location(dev.name, n), record) for n, (_, record) in enumerate(iter_jsonl([str(dev)]), 1)]
        for start in range(0, len(records), 200):
            glosser.gloss(records[start: start + 200])
    return decoder, recorder.requests


def best_seconds(run, repeat):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "sigmorphon-word")
    parser.add_argument("--languages", default="Tsez", help="dev sets, comma-separated")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-tokens", type=int, default=8192, help="igt-gloss's CPU default")
    args = parser.parse_args()
    languages = dev_languages(args.languages)
    torch.set_num_threads(args.threads)
    decoder, requests = requests_of(args.model, languages, args.batch_tokens)
    words = sum(len(inputs) for inputs, _ in requests)
    candidates = sum(len(c) for _, options in requests for c in options)
    shared = lambda: [decoder.score(inputs, options) for inputs, options in requests]  # noqa: E731
    plain = lambda: [plain_score(decoder, inputs, options) for inputs, options in requests]  # noqa: E731
    difference = max((abs(h.logprob - p) for (a, b) in zip(shared(), plain())
                      for hs, ps in zip(a, b) for h, p in zip(hs, ps)), default=0.0)
    print(f"{words} unseen words scored, {candidates} candidates ({candidates / max(words, 1):.1f} per word), "
          f"dev sets: {', '.join(languages)}; {args.threads} thread(s), best of {args.repeat}")
    seconds = {"shared": best_seconds(shared, args.repeat), "plain": best_seconds(plain, args.repeat)}
    for name, elapsed in seconds.items():
        print(f"{name:7} {words / elapsed:8.1f} words/s  {elapsed:7.2f} s")
    print(f"shared / plain: {seconds['plain'] / seconds['shared']:.2f}x words/s; "
          f"largest log-probability difference {difference:.2e}")


if __name__ == "__main__":
    main()
