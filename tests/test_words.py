"""The word unit: pairing a record's tiers word by word, lookup keys, and igt-format --unit word."""

import json
import unicodedata

from click.testing import CliRunner

from igt_tools.examples import tasks
from igt_tools.core import words
from igt_tools.commands.format import command as format_command
from igt_tools.examples import building as examples_mod

TSEZ = {
    "id": "t1",
    "glottocode": "dido1241",
    "transcription": "Retinäy debex mi yižo, kid.",
    "segmentation": "r-eti-näy mi-x mi y-iži-o kid",
    "glosses": "IV-want-CND.CVB you-AD.ESS you II-lead-IMPR girl",
}
# Punctuation kept as words of their own in every tier, as in the Lezgi files.
LEZGI = {
    "id": "l1",
    "glottocode": "lezg1247",
    "transcription": "Бакидиз , хъфена .",
    "segmentation": "баку-ди-з , хъфе-на .",
    "glosses": "Baku-ERG-DAT , go-AOR .",
}


def test_tiers_pair_as_they_stand_when_counts_agree():
    assert words.analysed_words(LEZGI) == [
        ("Бакидиз", "баку-ди-з", "Baku-ERG-DAT"),
        (",", ",", ","),
        ("хъфена", "хъфе-на", "go-AOR"),
        (".", ".", "."),
    ]


def test_tiers_pair_without_punctuation_words_otherwise():
    record = dict(TSEZ, transcription="Retinäy debex mi yižo , kid .")
    assert [w for w, _, _ in words.analysed_words(record)] == ["Retinäy", "debex", "mi", "yižo", "kid"]


def test_tiers_that_cannot_pair_give_none():
    assert words.analysed_words(dict(TSEZ, transcription="Retinäy debex")) is None
    assert words.analysed_words({"transcription": "a b"}) is None


def test_keys_ignore_normalisation_edge_punctuation_and_then_case():
    composed = "ʕAt’idä,"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert words.exact_key(decomposed) == words.exact_key(composed) == "ʕAt’idä"
    assert words.folded_key("«Kid»") == "kid"
    # apostrophes are letters in many orthographies; punctuation-only words stay whole
    assert words.exact_key("esz'") == "esz'"
    assert words.exact_key("...") == "..."


def test_trailing_punctuation_is_what_the_keys_strip_off_the_end():
    assert words.trailing_punctuation("boƛik’no.") == "."
    assert words.trailing_punctuation("«kid»,") == "»,"
    assert words.trailing_punctuation("esz'") == ""  # an apostrophe is a letter
    assert words.trailing_punctuation("kid") == ""
    assert words.trailing_punctuation("...") == ""  # a punctuation-only word is kept whole


def test_segmentation_is_written_in_the_input_form():
    nfd = unicodedata.normalize("NFD", "bɔ́")
    assert words.in_form_of("bɔ́-a", nfd) == unicodedata.normalize("NFD", "bɔ́-a")
    assert words.in_form_of("bɔ́-a", "bɔ́") == "bɔ́-a"


def _format(args, *records):
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    result = CliRunner().invoke(format_command, args, input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_format_word_unit_writes_one_example_per_word():
    out = _format(["--unit", "word", "--split", "train"], TSEZ, LEZGI)
    assert [e["input"] for e in out] == [
        "dido1241: Retinäy", "dido1241: debex", "dido1241: mi", "dido1241: yižo", "dido1241: kid",
        "lezg1247: Бакидиз", "lezg1247: хъфена",
    ]
    assert out[0]["label"] == "IV(r)-want(eti)-CND.CVB(näy)"
    assert out[3]["label"] == "II(y)-lead(iži)-IMPR(o)"
    assert {(e["unit"], e["task"]) for e in out} == {("word", "interleaved")}
    assert [e["word"] for e in out[:3]] == [0, 1, 2]


def test_format_word_unit_distinct_keeps_first_occurrences():
    twice = dict(TSEZ, id="t2")
    assert len(_format(["--unit", "word", "--split", "train"], TSEZ, twice)) == 10
    out = _format(["--unit", "word", "--split", "train", "--distinct"], TSEZ, twice)
    assert len(out) == 5 and {e["id"] for e in out} == {"t1"}
    # within one record too
    out = _format(["--unit", "word", "--split", "train", "--distinct"],
                  dict(TSEZ, transcription="mi mi", segmentation="mi mi", glosses="you you"))
    assert [e["input"] for e in out] == ["dido1241: mi"]


def test_format_word_unit_eval_split_without_tiers_has_null_labels():
    out = _format(["--unit", "word"], {"id": 1, "transcription": "a b, ."})
    assert [(e["input"], e["label"]) for e in out] == [("und: a", None), ("und: b", None)]


def test_format_word_unit_reports_records_whose_words_cannot_pair():
    bad = dict(TSEZ, id="bad", transcription="Retinäy")
    result = CliRunner().invoke(format_command, ["--unit", "word", "--split", "train"],
                                input=json.dumps(bad) + "\n")
    assert result.exit_code == 0 and result.stdout == ""
    assert "cannot be paired" in result.stderr


def test_format_word_unit_refuses_other_tasks():
    result = CliRunner().invoke(format_command, ["--unit", "word", "--task", "multitask"], input="")
    assert result.exit_code == 2 and "word unit" in result.output


def test_training_examples_say_their_unit():
    examples = [{"input": e["input"], "label": e["label"], "glottocode": None, "task": e["task"], "unit": e["unit"]}
                for e in tasks.build_word_examples(TSEZ, "train")]
    assert examples_mod.unit(examples) == "word"
    assert examples_mod.prompt_set(examples) == "compact"
    sentence = [dict(e, unit="sentence", input="i: x") for e in examples]
    assert examples_mod.unit(sentence) == "sentence"
