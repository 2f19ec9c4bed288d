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


def dev_loss(model, tokenizer, examples, batch=20):
    """Mean cross-entropy per label token of (input, label) pairs, teacher-forced."""
    import torch

    total = tokens = 0
    with torch.inference_mode():
        for start in range(0, len(examples), batch):
            part = examples[start: start + batch]
            encoded = tokenizer([e["input"] for e in part], return_tensors="pt", padding=True)
            labels = tokenizer([e["label"] for e in part], return_tensors="pt", padding=True).input_ids
            labels[labels == tokenizer.pad_token_id] = -100
            count = int((labels != -100).sum())
            total += model(**encoded, labels=labels).loss.item() * count
            tokens += count
    return total / tokens


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--encoder", type=layer_list, required=True, help="encoder blocks to keep, e.g. 0,3")
    parser.add_argument("--decoder", type=layer_list, required=True, help="decoder blocks to keep, e.g. 0")
    parser.add_argument("--dev", type=Path, help="examples (JSONL with input and label) to print the dev loss on")
    args = parser.parse_args()
    from transformers import T5ForConditionalGeneration

    from igt_tools.model.loading import load_model

    model = T5ForConditionalGeneration.from_pretrained(args.model)
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
    if args.dev:
        examples = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
        for name, folder in (("source", args.model), ("shrunk", args.out)):
            loaded, tokenizer, _ = load_model(folder)
            print(f"shrink_model.py: dev loss of the {name} model on {len(examples)} examples: "
                  f"{dev_loss(loaded, tokenizer, examples):.4f}")


if __name__ == "__main__":
    main()
