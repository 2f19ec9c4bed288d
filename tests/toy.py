"""Toy data and tiny models the tests train and run, shared by the test modules (conftest.py makes
the models into session fixtures). torch, transformers and safetensors are imported where used,
so that the model-free tests run without them."""

import json
import random
import subprocess
import sys
from pathlib import Path

# -- records ---------------------------------------------------------------------------------

# An Uspanteko sentence (SIGMORPHON 2023) with every field a record may have.
USPANTEKO = {
    "id": "usp-1",
    "glottocode": "uspa1245",
    "transcription": "o sey xtok rixoqiil",
    "segmentation": "o sey x-tok r-ixoqiil",
    "glosses": "CONJ sea COM-buscar E3S-esposa",
    "translation": "y fue a buscar su esposa",
    "language": "Uspanteko",
    "metalanguage": "Spanish",
    "source": "sigmorphon",
    "extra": {"kept": "not in examples"},
}
# A record as igt-gloss writes it (a model's raw `prediction` beside the tiers): what every filter reads.
PREDICTED = {
    "id": "r1",
    "transcription": "o sey xtok",
    "segmentation": "o sea x-tok",
    "glosses": "CONJ sea COM-buscar",
    "prediction": "CONJ(o) sea(sea) COM(x)-buscar(tok)",
    "glottocode": "uspa1245",
}

# -- igt-train's toy examples and runs ------------------------------------------------------

STEMS = {"kal": "dog", "mir": "house", "tup": "eat", "sen": "see", "lor": "river", "bak": "stone"}
SUFFIXES = {"ak": "PL", "en": "ERG", "i": "PST"}
# A run small enough for this CPU: micro model, one thread, a few steps.
# On the CPU in float32 (a CUDA build would pick the GPU and bf16), so runs compare exactly.
FAST = ["--init", "micro", "--batch-tokens", "1024", "--threads", "1", "--no-progress", "--device", "cpu", "--no-bf16"]


def toy_examples(n, seed=0, languages=("toya1234", "toyb1234")):
    """Examples in igt-format's shape: stems with suffixes, glossed in the interleaved format."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = [(rng.choice(list(STEMS)), rng.choice(list(SUFFIXES))) for _ in range(rng.randint(1, 3))]
        text = " ".join(stem + suffix for stem, suffix in words)
        label = " ".join(f"{STEMS[stem]}({stem})-{SUFFIXES[suffix]}({suffix})" for stem, suffix in words)
        out.append({"id": f"t{seed}-{i}", "glottocode": languages[i % len(languages)], "task": "interleaved",
                    "input": f"Text: {text}\nOutput: ", "label": label})
    return out


def train(args, stdin_path):
    """igt-train in this process (through click), stdin from a file."""
    from conftest import run_command
    from igt_tools.commands.train import command

    return run_command(command, args, Path(stdin_path).read_text())


def weights(folder, name="model.safetensors"):
    from safetensors.torch import load_file

    return load_file(str(Path(folder) / name))


def same_weights(a, b, name="model.safetensors"):
    import torch

    wa, wb = weights(a, name), weights(b, name)
    return wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)


def checkpoint_folders(folder):
    return sorted(Path(folder).glob("checkpoint-*"))


def log_lines(folder):
    return [json.loads(line) for line in (Path(folder) / "log.jsonl").read_text().splitlines()]


# igt-train in a subprocess that signals itself at a fixed point: once checkpoint STEP is
# complete, before the older one is removed. No polling, so no race with a fast machine.
SIGNAL_AFTER_CHECKPOINT = """
import importlib, os, signal, sys
from igt_tools.model import checkpoint

step, name, command = int(sys.argv.pop(1)), sys.argv.pop(1), sys.argv.pop(1)
main = importlib.import_module("igt_tools.commands." + command).main
real_prune = checkpoint.prune

def prune(out_dir, keep_steps):
    if step in keep_steps:
        os.kill(os.getpid(), getattr(signal, name))
    real_prune(out_dir, keep_steps)

