import importlib
import json
import os
import signal
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("IGT_SHARED_DATA", ROOT.parent / "shared" / "data"))


# CI sets IGT_REQUIRE_SHARED_DATA=1: there the data is beside the clone, so its absence is a failure, not a skip.
REQUIRE_SHARED_DATA = os.environ.get("IGT_REQUIRE_SHARED_DATA") == "1"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """pytest-randomly shuffles the tests; under -q it does not say how, so say it when a test failed."""
    seed = getattr(config.option, "randomly_seed", None)
    if exitstatus and isinstance(seed, int):
        terminalreporter.write_line(f"tests in a shuffled order: --randomly-seed={seed} repeats it")


def shared_data():
    """The real-data folder, or skip the test with a clear reason (fail, when the data is required)."""
    if not SHARED_DATA.is_dir():
        message = f"real data not found at {SHARED_DATA} (set IGT_SHARED_DATA)"
        if REQUIRE_SHARED_DATA:
            pytest.fail(message + "; IGT_REQUIRE_SHARED_DATA=1 requires it", pytrace=False)
        pytest.skip(message)
    return SHARED_DATA


def import_installed(module, distribution=None):
    """Import `module`, skipping the test only when its distribution is not installed at all.

    Unlike pytest.importorskip, a package that is installed but fails to import
    (a broken torch build) is an error: it must not pass for a missing extra.
    """
    distribution = distribution or module.split(".")[0]
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{distribution} is not installed (pip install -e '.[train]')", allow_module_level=True)
    return importlib.import_module(module)


@pytest.fixture
def data_dir():
    return shared_data()


# A filter that `| head` stops: exit 0, or killed by SIGPIPE (128 + 13), the Unix way to stop quietly.
QUIET_PIPE_STATUSES = (0, 128 + signal.SIGPIPE)


def pipe_to_head(command_line, **kwargs):
    """Run `COMMAND_LINE | head -1` in bash: head's stdout, the stderr of both, and the command's own status.

    Without this, the pipeline's status would be head's, whatever the command did.
    """
    script = f"{command_line} | head -1; exit ${{PIPESTATUS[0]}}"
    return subprocess.run(["bash", "-c", script], capture_output=True, **kwargs)


# -- running a command ---------------------------------------------------------------------

# igt-gloss's expected outputs come from float32 `generate` on the CPU; on a CUDA build it would
# otherwise pick the GPU and bfloat16.
PINNED = ["--device", "cpu", "--dtype", "float32"]


def jsonl(*records):
    """The records as JSONL text, one object a line (UTF-8 kept)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_jsonl(path, records):
    path.write_text(jsonl(*records), encoding="utf-8")
    return path


def run_command(command, args=(), stdin=None, *, records=None, exit_code=None, **options):
    """Run a click command (an igt_tools.commands.*.command) in this process, with click's CliRunner.

    stdin: text or bytes, or `records` as JSONL. With exit_code, the command must end with it (its
    output and exception in the message). Returns click's Result (exit_code, stdout, stderr,
    output, exception); output_records(result) reads its stdout. Options go to CliRunner.invoke.
    """
    from click.testing import CliRunner

    if records is not None:
        stdin = jsonl(*records)
    result = CliRunner().invoke(command, [str(arg) for arg in args], input=stdin, **options)
    if exit_code is not None:
        assert result.exit_code == exit_code, (result.output, result.exception)
    return result


def output_records(result):
    """A command's stdout as JSON records, one a line."""
    return [json.loads(line) for line in result.stdout.splitlines()]


# -- tiny models, built once a session ---------------------------------------------------------
# Each is trained for a few seconds (tests/toy.py); what it writes depends on the processor and
# the versions of torch and transformers, so a test asserts what holds for any weights, or
# scripts the decoder (`scripted`).


@pytest.fixture(scope="module")
def one_thread():
    """Tiny models run faster on one thread, and much faster on a CPU shared with other work.
    (pytestmark = pytest.mark.usefixtures("one_thread") in a module that runs them.)"""
    torch = import_installed("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def sentence_model(tmp_path_factory):
    """The folder of a tiny sentence-unit model: compact prompt `i: abc de` -> `ABC(abc) DE(de)`."""
    import toy

    import_installed("transformers")
    return toy.train_sentence_model(tmp_path_factory.mktemp("sentence") / "model")


@pytest.fixture(scope="session")
def loaded_sentence_model(sentence_model):
    """(model, tokenizer) of sentence_model."""
    from igt_tools.model.loading import load_model

    model, tokenizer, _ = load_model(sentence_model)
    return model, tokenizer


@pytest.fixture(scope="session")
def word_model(tmp_path_factory):
    """The folder of a tiny word-unit model: word input `und: abc` -> `ABC(abc)`."""
    import toy

    import_installed("transformers")
    return toy.train_word_model(tmp_path_factory.mktemp("word") / "model")


@pytest.fixture
def scripted(monkeypatch):
    """scripted({model input: (output, score)}): the search writes the test's outputs; returns what it was asked.

    Only the search (Decoder.decode_batch) is replaced: batching, output caps and
    all that igt-gloss does with the outputs are its own. `score` is every output
    token's log-probability (the end token's too), or a list of them, one per
    token and one for the end token. An output longer than its cap is cut there,
    without its end token, as the search cuts it. The returned list fills with
    (model input, cap) pairs as the search is asked for them; `scripted.floors` maps
    each model input to the floor it was given (Decoder.decode), which the script ignores.
    """
    transformers = import_installed("transformers")
    from igt_tools.model.generation import Decoder, Hypothesis

    tokenizer = transformers.ByT5Tokenizer()
    script, asked = {}, []

    def decode_batch(decoder, inputs, limits=None, encoded=None, floors=None):
        hypotheses = []
        for ids, limit, floor in zip(inputs, limits, floors or [None] * len(inputs)):
            text = tokenizer.decode(ids, skip_special_tokens=True)
            asked.append((text, limit))
            install.floors[text] = floor
            output, score = script[text]
            tokens = tokenizer(output, add_special_tokens=False).input_ids
            scores = score if isinstance(score, list) else [score] * (len(tokens) + 1)
            assert len(scores) == len(tokens) + 1, "one score per output token and one for the end token"
            length = min(len(tokens) + 1, limit)
            hypotheses.append(Hypothesis(tokens=tokens[:limit], logprob=sum(scores[:length]), length=length,
                                         token_logprobs=scores[:length] if decoder.settings.token_scores else None))
        return hypotheses

    def install(outputs):
        script.update(outputs)
        monkeypatch.setattr(Decoder, "decode_batch", decode_batch)
        return asked

    install.floors = {}  # model input -> the floor the search was given for it (None: none)
    return install
