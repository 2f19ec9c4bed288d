"""JSONL from other tools, written to break us: every hostile line is one line of error
(exit 1), or with --skip-bad a bad record set aside byte for byte; output that cannot be
written is one line too. One test for each way of breaking the input or the output."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from toy import PREDICTED as RECORD

from igt_tools.core import io
from igt_tools.commands import clean, format, gloss, parse, score
from igt_tools.core.errors import RecordError

BIN = Path(sys.executable).parent


def line(record):
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


GOOD_1 = line(RECORD)
GOOD_2 = line(dict(RECORD, id="r2", transcription="o sey"))

# Each hostile line (without its newline) and a fragment of the error it must give.
HOSTILE = {
    "invalid UTF-8": (b'{"id": "x", "transcription": "\xff\xfe"}', "not valid UTF-8"),
    "5,000-digit integer": (b'{"id": "x", "n": ' + b"9" * 5000 + b"}", "number too long"),
    "100k nested brackets": (b'{"id": "x", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested more than"),
    "500 nested brackets": (b'{"id": "x", "n": ' + b"[" * 500 + b"]" * 500 + b"}", "nested more than"),
    "escaped lone surrogate": (b'{"id": "x", "transcription": "a\\ud800"}', "lone surrogate \\ud800"),
    "lone low surrogate after a pair": (b'{"id": "x", "transcription": "\\ud83d\\ude00\\uDC00"}', "lone surrogate"),
    "1e400": (b'{"id": "x", "n": 1e400}', "not a finite number"),
    "NaN": (b'{"id": "x", "n": NaN}', "NaN"),
    "-Infinity": (b'{"id": "x", "n": -Infinity}', "-Infinity"),
    "duplicate key": (b'{"id": "x", "transcription": "a", "transcription": "b"}', 'duplicate key "transcription"'),
    "duplicate key in a nested object": (b'{"id": "x", "meta": {"a": 1, "a": 2}}', 'duplicate key "a"'),
}


# --- the parser ------------------------------------------------------------------


@pytest.mark.parametrize("case", [c for c in HOSTILE if c != "invalid UTF-8"])
def test_hostile_json_is_a_bad_record(case):
    raw, fragment = HOSTILE[case]
    with pytest.raises(RecordError, match="invalid JSON") as caught:
        io.parse_json_record(io.Location("in.jsonl", 7), raw.decode("utf-8"))
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("in.jsonl:7: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        '{"transcription": "\\ud83d\\ude00"}',  # a surrogate pair is one character
        '{"n": 1e308, "m": -0.0, "k": 12345678901234567890}',
        '{"n": ' + "[" * 99 + "]" * 99 + "}",  # deep, but within the limit
        '{"a": {"x": 1}, "b": {"x": 2}}',  # the same key in two objects
    ],
)
def test_standard_json_still_reads(text):
    value = io.parse_json_record(io.Location("in.jsonl", 1), text)
    assert json.loads(json.dumps(value, allow_nan=False)) == value


def test_what_is_read_writes_back_as_standard_json():
    value = io.parse_json_record(io.Location("in", 1), '{"t": "\\ud83d\\ude00", "n": 1.5e300}')
    assert value == {"t": "\U0001f600", "n": 1.5e300} and math.isfinite(value["n"])


# --- every JSONL command ---------------------------------------------------------

# The model-free commands that read JSONL, as (click command, arguments); igt-score reads the
# predictions from stdin against a gold file, igt-gloss glosses with a lexicon.
def commands(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(GOOD_1)
    return {
        "igt-clean": (clean.command, ["--quiet"]),
        "igt-format": (format.command, []),
        "igt-parse": (parse.command, []),
        "igt-score": (score.command, ["--quiet", str(gold)]),
        "igt-gloss": (gloss.command, ["-q", "-l", str(gold)]),
    }


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("name", ["igt-clean", "igt-format", "igt-parse", "igt-score", "igt-gloss"])
def test_hostile_line_is_one_line_error(tmp_path, name, case):
    command, args = commands(tmp_path)[name]
    raw, fragment = HOSTILE[case]
    result = CliRunner().invoke(command, args, input=GOOD_1 + raw + b"\n")
    assert result.exit_code == 1, (result.stderr, result.exception)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "<stdin>:2:" in result.stderr and fragment in result.stderr


def test_hostile_line_in_a_lexicon_is_one_line_error(tmp_path):
    lexicon = tmp_path / "lexicon.jsonl"
    lexicon.write_bytes(GOOD_1 + HOSTILE["escaped lone surrogate"][0] + b"\n")
    result = CliRunner().invoke(gloss.command, ["-q", "-l", str(lexicon)], input=GOOD_1)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"{lexicon}:2: invalid JSON: a lone surrogate" in result.stderr


SKIPPING = {
    "igt-clean": ["--quiet"],
    "igt-format": [],
    "igt-parse": [],
    "igt-gloss": ["-q", "-l", "LEXICON"],
}


@pytest.mark.parametrize("name", list(SKIPPING))
def test_skip_bad_sets_every_hostile_line_aside_byte_for_byte(tmp_path, name):
    """The bytes of each bad line go to --bad-out as they were, and every good record after them comes out."""
    lexicon = tmp_path / "lexicon.jsonl"
    lexicon.write_bytes(GOOD_1)
    aside = tmp_path / "bad.txt"
    bad_lines = [raw for raw, _ in HOSTILE.values()]
    stdin = GOOD_1 + b"".join(raw + b"\n" for raw in bad_lines) + GOOD_2
    args = [str(lexicon) if a == "LEXICON" else a for a in SKIPPING[name]]
    result = subprocess.run([str(BIN / name), *args, "--bad-out", str(aside)], input=stdin, capture_output=True)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert "Traceback" not in err
    assert err.count("skipped: <stdin>:") == len(bad_lines), err
    ids = [json.loads(l)["id"] for l in result.stdout.decode().splitlines()]
    assert ids[0] == "r1" and ids[-1] == "r2", ids
    assert aside.read_bytes() == b"".join(raw + b"\n" for raw in bad_lines)


def test_bad_out_of_a_run_without_bad_records_is_left_empty(tmp_path):
    aside = tmp_path / "bad.txt"
    aside.write_text("from an earlier run\n")
    result = CliRunner().invoke(parse.command, ["--bad-out", str(aside)], input=GOOD_1)
    assert result.exit_code == 0
    assert aside.read_bytes() == b""


@pytest.mark.parametrize("name", list(SKIPPING))
def test_bad_out_that_cannot_be_written_stops_before_reading(tmp_path, name):
    args = ["-q", "-l", "/dev/null"] if name == "igt-gloss" else []
    # stdin stays open and empty: a command that read before checking would wait until the timeout.
    read_end, write_end = os.pipe()
    try:
        result = subprocess.run([str(BIN / name), *args, "--bad-out", "/nonexistent/x.txt"], stdin=read_end,
                                capture_output=True, timeout=60)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert result.returncode == 1, result.stderr.decode()
    assert result.stderr.decode().strip() == f"{name}: /nonexistent/x.txt: cannot write --bad-out: No such file or directory"
    assert result.stdout == b""


# --- output that cannot be written -----------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "name, args",
    [
        ("igt-clean", []),
        ("igt-clean", ["--tags"]),
        ("igt-format", []),
        ("igt-format", ["--to", "aligned"]),
        ("igt-format", ["--to", "cldf"]),
        ("igt-parse", []),
        ("igt-score", ["GOLD"]),
        ("igt-gloss", ["-l", "GOLD"]),
    ],
)
def test_stdout_on_a_full_disk_is_one_line(tmp_path, name, args):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(GOOD_1)
    args = [str(gold) if a == "GOLD" else a for a in args]
    with open("/dev/full", "wb") as full:
        result = subprocess.run([str(BIN / name), *args], input=GOOD_1, stdout=full, stderr=subprocess.PIPE)
    err = result.stderr.decode()
    assert result.returncode == 1, err
    lines = [l for l in err.splitlines() if "No space left" in l or "Traceback" in l or "Exception" in l]
    assert lines == [f"{name}: cannot write the output: No space left on device"], err


def test_metadata_that_cannot_be_written_stops_before_the_table(tmp_path):
    result = subprocess.run([str(BIN / "igt-format"), "--to", "cldf", "--metadata", "/nonexistent/d/m.json"],
                            input=GOOD_1, capture_output=True)
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode().strip() == (
        "igt-format: /nonexistent/d/m.json: cannot write --metadata: no such folder /nonexistent/d"
    )


def test_a_key_or_id_from_the_data_cannot_break_the_error_line():
    """Keys are quoted as JSON, and line breaks that JSON leaves raw (U+2028, U+0085) are escaped."""
    with pytest.raises(RecordError) as caught:
        io.parse_json_record(io.Location("in", 1), '{"a\\u2028b\\u0085": 1, "a\\u2028b\\u0085": 2}')
    assert str(caught.value) == 'in:1: invalid JSON: duplicate key "a\\u2028b\\u0085"'
    assert len(str(caught.value).splitlines()) == 1
