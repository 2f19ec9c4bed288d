"""The GPU presets: their sizes are what the docs and training/gpu.sh promise."""

from conftest import import_installed

torch = import_installed("torch")
import_installed("transformers")  # presets build transformers' T5 models

from igt_tools.model import optim, presets  # noqa: E402


def parameters(name):
    model, _ = presets.new_model(name)
    return sum(p.numel() for p in model.parameters())


def test_mini_ships_within_25_mb_in_bf16():
    # models/ holds at most 25 MB a model: mini is the GPU shape sized for that
    assert parameters("mini") * 2 <= 25_000_000
    assert parameters("mini") > 2 * parameters("tiny")


def test_medium_is_a_larger_gpu_shape():
    assert 30e6 <= parameters("medium") <= 60e6


def test_adamw_is_fused_only_where_every_parameter_is_on_a_gpu():
    model, _ = presets.new_model("micro")
    optimizer = optim.build_optimizer("adamw", model, 1e-3, 0.01)
    assert not optimizer.defaults.get("fused")  # on the CPU: the plain kernels
