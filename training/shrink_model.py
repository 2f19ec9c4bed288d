"""A smaller model made from a trained one by keeping some of its layers: a student to fine-tune.

    python training/shrink_model.py MODEL OUT --encoder 0,3 --decoder 0 [--dev EXAMPLES]

OUT gets MODEL's files with only the listed encoder and decoder blocks (in the order
given), its config saying how many; `igt-train --model OUT` then fine-tunes it like any
model folder. Why: the context model's cost is its layers times its input length
(benchmarks/context_model_costs.py), and a model with fewer layers, started from the
trained ones, learns back much of what a fresh one would take hours to. Each stack must
keep its block 0, which holds T5's relative position biases for the whole stack.
With --dev (igt-format examples), it prints the dev loss (mean per label token) of MODEL and of
OUT before any training: which blocks a model can best do without.
"""

import argparse
import json
import shutil
from pathlib import Path

# copied beside the weights: what igt-gloss and igt-train read from a model folder
KEPT_FILES = ("igt_tools.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
              "generation_config.json")


def layer_list(text):
    layers = [int(part) for part in text.split(",") if part.strip()]
    if not layers or layers[0] != 0:
        raise argparse.ArgumentTypeError("list the blocks to keep, starting with 0 (it holds the position biases)")
    return layers


def shrink(model, encoder, decoder):
    """The model with only the given blocks of each stack (in place), its config updated."""
    import torch

    for stack, keep in ((model.encoder, encoder), (model.decoder, decoder)):
        if max(keep) >= len(stack.block):
            raise SystemExit(f"shrink_model.py: the model has {len(stack.block)} blocks in a stack, not {max(keep) + 1}")
        stack.block = torch.nn.ModuleList(stack.block[n] for n in keep)
    model.config.num_layers = len(encoder)
    model.config.num_decoder_layers = len(decoder)
    return model


def dev_loss(model, tokenizer, examples):
    """Mean cross-entropy per label token, as igt-train reports it on its --dev examples."""
    import contextlib

    import torch

    from igt_tools.model import batching
    from igt_tools.model.distributed import Dist
    from igt_tools.model.training import dev_loss_by_language

    encoded = batching.encode(examples, tokenizer)
    return dev_loss_by_language(model, encoded, 4096, torch.device("cpu"), Dist(), contextlib.nullcontext)["dev_loss"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--encoder", type=layer_list, required=True, help="encoder blocks to keep, e.g. 0,3")
    parser.add_argument("--decoder", type=layer_list, required=True, help="decoder blocks to keep, e.g. 0")
    parser.add_argument("--dev", type=Path, help="examples (JSONL with input and label) to print the dev loss on")
    args = parser.parse_args()
    from igt_tools.examples.building import read as read_examples
    from igt_tools.model.loading import load_model

    examples = read_examples([str(args.dev)]) if args.dev else None  # checked as igt-train checks --dev
    model, tokenizer, _ = load_model(args.model)
    if examples:
        report_loss("source", model, tokenizer, examples)
    shrink(model, args.encoder, args.decoder).save_pretrained(args.out)
    # MODEL's own config with the new depths: save_pretrained writes transformers' view of it, in
    # which every T5 ties its output layer to the embedding (ByT5's does not: loading.py)
    config = json.loads((args.model / "config.json").read_text(encoding="utf-8"))
    config.update(num_layers=len(args.encoder), num_decoder_layers=len(args.decoder))
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for name in KEPT_FILES:
        if (args.model / name).exists():
            shutil.copy(args.model / name, args.out / name)
    print(f"shrink_model.py: {args.out}: encoder blocks {args.encoder}, decoder blocks {args.decoder}, "
          f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters")
    if examples:
        # read back from OUT, so that the figure is the written folder's
        shrunk, tokenizer, _ = load_model(args.out)
        report_loss("shrunk", shrunk, tokenizer, examples)


def report_loss(name, model, tokenizer, examples):
    print(f"shrink_model.py: dev loss of the {name} model on {len(examples)} examples: "
          f"{dev_loss(model, tokenizer, examples):.4f}")


if __name__ == "__main__":
    main()
