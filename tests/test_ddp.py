"""igt-train under torchrun: 2 CPU processes with gloo, the same result as one process.

Two processes each taking one batch per step compute what one process
computes with two batches per step (gradient accumulation): the loss is the
mean over all label tokens of the step wherever they are. Without dropout
(whose random masks depend on the process) the weights agree up to the
order of floating-point sums.
"""

import json
import socket
import subprocess
import sys

import pytest

from conftest import import_installed, run_command, write_jsonl
from igt_tools.commands.train import command
from toy import FAST, toy_examples, weights

torch = import_installed("torch")
if not torch.distributed.is_available():
    pytest.skip("this torch build has no torch.distributed", allow_module_level=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_processes_match_one_process_with_accumulation(tmp_path):
    train = write_jsonl(tmp_path / "train.jsonl", toy_examples(120))
    dev = write_jsonl(tmp_path / "dev.jsonl", toy_examples(24, seed=9))
    common = [*FAST, "--dropout", "0", "--max-steps", "4", "--eval-every", "1", "--dev", str(dev), str(train)]

    ddp_out = tmp_path / "ddp"
    stdin = run_command(command, [*FAST, "--out", str(ddp_out)], train.read_text(),
                        env={"WORLD_SIZE": "2", "RANK": "0"})
    assert stdin.exit_code == 2 and "name the training FILEs" in stdin.output

    launcher = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--nnodes", "1",
                "--master-addr", "127.0.0.1", "--master-port", str(free_port())]
    result = subprocess.run([*launcher, "-m", "igt_tools.commands.train", *common, "--out", str(ddp_out)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "on 2 processes" in result.stderr
    # only rank 0 reports and writes: one line per evaluation
    log = [json.loads(line) for line in (ddp_out / "log.jsonl").read_text().splitlines()]
    assert [line["step"] for line in log] == [1, 2, 3, 4]
    assert result.stderr.count("stopped: reached --max-steps") == 1

    single_out = tmp_path / "single"
    single = run_command(command, [*common, "--accumulate", "2", "--out", str(single_out)])
    assert single.exit_code == 0, single.output
    single_log = [json.loads(line) for line in (single_out / "log.jsonl").read_text().splitlines()]
    assert [line["examples"] for line in log] == [line["examples"] for line in single_log]
    for ddp_line, single_line in zip(log, single_log):
        assert ddp_line["train_loss"] == pytest.approx(single_line["train_loss"], rel=1e-5)
        assert ddp_line["dev_loss"] == pytest.approx(single_line["dev_loss"], rel=1e-5)

    a, b = weights(ddp_out), weights(single_out)
    assert a.keys() == b.keys()
    for name in a:
        assert torch.allclose(a[name], b[name], rtol=1e-3, atol=1e-5), name
