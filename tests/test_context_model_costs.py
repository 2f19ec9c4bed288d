"""benchmarks/context_model_costs.py: the encoder's arithmetic, counted from a model's config."""

import sys

import pytest

import conftest

torch = conftest.import_installed("torch")
transformers = conftest.import_installed("transformers")
sys.path.insert(0, str(conftest.ROOT / "benchmarks"))
import context_model_costs as costs  # noqa: E402  (the project's own script: a broken import fails)


@pytest.mark.parametrize("activation", ["gated-gelu", "relu"])
def test_the_encoder_flops_are_what_torch_counts_running_it(activation):
    from torch.utils.flop_counter import FlopCounterMode

    config = transformers.T5Config(vocab_size=64, d_model=24, d_ff=40, d_kv=6, num_heads=3, num_layers=2,
                                   num_decoder_layers=1, feed_forward_proj=activation)
    # eager attention: its two products are plain matmuls, which torch's counter sees
    model = transformers.T5ForConditionalGeneration._from_config(config, attn_implementation="eager")
    encoder = model.eval().get_encoder()
    lengths = [7, 12]
    counted = 0
    for length in lengths:  # one input at a time: no padding, as the count assumes
        counter = FlopCounterMode(display=False)
        with counter, torch.no_grad():
            encoder(input_ids=torch.ones(1, length, dtype=torch.long))
        counted += counter.get_total_flops()
    assert costs.encoder_flops(config, lengths) == counted