checkpoint.prune = prune
# Ctrl-C as at a terminal, even where this test runs as a background job (which starts with SIGINT ignored)
signal.signal(signal.SIGINT, signal.default_int_handler)
main()
"""


def train_until_signal(args, stdin_path, step, name, command="train"):
    """igt-train (or igt-COMMAND) ARGS, sent signal NAME once checkpoint STEP is written; the finished process."""
    cmd = [sys.executable, "-c", SIGNAL_AFTER_CHECKPOINT, str(step), name, command, *args]
    with open(stdin_path, "rb") as stdin:
        return subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=300)


# -- tiny models ------------------------------------------------------------------------------

LETTERS = "abcdef"


def new_base(folder, seed=0, **metadata):
    """An untrained micro model folder as igt-train writes it (compact interleaved prompts)."""
    from igt_tools.model import loading, presets
    from igt_tools.model.metadata import ModelMetadata

    model, tokenizer = presets.new_model("micro", seed=seed)
    loading.save_model(model, tokenizer, folder, ModelMetadata(**{"task": "interleaved", "prompts": "compact",
                                                                   **metadata}))
    return folder


def fresh_tiny(seed=0):
    """(model, tokenizer): a very small untrained ByT5, the same for the same seed."""
    import torch
    from transformers import ByT5Tokenizer, T5Config, T5ForConditionalGeneration

    from igt_tools.model.loading import untie_lm_head

    torch.manual_seed(seed)
    config = T5Config(
        vocab_size=384, d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2, num_heads=4,
        feed_forward_proj="gated-gelu", tie_word_embeddings=False, decoder_start_token_id=0,
        pad_token_id=0, eos_token_id=1, dropout_rate=0.0,
    )
    model = T5ForConditionalGeneration(config)
    untie_lm_head(model, torch.randn(384, 64) * 64**-0.5)
    return model, ByT5Tokenizer()


def fit(model, tokenizer, batches):
    """AdamW at lr 1e-2 over (inputs, labels) batches of texts, on one thread; the model left in eval mode.

    One thread whoever asks first: the weights then do not depend on the thread count (the
    order of floating-point sums) or on which test module built the model."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
        for inputs, targets in batches:
            batch = tokenizer(inputs, return_tensors="pt", padding=True)
            labels = tokenizer(targets, return_tensors="pt", padding=True).input_ids
            labels[labels == 0] = -100
            model(**batch, labels=labels).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    finally:
        torch.set_num_threads(threads)
    model.eval()


def toy_words(rng):
    """One to three words of one to four of LETTERS."""
    return [("".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 4)))) for _ in range(rng.randint(1, 3))]


def toy_prompts(count=14, seed=3):
    """Compact prompts of `count` toy sentences, the same for the same seed."""
    from igt_tools.examples.prompts import compact_prompt

    rng = random.Random(seed)
    return [compact_prompt("interleaved", {"transcription": " ".join(toy_words(rng))}) for _ in range(count)]


def train_sentence_model(folder, steps=40, seed=0):
    """A tiny ByT5 trained for a few seconds to write `ABC(abc) DE(de)` for the compact prompt `i: abc de`."""
    from igt_tools.examples.prompts import compact_prompt
    from igt_tools.model.loading import save_model
    from igt_tools.model.metadata import ModelMetadata

    model, tokenizer = fresh_tiny(seed)
    rng = random.Random(seed)

    def batches():
        for _ in range(steps):
            sentences = [toy_words(rng) for _ in range(16)]
            yield ([compact_prompt("interleaved", {"transcription": " ".join(words)}) for words in sentences],
                   [" ".join(f"{w.upper()}({w})" for w in words) for words in sentences])

    fit(model, tokenizer, batches())
    save_model(model, tokenizer, folder, ModelMetadata(task="interleaved", prompts="compact"))
    return folder


def train_word_model(folder, seed=0):
    """A tiny ByT5 trained for a few seconds on `ABC(abc)` for the word input `und: abc`."""
    from igt_tools.examples import tasks
    from igt_tools.model.loading import save_model
    from igt_tools.model.metadata import ModelMetadata

    model, tokenizer = fresh_tiny(seed)
    rng = random.Random(seed)

    def word():
        return "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 4)))

    batches = ([[tasks.word_input(w, {}) for w in words], [f"{w.upper()}({w})" for w in words]]
               for words in ([word() for _ in range(16)] for _ in range(60)))
    fit(model, tokenizer, batches)
    save_model(model, tokenizer, folder, ModelMetadata(task="interleaved", prompts="compact", unit="word"))
    return folder
