"""Model shapes for training from scratch (`igt-train --init NAME`).

All are ByT5: T5 v1.1 blocks (gated GELU, no biases, relative attention)
over UTF-8 bytes with ByT5's vocabulary of 384 ids (3 specials, 256 bytes,
125 sentinels) and an output layer separate from the input embedding.
`small` and `base` have google/byt5-small's and google/byt5-base's shapes,
so a GPU recipe trained from `base` compares with the published models;
`tiny` (4.6M parameters) is sized to learn a small language on a 2-core CPU
in minutes; `mini` (12.0M) is what a few GPU minutes train best (about
compute-optimal for them) and still ships in 24 MB as bf16; `medium` (45M)
is a larger GPU shape; `micro` only checks that the machinery runs.
"""

# Shared by every preset: ByT5's vocabulary, specials and attention set-up.
BYT5 = dict(
    vocab_size=384,
    pad_token_id=0,
    eos_token_id=1,
    decoder_start_token_id=0,
    feed_forward_proj="gated-gelu",
    relative_attention_num_buckets=32,
    relative_attention_max_distance=128,
    layer_norm_epsilon=1e-6,
    initializer_factor=1.0,
    tie_word_embeddings=False,
)

PRESETS = {
    # for tests and smoke runs: trains in seconds, learns little
    "micro": dict(d_model=64, d_ff=128, num_layers=2, num_decoder_layers=1, num_heads=2, d_kv=32, dropout_rate=0.1),
    "tiny": dict(d_model=256, d_ff=512, num_layers=4, num_decoder_layers=2, num_heads=4, d_kv=64, dropout_rate=0.1),
    # GPU shapes between tiny and ByT5-small (training/gpu.sh measures them on an H200)
    "mini": dict(d_model=384, d_ff=1024, num_layers=4, num_decoder_layers=2, num_heads=6, d_kv=64, dropout_rate=0.1),
    "medium": dict(d_model=512, d_ff=1536, num_layers=8, num_decoder_layers=4, num_heads=8, d_kv=64, dropout_rate=0.1),
    "small": dict(d_model=1472, d_ff=3584, num_layers=12, num_decoder_layers=4, num_heads=6, d_kv=64, dropout_rate=0.1),
    "base": dict(d_model=1536, d_ff=3968, num_layers=18, num_decoder_layers=6, num_heads=12, d_kv=64, dropout_rate=0.1),
}


def config_for(name):
    """The transformers.T5Config of a preset."""
    from transformers import T5Config

    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r} (choose from {', '.join(PRESETS)})")
    config = T5Config(**BYT5, **PRESETS[name])
    config.architectures = ["T5ForConditionalGeneration"]
    return config


def new_model(name, seed=0):
    """(model, tokenizer): a freshly initialised preset, the same for the same seed."""
    import torch
    from transformers import ByT5Tokenizer, T5ForConditionalGeneration

    from .loading import untie_lm_head

    config = config_for(name)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = T5ForConditionalGeneration(config)
        # ByT5 has its own output layer. Scaled so that the first logits have unit
        # size (the decoder output is not rescaled when the layer is separate).
        weight = torch.randn(config.vocab_size, config.d_model) * config.d_model**-0.5
    untie_lm_head(model, weight)
    return model, ByT5Tokenizer()
