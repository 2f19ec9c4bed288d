"""igt-format: model examples on the command line, and the writers (the aligned human view first)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import QUIET_PIPE_STATUSES, jsonl, output_records, pipe_to_head, run_command
from igt_tools.commands.format import command
from igt_tools.formats.aligned import columns, display_width, write_aligned

from toy import USPANTEKO as RECORD

BIN = Path(sys.executable).parent

USP = RECORD
MISALIGNED = {"id": 2, "transcription": "a b", "segmentation": "a-b c", "glosses": "A B"}
BOUNDARIES_DIFFER = {"id": 3, "transcription": "Où vas-tu?", "segmentation": "Où vas=tu?", "glosses": "where go-you"}
BARE = {"id": 4, "transcription": "niños"}


def run(args, stdin=""):
    return run_command(command, args, stdin)


# --- display width ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, width",
    [
        ("abc", 3),
        ("東京", 4),  # wide
        ("ｶﾀｶﾅ", 4),  # halfwidth katakana: narrow
        ("Ａ", 2),  # fullwidth
        ("cafe\u0301", 4),  # combining acute
        ("q\u0307\u02e4", 2),  # combining dot, then a modifier letter (spacing)
        ("a\u200db", 2),  # zero-width joiner
        ("한국어", 6),
        ("", 0),
    ],
)
def test_display_width(text, width):
    assert display_width(text) == width


# --- the aligned view ------------------------------------------------------------------


def test_aligned_view_of_a_full_record():
    assert write_aligned(USP) == (
        "(usp-1) o sey xtok rixoqiil\n"
        "o     sey  x-tok       r-ixoqiil\n"
        "CONJ  sea  COM-buscar  E3S-esposa\n"
        "‘y fue a buscar su esposa’"
    )


def test_aligned_view_pads_by_display_width():
    record = {"segmentation": "東京-ni ka\u0301", "glosses": "Tokyo-LOC Q"}
    assert write_aligned(record).split("\n") == [
        "東京-ni    ka\u0301",
        "Tokyo-LOC  Q",
    ]


def test_punctuation_only_words_get_a_column_of_their_own():
    record = {"segmentation": "a , b-c .", "glosses": "A B-C"}
    assert columns(record["segmentation"], record["glosses"]) == [("a", "A"), (",", ""), ("b-c", "B-C"), (".", "")]
    assert write_aligned(record).split("\n") == ["a  ,  b-c  .", "A     B-C"]


def test_misaligned_record_shows_what_it_has_and_says_where():
    lines = write_aligned(MISALIGNED).split("\n")
    assert lines == ["(2) a b", "a-b  c", "A    B", "[misaligned: word 1 ('a-b' / 'A'): 2 morphemes but 1 glosses]"]
    lines = write_aligned({"segmentation": "a b c", "glosses": "A B"}).split("\n")
    assert lines[:2] == ["a  b  c", "A  B"]
    assert lines[2].startswith("[misaligned: 3 segmentation words but 2 gloss words")


def test_missing_tiers():
    assert write_aligned(BARE) == "(4) niños"
    assert write_aligned({"transcription": "我 看 書", "glosses": "1SG see book"}) == "我   看   書\n1SG  see  book"
    assert write_aligned({"segmentation": "a-b", "translation": "ab"}) == "a-b\n‘ab’"
    assert write_aligned({"glosses": "A B", "id": 0}) == "(0)\nA  B"


def test_long_sentences_wrap():
    record = {"segmentation": " ".join(["abc-de"] * 10), "glosses": " ".join(["ABC-DE"] * 10)}
    lines = write_aligned(record, width=30).split("\n")
    assert len(lines) == 6
    assert all(display_width(line) <= 30 for line in lines)
    assert write_aligned(record, width=0).count("\n") == 1


WORD_CHARS = st.sampled_from(list("abzQ.()") + ["東", "京", "ｶ", "Ａ", "한", "\u0301", "\u0323", "ß", "\u200d", "ʕ"])
# Each word holds a letter, so every column has a word on both lines (punctuation: see above).
WORD = st.tuples(st.text(WORD_CHARS, max_size=4), st.sampled_from("aß東ʕ"), st.text(WORD_CHARS, max_size=4)).map("".join)


def _column_starts(line):
    """Display column where each space-free run of the line starts."""
    starts, col, previous = [], 0, " "
    for ch in line:
        if ch != " " and previous == " ":
            starts.append(col)
        col += display_width(ch)
        previous = ch
    return starts


@given(st.lists(st.tuples(WORD, WORD), min_size=1, max_size=8), st.integers(min_value=0, max_value=40))
def test_columns_line_up_by_display_width(pairs, width):
    record = {"segmentation": " ".join(s for s, _ in pairs), "glosses": " ".join(g for _, g in pairs)}
    lines = write_aligned(record, width=width).split("\n")
    blocks = [line for line in lines if not line.startswith("[misaligned")]
    assert len(blocks) % 2 == 0
    shown = []
    for seg_line, gloss_line in zip(blocks[::2], blocks[1::2]):
        assert _column_starts(seg_line) == _column_starts(gloss_line)
        shown += list(zip(seg_line.split(), gloss_line.split()))
        if width and len(seg_line.split()) > 1:
            assert max(display_width(seg_line), display_width(gloss_line)) <= width
    assert shown == pairs


# --- igt-format: examples ------------------------------------------------------------------


def test_examples_on_stdout_and_reports_on_stderr():
    result = run([], jsonl(USP, MISALIGNED, BOUNDARIES_DIFFER, BARE))
    assert result.exit_code == 0
    examples = output_records(result)
    assert [(e["id"], e["task"]) for e in examples] == [("usp-1", "interleaved"), (3, "interleaved"), (4, "interleaved")]
    assert examples[0]["label"] == "CONJ(o) sea(sey) COM(x)-buscar(tok) E3S(r)-esposa(ixoqiil)"
    assert set(examples[0]) == {"id", "glottocode", "task", "input", "label"}
    assert examples[2]["label"] is None
    lines = result.stderr.splitlines()
    assert lines == [
        "igt-format: <stdin>:2: left out, no label (misaligned): word 1 ('a-b' / 'A'): 2 morphemes but 1 glosses",
        "igt-format: <stdin>:3: label will not parse back exactly (boundary-mismatch)",
        "igt-format: 4 records, 3 examples; 1 record left out without a label (misaligned: 1);"
        " 1 label will not parse back exactly (boundary-mismatch: 1)",
    ]


def test_train_split_counts_records_without_the_main_tiers():
    result = run(["--split", "train", "--task", "multitask"], jsonl(USP, BARE))
    assert [e["task"] for e in output_records(result)] == ["t2g", "t2s", "s2g"]
    assert "<stdin>:2: left out, no label (missing tier): no glosses for the t2g label" in result.stderr
    assert "1 record left out without a label (missing tier: 1)" in result.stderr


def test_quiet_keeps_only_the_summary():
    result = run(["-q"], jsonl(USP, MISALIGNED))
    assert result.stderr.splitlines() == [
        "igt-format: 2 records, 1 example; 1 record left out without a label (misaligned: 1)"
    ]


@pytest.mark.parametrize(
    "args, prefix",
    [
        (["--prompts", "compact"], "i: o sey xtok rixoqiil\ny fue"),
        (["--task", "gloss-only", "--prompts", "glosslm"], "Provide the glosses for the following transcription"),
        (["--task", "concatenated"], "Predict the morphological segmentation and glosses"),
    ],
)
def test_prompt_sets_and_tasks(args, prefix):
    result = run(args, jsonl(USP))
    assert result.exit_code == 0
    assert output_records(result)[0]["input"].startswith(prefix)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--prompts", "glosslm"], "use them with --task gloss-only"),
        (["--to", "aligned", "--task", "multitask"], "--to writes records, not examples"),
        (["--markers", "tx,mb"], "--markers goes with --to toolbox"),
        (["--to", "toolbox", "--markers", "a,a"], "two tiers cannot share one marker"),
        (["--task", "nope"], "Invalid value for '--task'"),
    ],
)
def test_usage_errors(args, message):
    result = run(args, jsonl(USP))
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    "stdin, message",
    [
        (jsonl({"id": 1}), '<stdin>:1: missing field "transcription"'),
        (jsonl({"transcription": ["a"]}), '<stdin>:1: field "transcription" must be a string or null, got array'),
        ("{oops\n", "<stdin>:1: invalid JSON"),
        ("", "empty input"),
    ],
)
def test_bad_data_is_one_line_exit_1(stdin, message):
    result = run([], stdin)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_skip_bad_goes_on():
    result = run(["--skip-bad"], jsonl({"id": 1}, USP) + "[]\n")
    assert result.exit_code == 0
    assert [e["id"] for e in output_records(result)] == ["usp-1"]
    assert result.stderr.count("skipped:") == 2


# --- igt-format --to -------------------------------------------------------------------


def test_to_jsonl_keeps_every_field():
    result = run(["--to", "jsonl"], jsonl(USP, MISALIGNED))
    assert output_records(result) == [USP, MISALIGNED]


def test_drop_writes_the_fields_null_and_keeps_the_rest_byte_for_byte():
    """Gold sentences to gloss without their answers: --drop segmentation,glosses (or --drop twice)."""
    dropped = dict(USP, segmentation=None, glosses=None)
    for options in (["--drop", "segmentation,glosses"], ["--drop", "segmentation", "--drop", "glosses"]):
        result = run(["--to", "jsonl", *options], jsonl(USP, BARE))
        assert result.exit_code == 0, result.output
        assert result.stdout == jsonl(dropped, dict(BARE, segmentation=None, glosses=None))
    assert run(["--to", "aligned", "--drop", "glosses"], jsonl(USP)).stdout == write_aligned(dict(USP, glosses=None)) + "\n"
    without_to = run(["--drop", "glosses"], jsonl(USP))
    assert without_to.exit_code == 2 and "--drop goes with --to" in without_to.stderr


def test_to_aligned_blocks_separated_by_blank_lines():
    result = run(["--to", "aligned"], jsonl(USP, BARE))
    assert result.stdout == write_aligned(USP) + "\n\n" + write_aligned(BARE) + "\n"


def test_to_aligned_width():
    result = run(["--to", "aligned", "--width", "21"], jsonl(USP))
    assert result.stdout.splitlines()[1:5] == ["o     sey  x-tok", "CONJ  sea  COM-buscar", "r-ixoqiil", "E3S-esposa"]


def test_to_sigmorphon():
    result = run(["--to", "sigmorphon"], jsonl(USP, BARE))
    assert result.stdout == (
        "\\t o sey xtok rixoqiil\n\\m o sey x-tok r-ixoqiil\n\\g CONJ sea COM-buscar E3S-esposa\n"
        "\\l y fue a buscar su esposa\n\n\\t niños\n"
    )


def test_to_toolbox_with_markers():
    result = run(["--to", "toolbox", "--markers", "t,m,g,f"], jsonl(BARE, USP))
    blocks = result.stdout.split("\n\n")
    assert blocks[0] == "\\ref 4\n\\t niños"
    assert "\\g CONJ sea COM-buscar E3S-esposa" in blocks[1]


def test_sigmorphon_output_reads_back(tmp_path):
    from igt_tools.formats.sigmorphon import read_sigmorphon

    path = tmp_path / "out.txt"
    path.write_text(run(["--to", "sigmorphon"], jsonl(USP, MISALIGNED)).stdout, encoding="utf-8")
    tiers = ("transcription", "segmentation", "glosses", "translation")
    assert [r for _, r in read_sigmorphon(str(path))] == [
        {k: v for k, v in record.items() if k in tiers} for record in (USP, MISALIGNED)
    ]


# --- real pipes ----------------------------------------------------------------------------


def test_pipe_to_head_is_quiet(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text(jsonl(*[dict(USP, id=n) for n in range(3000)]), encoding="utf-8")
    done = pipe_to_head(f"'{BIN / 'igt-format'}' '{big}'", text=True)
    assert done.returncode in QUIET_PIPE_STATUSES, done.stderr
    assert json.loads(done.stdout)["id"] == 0
    assert done.stderr == ""


def test_files_and_stdin_alike(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(jsonl(USP), encoding="utf-8")
    from_file = subprocess.run([str(BIN / "igt-format"), str(path)], capture_output=True, check=True)
    from_stdin = subprocess.run([str(BIN / "igt-format"), "-"], input=path.read_bytes(), capture_output=True, check=True)
    assert from_file.stdout == from_stdin.stdout
    assert f"{path}" not in from_file.stderr.decode()  # a clean record gives no warning


def test_command_imports_nothing_heavy():
    code = (
        "import sys, igt_tools.commands.format as f, igt_tools.commands.parse as p\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sacrebleu', 'rich', 'jsonlines') if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
