"""The interleaved parser (igt_tools.core.interleaved) and igt-parse, the command around it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import jsonl, output_records, run_command
from hypothesis import given
from hypothesis import strategies as st

from igt_tools.core import interleaved, tokens
from igt_tools.commands.parse import command

BIN = Path(sys.executable).parent


# --- building labels ------------------------------------------------------------------


def test_make_label_from_the_reference():
    label = interleaved.make_label("o sey x-tok r-ixoqiil", "CONJ sea COM-buscar E3S-esposa")
    assert label == "CONJ(o) sea(sey) COM(x)-buscar(tok) E3S(r)-esposa(ixoqiil)"


def test_label_takes_boundaries_from_the_glosses_and_drops_punctuation_words():
    assert interleaved.make_label("a=b , c", "A-B C .") == "A(a)-B(b) C(c)"


@pytest.mark.parametrize(
    "segmentation, glosses, where",
    [("a b", "A", "2 segmentation words but 1 gloss words"), ("a-b c", "A C", "word 1")],
)
def test_misaligned_tiers_make_no_label(segmentation, glosses, where):
    with pytest.raises(interleaved.Misaligned, match=where):
        interleaved.make_label(segmentation, glosses)


# --- parsing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "output, segmentation, glosses",
    [
        ("CONJ(o) sea(sey) COM(x)-buscar(tok)", "o sey x-tok", "CONJ sea COM-buscar"),
        ("he(/himself)(a)-ERG(b)", "a-b", "he(/himself)-ERG"),  # parentheses inside a gloss
        ("the(NOM(der)-SG)(x)", "der-x", "the(NOM-SG)"),  # a gloss word bracketing across its boundary
        ("X((a))", "(a)", "X"),  # parentheses inside a morpheme
        ("()-3S(ee)", "-ee", "-3S"),  # an empty slot on both tiers
        ("A(a)=B(b)", "a=b", "A=B"),
        ("  A(a)\n B(b)  ", "a b", "A B"),
        ("", "", ""),
    ],
)
def test_parse_clean_outputs(output, segmentation, glosses):
    parsed = interleaved.parse(output)
    assert (parsed.segmentation, parsed.glosses, parsed.malformed, parsed.problems) == (segmentation, glosses, 0, [])


@pytest.mark.parametrize(
    "output, segmentation, glosses, malformed",
    [
        ("CONJ(o) sea", "o ", "CONJ sea", 1),  # no (morpheme): a gloss with an empty morpheme
        ("A(a)-B", "a-", "A-B", 1),
        ("(a)-B(b)", "a-b", "-B", 1),  # a morpheme with no gloss
        ("A(a", "", "A(a", 1),
        ("A(a)-", "a-", "A-", 1),
        ("A)(", "", "A)(", 1),
        ("A() B(b)", " b", "A B", 1),  # an empty morpheme: the segmentation has a word fewer
        ("A()-B(b)", "-b", "A-B", 1),
    ],
)
def test_parse_malformed_outputs_gives_the_best_reading(output, segmentation, glosses, malformed):
    parsed = interleaved.parse(output)
    assert (parsed.segmentation, parsed.glosses, parsed.malformed) == (segmentation, glosses, malformed)
    assert len(parsed.problems) == malformed


def test_unbalanced_pieces_are_read_so_that_the_lines_balance():
    # ODIN brackets across morphemes: segmentation "(r-k'i)" glossed "E3S-SREL".
    label = interleaved.make_label("(r-k'i) k'omon", "E3S-SREL acostumbrarse")
    assert label == "E3S((r)-SREL(k'i)) acostumbrarse(k'omon)"
    parsed = interleaved.parse(label)
    assert (parsed.segmentation, parsed.glosses) == ("(r-k'i) k'omon", "E3S-SREL acostumbrarse")
    # and across words: Uspanteko "(ante pasa)" glossed "??? ???"
    parsed = interleaved.parse(interleaved.make_label("maq (ante pasa) taq", "ART ??? ??? PL"))
    assert (parsed.segmentation, parsed.glosses) == ("maq (ante pasa) taq", "ART ??? ??? PL")


def test_degenerate_outputs_parse_quickly_enough_to_finish():
    # Many ambiguous pieces: the search falls back to each piece's own best reading.
    output = " ".join(["x((y)"] * 3000) + " " + "(" * 5000 + ")"
    parsed = interleaved.parse(output)
    assert len(parsed.segmentation.split(" ")) == 3001


# --- what the format can and cannot represent -------------------------------------------


def test_representable():
    assert interleaved.representable("o x-tok", "CONJ COM-buscar") == (True, None)
    assert interleaved.representable("vas=tu", "go-you") == (False, interleaved.BOUNDARY_MISMATCH)
    # Label `X(((a)`: gloss `X(` over `(a`, or `X` over `((a`, or `X((` over `a`? The last balances a line.
    assert interleaved.representable("(a b", "X( Y") == (False, interleaved.UNBALANCED_PARENTHESES)
    assert interleaved.representable("(a b)", "X Y") == (True, None)  # the lines balance: resolved
    assert interleaved.representable("(a=b", "X(-Y") == (False, "boundary-mismatch+unbalanced-parentheses")
    with pytest.raises(interleaved.Misaligned):
        interleaved.representable("a b", "A")


# --- properties -------------------------------------------------------------------------

LETTERS = st.text(st.characters(blacklist_categories=("Z", "C", "P"), blacklist_characters="-=()"), min_size=1, max_size=4)
ANY_CHARS = st.text(st.characters(blacklist_categories=("Z", "C"), blacklist_characters="-="), max_size=5)


def _balanced():
    return st.recursive(
        st.text(st.characters(blacklist_categories=("Z", "C"), blacklist_characters="-=()"), max_size=3),
        lambda inner: st.lists(st.one_of(inner, inner.map(lambda t: f"({t})")), max_size=3).map("".join),
        max_leaves=6,
    )


def _tiers(piece):
    """(segmentation, glosses) with aligned words; every word holds a letter so none is punctuation-only."""
    slot = st.tuples(piece, piece)
    word = st.tuples(LETTERS, st.lists(st.tuples(st.sampled_from("-="), slot), max_size=3), slot)

    def build(words):
        seg_words, gloss_words = [], []
        for letter, rest, (first_m, first_g) in words:
            morphs, glosses, seps = [letter + first_m], [letter + first_g], []
            for sep, (m, g) in rest:
                seps.append(sep)
                morphs.append(m)
                glosses.append(g)
            seg_words.append(interleaved.join_keep(morphs, seps))
            gloss_words.append(interleaved.join_keep(glosses, seps))
        return " ".join(seg_words), " ".join(gloss_words)

    return st.lists(word, min_size=1, max_size=5).map(build)


@given(_tiers(_balanced()))
def test_round_trip_of_aligned_tiers_with_balanced_pieces(tiers):
    segmentation, glosses = tiers
    parsed = interleaved.parse(interleaved.make_label(segmentation, glosses))
    assert (parsed.segmentation, parsed.glosses) == (segmentation, glosses)
    assert interleaved.representable(segmentation, glosses) == (True, None)


@given(_tiers(ANY_CHARS))
def test_round_trip_fails_only_for_a_reported_class(tiers):
    segmentation, glosses = tiers
    parsed = interleaved.parse(interleaved.make_label(segmentation, glosses))
    ok, why = interleaved.representable(segmentation, glosses)
    assert ok == ((parsed.segmentation, parsed.glosses) == (segmentation, glosses))
    if not ok:
        assert why == interleaved.UNBALANCED_PARENTHESES  # boundaries always agree here
        pieces = [t for morphs, gl, _ in interleaved.aligned_words(segmentation, glosses) for t in morphs + gl]
        assert not all(interleaved.is_balanced(t) for t in pieces)


@given(st.text())
def test_parser_never_fails_and_its_tiers_always_align(text):
    parsed = interleaved.parse(text)
    seg_words, gloss_words = parsed.segmentation.split(" "), parsed.glosses.split(" ")
    assert len(seg_words) == len(gloss_words) == max(len(text.split()), 1)
    for seg_word, gloss_word in zip(seg_words, gloss_words):
        assert interleaved.split_keep(seg_word)[1] == interleaved.split_keep(gloss_word)[1]


@given(st.text(alphabet="ab()-= ", max_size=40))
def test_parser_on_bracket_soup(text):
    parsed = interleaved.parse(text)
    assert parsed.malformed == len(parsed.problems)


# --- igt-parse -----------------------------------------------------------------------------


def run(args, stdin):
    return run_command(command, args, stdin)


def test_parse_command_sets_tiers_and_malformed_and_keeps_other_fields():
    result = run(
        [],
        jsonl(
            {"id": 1, "prediction": "CONJ(o) COM(x)-buscar(tok)", "glosses": "gold, replaced", "extra": [1, 2]},
            {"id": 2, "prediction": "CONJ(o) COM"},
        ),
    )
    assert result.exit_code == 0, result.stderr
    first, second = output_records(result)
    assert first == {
        "id": 1,
        "prediction": "CONJ(o) COM(x)-buscar(tok)",
        "glosses": "CONJ COM-buscar",
        "extra": [1, 2],
        "segmentation": "o x-tok",
        "malformed": 0,
    }
    assert (second["segmentation"], second["glosses"], second["malformed"]) == ("o ", "CONJ COM", 1)
    assert "2 records parsed, 1 with malformed output (1 malformed pieces)" in result.stderr


def test_parse_command_field_option():
    result = run(["--field", "raw"], jsonl({"raw": "A(a)"}))
    assert output_records(result)[0]["segmentation"] == "a"


@pytest.mark.parametrize(
    "task, prediction, segmentation, glosses",
    [
        ("concatenated", "a-b\nGlosses: A-B", "a-b", "A-B"),
        ("multitask", {"t2g": "A-B", "t2s": "a-b"}, "a-b", "A-B"),
        ("gloss-only", "A-B", None, "A-B"),
        ("gloss-only", {"t2g": "A-B"}, None, "A-B"),
        ("segment-only", "a-b", "a-b", None),
        ("interleaved", {"interleaved": "A(a)-B(b)"}, "a-b", "A-B"),
    ],
)
def test_parse_command_tasks(task, prediction, segmentation, glosses):
    result = run(["--task", task], jsonl({"id": 1, "segmentation": "gold", "prediction": prediction}))
    assert result.exit_code == 0, result.stderr
    (record,) = output_records(result)
    assert (record["segmentation"], record["glosses"], record["malformed"]) == (segmentation, glosses, 0)


@pytest.mark.parametrize(
    "args, record, message",
    [
        ([], {"id": 1}, '<stdin>:2: missing field "prediction"'),
        ([], {"prediction": 3}, 'field "prediction" must be a string or an object {"interleaved": string}'),
        (["--task", "multitask"], {"prediction": "A"}, '{"t2g": string, "t2s": string} for --task multitask'),
        (["--task", "multitask"], {"prediction": {"t2g": "A"}}, "for --task multitask"),
        ([], {"prediction": "A(a)", "glosses": 5}, 'field "glosses" must be a string or null'),
    ],
)
def test_parse_command_bad_records(args, record, message):
    result = run(args, jsonl({"prediction": "A(a)"}, record))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_parse_command_skip_bad_goes_on(tmp_path):
    aside = tmp_path / "bad.jsonl"
    result = run(["--bad-out", str(aside)], jsonl({"id": 1}, {"id": 2, "prediction": "A(a)"}) + "not json\n")
    assert result.exit_code == 0
    assert [r["id"] for r in output_records(result)] == [2]
    assert aside.read_text().splitlines() == ['{"id": 1}', "not json"]


def test_parse_command_empty_input_and_usage_errors():
    assert run([], "").exit_code == 1
    assert run(["--task", "nope"], "").exit_code == 2


def test_format_then_parse_gives_back_the_tiers_through_real_pipes(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        jsonl(
            {"id": 1, "transcription": "o xtok", "segmentation": "o x-tok", "glosses": "CONJ COM-buscar"},
            {"id": 2, "transcription": "Où vas?", "segmentation": "Où va-s ?", "glosses": "where(/whither) go-2SG"},
        ),
        encoding="utf-8",
    )
    examples = subprocess.run([str(BIN / "igt-format"), str(gold)], capture_output=True, check=True).stdout
    # A perfect model: its prediction is the label.
    predictions = "".join(
        json.dumps({"id": e["id"], "prediction": e["label"]}) + "\n" for e in map(json.loads, examples.splitlines())
    )
    parsed = subprocess.run([str(BIN / "igt-parse")], input=predictions.encode(), capture_output=True, check=True)
    back = [json.loads(line) for line in parsed.stdout.splitlines()]
    assert [(r["segmentation"], r["glosses"]) for r in back] == [
        ("o x-tok", "CONJ COM-buscar"),
        ("Où va-s", "where(/whither) go-2SG"),
    ]
    assert " ".join(tokens.words("Où va-s ?")) == "Où va-s"
    assert b"none malformed" in parsed.stderr
