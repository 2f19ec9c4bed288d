"""Behaviour every model-free command shares, checked on each through real processes.

Like csvkit's mixins: a new command added to FILTERS gets these checks for free.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import QUIET_PIPE_STATUSES, pipe_to_head
from toy import PREDICTED

BIN = Path(sys.executable).parent
RECORD = PREDICTED
LINE = json.dumps(RECORD, ensure_ascii=False) + "\n"
# The filters that need no model; igt-gloss is one with only a lexicon.
FILTERS = ["igt-clean", "igt-format", "igt-parse", "igt-score", "igt-gloss --lexicon"]
ALL_COMMANDS = ["igt-clean", "igt-format", "igt-parse", "igt-score", "igt-train", "igt-gloss", "igt-lora"]


def argv(command, tmp_path):
    """The command line of a FILTERS entry: igt-score's gold file and igt-gloss's lexicon hold LINE."""
    if command in ("igt-score", "igt-gloss --lexicon"):
        given = tmp_path / "given.jsonl"
        given.write_text(LINE, encoding="utf-8")
        name, option = command.split() if " " in command else (command, "--quiet")
        return [str(BIN / name), option, str(given)]
    return [str(BIN / command)]


def run(args, stdin_bytes):
    """A command line as a real process (the Unix manners under test), its bytes captured."""
    return subprocess.run(args, input=stdin_bytes, capture_output=True)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 1, result.stderr.decode()
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize("command", FILTERS)
def test_valid_input_succeeds(command, tmp_path):
    result = run(argv(command, tmp_path), LINE.encode())
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.strip()


@pytest.mark.parametrize("command", FILTERS)
def test_invalid_json_names_file_and_line(command, tmp_path):
    result = run(argv(command, tmp_path), (LINE + "{not json\n").encode())
    assert_one_line_error(result, "<stdin>:2:", "JSON")


@pytest.mark.parametrize("command", FILTERS)
def test_wrong_type_names_field(command, tmp_path):
    bad = dict(RECORD, glosses=["CONJ", "sea"])
    result = run(argv(command, tmp_path), (LINE + json.dumps(bad) + "\n").encode())
    assert_one_line_error(result, "<stdin>:2:", "glosses")


@pytest.mark.parametrize("command", FILTERS)
def test_bad_encoding_names_line(command, tmp_path):
    result = run(argv(command, tmp_path), LINE.encode() + b'{"id": "\xff\xfe"}\n')
    assert_one_line_error(result, "<stdin>:2:", "UTF-8")


@pytest.mark.parametrize("command", FILTERS)
def test_empty_input_is_an_error(command, tmp_path):
    result = run(argv(command, tmp_path), b"")
    if command == "igt-score":
        # No predictions at all: every gold id is reported missing.
        assert_one_line_error(result, "without a prediction")
    else:
        assert_one_line_error(result, "<stdin>", "empty")


@pytest.mark.parametrize("command", FILTERS)
def test_file_argument_equals_stdin(command, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(LINE, encoding="utf-8")
    from_stdin = run(argv(command, tmp_path), LINE.encode())
    assert from_stdin.returncode == 0, from_stdin.stderr.decode()
    # igt-score's first argument is the gold file; the predictions are the second (`igt-score GOLD PRED`).
    from_file = run(argv(command, tmp_path) + [str(path)], b"")
    assert from_file.returncode == 0, from_file.stderr.decode()
    if command == "igt-clean":
        # igt-clean records the input file's name as the default source.
        assert json.loads(from_file.stdout)["source"] == "in.jsonl"
        strip = lambda out: [dict(json.loads(l), source=None) for l in out.splitlines()]
        assert strip(from_file.stdout) == strip(from_stdin.stdout)
    else:
        assert from_file.stdout == from_stdin.stdout


@pytest.mark.parametrize("command", ["igt-clean", "igt-format", "igt-parse"])
def test_head_closes_pipe_quietly(command, tmp_path):
    big = tmp_path / "big.jsonl"
    with open(big, "w", encoding="utf-8") as out:
        for i in range(50_000):
            out.write(json.dumps(dict(RECORD, id=f"r{i}", transcription=f"o sey xtok {i}")) + "\n")
    result = pipe_to_head(f"{BIN / command} < {big}")
    assert result.returncode in QUIET_PIPE_STATUSES, result.stderr.decode()
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == b"", result.stderr.decode()


@pytest.mark.parametrize("command", FILTERS)
def test_sigint_exits_130_without_a_traceback(command, tmp_path):
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    # Ctrl-C's default handling in the child, as at a terminal, even where the suite runs as a
    # background job (which starts with SIGINT ignored, and a child inherits that)
    proc = subprocess.Popen(argv(command, tmp_path) + [str(fifo)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Opening the FIFO returns once the command has opened it too: it is running its own code by then,
    # and then waits for more input. No sleeping, so no race.
    with open(fifo, "wb") as writer:
        writer.write(LINE.encode())
        writer.flush()
        proc.send_signal(signal.SIGINT)
        returncode = proc.wait(timeout=60)
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert returncode == 130, stderr
    assert "Traceback" not in stderr


HEAVY = ("torch", "transformers", "peft", "sacrebleu", "rich", "jsonlines")
PROBE = """
import sys
from igt_tools.commands.{module} import command
try:
    command.main(args={args!r}, prog_name="probe", standalone_mode=False)
except SystemExit:
    pass
print("HEAVY=" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def loaded_heavy_modules(module, args, stdin=b""):
    code = PROBE.format(module=module, args=args, heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True)
    marked = [l for l in result.stderr.decode().splitlines() if l.startswith("HEAVY=")]
    assert marked, result.stderr.decode()
    return marked[-1][len("HEAVY="):]


@pytest.mark.parametrize("module", [c.split("-")[1] for c in ALL_COMMANDS])
def test_help_imports_no_heavy_module(module):
    assert loaded_heavy_modules(module, ["--help"]) == ""


@pytest.mark.parametrize("module", ["clean", "format", "parse"])
def test_model_free_work_imports_no_heavy_module(module):
    assert loaded_heavy_modules(module, [], LINE.encode()) == ""
