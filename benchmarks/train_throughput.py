"""Training throughput: token-budget length-grouped batches against random batches.

Real data: a SIGMORPHON 2023 training set from ../shared/data (Tsez by
default), made into igt-format training examples (interleaved, PolyGloss
prompts, with the auxiliary examples). Two copies of the same freshly
initialised model (preset `tiny`, same seed) train side by side, one step of
each in turn, so a busy machine slows both alike:

  grouped  igt-train's batches: sorted by length, at most --batch-tokens
           padded tokens each, in shuffled order;
  random   the reference's style: shuffled batches of a fixed number of
           examples (the grouped plan's mean, so both take the same number
           of steps for the same examples), padded to their longest.

Both use AdamW at a constant learning rate. It prints the padding fraction
of each plan over a whole epoch, the non-padding tokens (inputs + labels)
per second of training, and the dev loss (per label token, on a random
sample of the dev examples of all three sub-tasks) of each model after the
same number of examples.

Run: python benchmarks/train_throughput.py [--language Tsez] [--examples 400] [--threads 1] [--lr 5e-4]
     [--device cuda --preset base --batch-tokens 32768 --examples 20000]
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# training/languages.tsv, the one table of the SIGMORPHON 2023 languages: [language, file prefix,
# glottocode, metalanguage, "yes" if it has a training split], in its order.
ROWS = [line.split("\t") for line in (ROOT / "training" / "languages.tsv").read_text(encoding="utf-8")
        .splitlines() if line and not line.startswith(("#", "language\t"))]
LANGUAGES = {language: (prefix, glottocode, metalanguage)  # the ones with a training split
             for language, prefix, glottocode, metalanguage, train in ROWS if train == "yes"}


def examples_of(data_dir, language, split):
    """Training-split examples (main and auxiliary) of one SIGMORPHON file, and the misaligned count."""
    from igt_tools.formats.sigmorphon import read_sigmorphon
    from igt_tools.examples.tasks import UNLABELLED, build_examples

    prefix, glottocode, metalanguage = LANGUAGES[language]
    path = Path(data_dir) / "sigmorphon2023" / language / f"{prefix}-{split}-track2-uncovered"
    out, unusable = [], 0
    for _, record in read_sigmorphon(str(path)):
        record.update(language=language, glottocode=glottocode, metalanguage=metalanguage)
        try:
            out.extend(build_examples(record, "interleaved", split="train"))
        except UNLABELLED:
            unusable += 1
    return [e for e in out if e["label"] is not None], unusable


class Arm:
    """One model, its optimiser and its batch stream."""

    def __init__(self, name, plan, encoded, args):
        import torch

        from igt_tools.model import presets

        self.name, self.plan, self.encoded, self.device = name, plan, encoded, args.device
        self.model, _ = presets.new_model(args.preset, seed=args.seed)
        self.model.to(args.device).train()
        lr = args.lr
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=0.01)
        self.seconds, self.real_tokens, self.padded_tokens, self.examples, self.steps = 0.0, 0, 0, 0, 0

    def step(self):
        import torch

        from igt_tools.model import batching
        from igt_tools.model.training import _loss_sum

        batch = self.plan[self.steps % len(self.plan)]
        items = [self.encoded[i] for i in batch]
        start = time.perf_counter()
        tensors = {k: v.to(self.device) for k, v in batching.collate(items).items()}
        loss_sum, tokens = _loss_sum(self.model, tensors, autocast(self.device))
        (loss_sum / tokens).backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        if self.device.startswith("cuda"):
            torch.cuda.synchronize()
        self.seconds += time.perf_counter() - start
        self.real_tokens += sum(len(e.input_ids) + len(e.label_ids) for e in items)
        self.padded_tokens += tensors["input_ids"].numel() + tensors["labels"].numel()
        self.examples += len(batch)
        self.steps += 1


def autocast(device):
    """bf16 autocast on a GPU (as igt-train does), nothing on the CPU."""
    import contextlib

    import torch

    if device.startswith("cuda"):
        return lambda: torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--language", default="Tsez", choices=sorted(LANGUAGES))
    parser.add_argument("--examples", type=int, default=400, help="training examples per arm")
    parser.add_argument("--batch-tokens", type=int, default=8192)
    parser.add_argument("--dev-examples", type=int, default=100)
    parser.add_argument("--lr", type=float, default=5e-4, help="constant learning rate (5e-4: igt-train's default for tiny)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if not Path(args.data).is_dir():
        sys.exit(f"no data at {args.data}")

    import torch

    from igt_tools.model import batching
    from igt_tools.model.training import dev_loss_by_language
    from igt_tools.model.distributed import Dist
    from transformers import ByT5Tokenizer

    torch.set_num_threads(args.threads)
    train, unusable = examples_of(args.data, args.language, "train")
    dev, _ = examples_of(args.data, args.language, "dev")
    tokenizer = ByT5Tokenizer()
    encoded = batching.encode(train, tokenizer)
    dev = random.Random(args.seed).sample(dev, min(args.dev_examples, len(dev)))
    dev_encoded = batching.encode(dev, tokenizer)
    lengths = [(len(e.input_ids), len(e.label_ids)) for e in encoded]

    grouped = batching.token_budget_plan(lengths, args.batch_tokens, args.seed, 0)
    batch_size = round(len(encoded) / len(grouped))
    random_batches = batching.random_plan(len(encoded), batch_size, args.seed, 0)
    print(f"{args.language}: {len(encoded)} training examples ({unusable} misaligned records left out), "
          f"mean input {statistics.mean(n for n, _ in lengths):.0f} and label "
          f"{statistics.mean(n for _, n in lengths):.0f} tokens")
    print(f"epoch plans: grouped {len(grouped)} batches of <= {args.batch_tokens} tokens, padding "
          f"{batching.padding_fraction(lengths, grouped):.1%}; random {len(random_batches)} batches of "
          f"{batch_size}, padding {batching.padding_fraction(lengths, random_batches):.1%}")

    arms = [Arm("grouped", grouped, encoded, args), Arm("random", random_batches, encoded, args)]
    started = time.perf_counter()
    while any(arm.examples < args.examples for arm in arms):
        for arm in arms:
            if arm.examples < args.examples:
                arm.step()
    print(f"trained {args.examples}+ examples per arm in {time.perf_counter() - started:.0f} s "
          f"(preset {args.preset}, {args.device}, threads {args.threads})")

    rates = {}
    for arm in arms:
        dev_loss = dev_loss_by_language(arm.model, dev_encoded, args.batch_tokens, torch.device(args.device), Dist(),
                                        autocast(args.device))["dev_loss"]
        rates[arm.name] = arm.real_tokens / arm.seconds
        print(f"  {arm.name:8s} {arm.steps:4d} steps, {arm.examples} examples, padding "
              f"{1 - arm.real_tokens / arm.padded_tokens:.1%}, {rates[arm.name]:,.0f} non-padding tokens/s, "
              f"{arm.examples / arm.seconds:.2f} examples/s, dev loss {dev_loss:.4f} ({len(dev_encoded)} dev examples)")
    print(f"speed-up (non-padding tokens/s, grouped / random): {rates['grouped'] / rates['random']:.2f}x")


if __name__ == "__main__":
    main()
