#!/usr/bin/env python
"""Training speed of model shapes on one device (cpu or cuda): examples/s, tokens/s, memory, TFLOP/s.

    python benchmarks/training_speed.py --device cuda --runs word:tiny:words.jsonl,sentence:mini:sentences.jsonl
        [--batch-tokens 8192,16384,...] [--seconds 8] [--variants plain,fused] [--threads 1]

Each run is NAME:PRESET:EXAMPLES (igt-format output; a freshly initialised
model of the preset). For each run, variant and --batch-tokens budget (swept
upward; on a GPU until the card is full, an out-of-memory error ending the
sweep), a fresh model trains on igt-train's batches (length-grouped under the
token budget) with AdamW, gradient clipping and, on a GPU, bf16 autocast:
a few untimed warm-up steps, then as many steps as --seconds allow.

Variants:
  plain  igt-train before it was tuned for GPUs: the loss read back (`.item()`)
         and the label tokens counted on the device every step, AdamW's
         multi-tensor (foreach) kernels;
  fused  igt-train now: label tokens counted on the host, no read-back in the
         loop, fused AdamW on a GPU;
  compile  `fused` with the model under torch.compile (dynamic shapes).

FLOPs: the usual 6 x parameters x tokens of training (forward 2, backward 4),
counted per stack: encoder parameters x encoder (input) tokens + decoder
parameters (with the output layer) x decoder (label) tokens. Padded tokens
are counted, since the device computes them (`TFLOP/s`); the share of
them that is real input is printed beside (`padding`). Attention's score
and value products are not counted (a few percent at these lengths), so the
figures are a slight underestimate. `share` is TFLOP/s over --peak-tflops
(790: an H200's dense bf16 rate measured on large matrix products).

One line per measurement on stdout, and with --json FILE every figure as JSON
lines too.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARMUP_STEPS = 3


def read_examples(path, limit):
    examples = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            example = json.loads(line)
            if example.get("label") is not None:
                examples.append(example)
            if len(examples) >= limit:
                break
    return examples


def stack_parameters(model):
    """(encoder, decoder + output layer) parameter counts: the parameters each stack reads per token, the
    byte embedding (384 x d_model, 1% of mini) in each."""
    shared = {id(p) for p in model.shared.parameters()}
    encoder = sum(p.numel() for p in model.encoder.parameters())
    decoder = sum(p.numel() for p in model.decoder.parameters() if id(p) not in shared)
    decoder += sum(p.numel() for p in model.lm_head.parameters())
    return encoder, decoder


class Run:
    """One model shape on one device, trained for a while with one variant and one token budget."""

    def __init__(self, preset, encoded, device, variant, batch_tokens, seed=0):
        import torch

        from igt_tools.model import batching, optim, presets, training

        self.torch, self.batching, self.training = torch, batching, training
        self.device, self.variant = torch.device(device), variant
        model, _ = presets.new_model(preset, seed=seed)
        self.model = model.to(self.device).train()
        self.parameters = stack_parameters(self.model)
        self.net = self.model
        if variant == "compile":
            self.net = torch.compile(self.model, dynamic=True)
        if variant == "plain" and self.device.type == "cuda":
            groups = [p for p in self.model.parameters() if p.requires_grad]
            self.optimizer = torch.optim.AdamW(groups, lr=1e-3, weight_decay=0.01, foreach=True)
        else:
            self.optimizer = optim.build_optimizer("adamw", self.model, 1e-3, 0.01)
        self.encoded = encoded
        lengths = [(len(e.input_ids), len(e.label_ids)) for e in encoded]
        self.plan = batching.token_budget_plan(lengths, batch_tokens, seed, 0)
        self.autocast = training._autocast(self.device, None)  # igt-train's: bf16 on a GPU that has it
        self.steps = 0
        self.reset()

    def reset(self):
        self.examples = self.real_tokens = self.input_tokens = self.label_tokens = 0

    def step(self):
        """igt-train's step (training._step) without its bookkeeping; `plain` as it was before."""
        torch, batching = self.torch, self.batching
        items = [self.encoded[i] for i in self.plan[self.steps % len(self.plan)]]
        host = batching.collate(items)
        plain = self.variant == "plain"
        if not plain:
            tokens = int((host["labels"] != batching.LABEL_PAD).sum())
        tensors = {k: v.to(self.device, non_blocking=not plain) for k, v in host.items()}
        loss, counted = self.training._loss_sum(self.net, tensors, self.autocast, count_tokens=plain)
        (loss / (counted if plain else tokens)).backward()
        if plain:
            loss.item()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.steps += 1
        self.examples += len(items)
        self.real_tokens += sum(len(e.input_ids) + len(e.label_ids) for e in items)
        self.input_tokens += tensors["input_ids"].numel()
        self.label_tokens += tensors["labels"].numel()

    def sync(self):
        if self.device.type == "cuda":
            self.torch.cuda.synchronize()


