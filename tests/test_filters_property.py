"""Property: whatever bytes come in, every model-free filter ends with records or a one-line error.

Random JSON values (huge and non-finite numbers, deep nesting, duplicate
keys), Unicode that breaks naive code (lone surrogates, escaped or raw;
control characters; combining marks; right-to-left text and overrides;
noncharacters) and random bytes go through igt-clean, igt-format (examples
and every writer that stands alone), igt-parse (every task), igt-score (as
predictions and as gold) and igt-gloss with a lexicon (as the records and
as the lexicon). Each must exit 0 with standard JSON (or its writer's text)
on stdout, or exit 1 with an error line on stderr: never a traceback, never
a non-standard number in its output. The examples are few enough for CI.
"""

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_command
from igt_tools.commands import clean, format, gloss, parse, score
from igt_tools.formats.registry import MERGEABLE, WRITABLE
from toy import PREDICTED as RECORD

# Few enough for CI (seconds); IGT_PROPERTY_EXAMPLES=2000 for a longer hunt.
EXAMPLES = int(os.environ.get("IGT_PROPERTY_EXAMPLES", 40))
GOOD = json.dumps(RECORD, ensure_ascii=False) + "\n"

# Characters that have broken text handling somewhere: the named ones, then any code point at all.
AWKWARD = [
    "\ud800", "\udfff", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\uffff", "\ufffe",
    "\u0301", "\u0308\u0308\u0308", "\u200b", "\u200d", "\u202e", "\u2067", "\u05d0\u05d1", "\u0627\u0644",
    "-", "=", "(", ")", "()", "[SEP]", "\t", "\r", " ", ".", "\U0001f600",
]
characters = st.one_of(st.sampled_from(AWKWARD), st.characters(exclude_categories=()))
text = st.lists(characters, max_size=12).map("".join)
numbers = st.one_of(st.integers(), st.floats(allow_nan=True))  # floats: NaN and infinities too
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, text),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(text, children, max_size=3)),
    max_leaves=8,
)
FIELDS = ["id", "transcription", "segmentation", "glosses", "translation", "prediction", "glottocode", "error"]
# Mostly record-shaped, so that the commands get past the first check and into their own work.
records = st.fixed_dictionaries(
    {}, optional={name: st.one_of(text, text, json_values) for name in FIELDS} | {"extra": json_values}
)


HAND_WRITTEN = [
    "[" * 5000 + "]" * 5000,
    '{"x": ' + "[" * 150 + "]" * 150 + "}",
    '{"id": 1, "id": 2}',
    '{"id": "a", "n": ' + "9" * 5000 + "}",
    '{"id": "a", "n": 1e400}',
    '{"id": "a\\ud800", "transcription": "\\udc00x"}',
]


@st.composite
def json_lines(draw):
    value = draw(st.one_of(records, records, json_values))
    line = json.dumps(value, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:  # what a JSON library may not write: written by hand
        line = draw(st.sampled_from(HAND_WRITTEN))
    return line.encode("utf-8", "surrogatepass")  # a raw lone surrogate is bytes UTF-8 refuses


lines = st.one_of(json_lines(), json_lines(), st.binary(max_size=40))
inputs = st.lists(lines, min_size=1, max_size=4).map(lambda ls: b"".join(line + b"\n" for line in ls))

TASKS = ["interleaved", "concatenated", "multitask", "gloss-only", "segment-only"]
WRITERS = [w for w in WRITABLE if w not in MERGEABLE or w == "cldf"] + [None]


def check(result, name, text_output=False):
    """Records (standard JSON, or the writer's text) with exit 0, or one error line with exit 1."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{name}: {type(result.exception).__name__}: {result.exception}\n{result.stderr}"
    )
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), (name, result.exit_code, result.output)
    if result.exit_code == 1:
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith(f"{name}: "), (name, result.stderr)
    elif not text_output:
        for line in filter(None, result.stdout.split("\n")):  # JSONL splits at \n only, not at U+0085 or U+2028
            json.loads(line, parse_constant=_refuse)  # NaN and Infinity are not JSON


def _refuse(name):
    raise AssertionError(f"{name} written: not standard JSON")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=inputs, skip=st.booleans(), task=st.sampled_from(TASKS), writer=st.sampled_from(WRITERS))
def test_every_model_free_filter_ends_with_records_or_one_error_line(tmp_path_factory, data, skip, task, writer):
    skip_bad = ["--skip-bad"] if skip else []
    check(run_command(clean.command, ["-q", *skip_bad], data), "igt-clean")
    check(run_command(format.command, [*(["--to", writer] if writer else []), *skip_bad], data), "igt-format",
          text_output=writer not in (None, "jsonl"))
    check(run_command(parse.command, ["--task", task, *skip_bad], data), "igt-parse")
    folder = tmp_path_factory.mktemp("property")
    given_file = folder / "given.jsonl"
    given_file.write_bytes(data)
    good_file = folder / "good.jsonl"
    good_file.write_text(GOOD, encoding="utf-8")
    check(run_command(score.command, ["-q", str(good_file)], data), "igt-score")  # as predictions
    check(run_command(score.command, ["-q", str(given_file)], GOOD), "igt-score")  # as gold
    check(run_command(gloss.command, ["-q", "-l", str(good_file), *skip_bad], data), "igt-gloss")
    check(run_command(gloss.command, ["-q", "-l", str(given_file), *skip_bad], GOOD), "igt-gloss")  # as the lexicon