def measure(name, preset, encoded, args, variant, batch_tokens):
    """The figures of one (run, variant, budget), or None when the device ran out of memory."""
    import torch

    if args.device.startswith("cuda"):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    try:
        run = Run(preset, encoded, args.device, variant, batch_tokens, seed=args.seed)
        for _ in range(WARMUP_STEPS):
            run.step()
        run.sync()
        run.reset()
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds or run.examples == 0:
            run.step()
            if run.steps % 4 == 0:
                run.sync()  # so that the clock sees the queued work, now and then
        run.sync()
        seconds = time.perf_counter() - start
    except torch.OutOfMemoryError:
        return None
    encoder, decoder = run.parameters
    flops = 6 * (encoder * run.input_tokens + decoder * run.label_tokens)
    padded = run.input_tokens + run.label_tokens
    figures = {
        "run": name, "preset": preset, "variant": variant, "device": args.device, "threads": args.threads,
        "batch_tokens": batch_tokens, "parameters": encoder + decoder, "steps": run.steps - WARMUP_STEPS,
        "seconds": round(seconds, 3), "examples_per_s": run.examples / seconds,
        "tokens_per_s": run.real_tokens / seconds, "padded_tokens_per_s": padded / seconds,
        "padding": 1 - run.real_tokens / padded, "tflops": flops / seconds / 1e12,
        "share": flops / seconds / 1e12 / args.peak_tflops,
        "peak_memory_gb": torch.cuda.max_memory_allocated() / 1e9 if args.device.startswith("cuda") else None,
    }
    del run
    return figures


def show(f):
    memory = f"{f['peak_memory_gb']:6.1f} GB" if f["peak_memory_gb"] is not None else "     -   "
    share = f" {f['share']:6.1%} of peak" if f["device"].startswith("cuda") else ""
    print(f"{f['run']:10s} {f['preset']:7s} {f['variant']:8s} {f['batch_tokens']:8d} tok/batch  "
          f"{f['examples_per_s']:9.1f} ex/s {f['tokens_per_s']:11,.0f} tok/s  padding {f['padding']:5.1%}  "
          f"{memory}  {f['tflops']:7.2f} TFLOP/s{share}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", required=True, help="NAME:PRESET:EXAMPLES, comma-separated")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-tokens", default="8192,16384,32768,65536,131072,262144,524288,1048576",
                        help="token budgets to sweep, ascending")
    parser.add_argument("--variants", default="fused", help="plain, fused, compile (comma-separated)")
    parser.add_argument("--seconds", type=float, default=8.0, help="timed seconds per measurement")
    parser.add_argument("--examples", type=int, default=200_000, help="examples read from each file at most")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads")
    parser.add_argument("--peak-tflops", type=float, default=790.0)
    parser.add_argument("--budget-minutes", type=float, default=None, help="stop sweeping after this long")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write every figure as a JSON line here")
    args = parser.parse_args()

    import torch
    from transformers import ByT5Tokenizer

    from igt_tools.model import batching

    torch.set_num_threads(args.threads)
    if args.device.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = True
    budgets = [int(b) for b in args.batch_tokens.split(",")]
    started = time.perf_counter()
    sink = open(args.json, "a", encoding="utf-8") if args.json else None
    print(f"device {args.device}" + (f" ({torch.cuda.get_device_name()})" if args.device.startswith("cuda") else
                                     f", {args.threads} thread(s)") + f", torch {torch.__version__}", flush=True)
    for spec in args.runs.split(","):
        name, preset, path = spec.split(":", 2)
        encoded = batching.encode(read_examples(path, args.examples), ByT5Tokenizer())
        for variant in args.variants.split(","):
            for batch_tokens in budgets:
                if args.budget_minutes and time.perf_counter() - started > args.budget_minutes * 60:
                    print(f"time budget spent: {name} {variant} from {batch_tokens} tokens not measured", flush=True)
                    break
                figures = measure(name, preset, encoded, args, variant, batch_tokens)
                if figures is None:
                    print(f"{name:10s} {preset:7s} {variant:8s} {batch_tokens:8d} tok/batch  out of memory", flush=True)
                    break
                show(figures)
                if sink:
                    sink.write(json.dumps(figures) + "\n")
                    sink.flush()


if __name__ == "__main__":
    main()
