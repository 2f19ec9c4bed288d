"""The context unit: a word with its neighbours, translation and the lexicon's evidence
(igt_tools/examples/context.py), made into examples by igt-format and glossed by igt-gloss.

The evidence and the examples are checked against records the tests write; the
glossing logic against a decoder whose outputs the test sets (test_word_model's
`scripted`), never against what a model trained for seconds happens to write.
"""

import json

import pytest
from click.testing import CliRunner

from igt_tools.commands.format import command as format_command
from igt_tools.examples import context as wc
from igt_tools.glossing.lexicon import Lexicon


def _record(transcription, segmentation, glosses, glottocode="test1234", **more):
    return {"transcription": transcription, "segmentation": segmentation, "glosses": glosses,
            "glottocode": glottocode, **more}


def _lines(text):
    return [json.loads(line) for line in text.splitlines()]


def test_a_sentence_is_looked_up_in_the_other_sentences_only():
    records = [
        _record("abc dog", "abc dog", "A DOG"),
        _record("abc cat", "abc cat", "B CAT"),
    ]
    made = list(wc.training_examples(records, attested_share=1.0, ambiguous_share=1.0))
    first = [e for e in made if e["id"] is None and "A(abc)" == e["label"]][0]
    # abc is attested elsewhere only as B: its own sentence's A is not evidence
    assert "! B(abc) 1" in first["input"].splitlines()
    assert "A(abc)" not in first["input"]
    assert first["evidence"] == "attested"
    dog = [e for e in made if e["label"] == "DOG(dog)"][0]
    assert dog["evidence"] == "unseen"
    assert not any(line.startswith("! ") for line in dog["input"].splitlines())


def test_the_sample_keeps_every_unseen_word_and_is_the_same_each_time():
    records = [_record(f"w{n} common", f"w{n} common", f"W{n} C") for n in range(40)]
    made = list(wc.training_examples(records, attested_share=0.0, ambiguous_share=0.0))
    assert sorted(e["label"] for e in made) == sorted(f"W{n}(w{n})" for n in range(40))
    assert len(list(wc.training_examples(records, attested_share=1.0))) == 80
    # half of the attested "common" tokens: every unseen word, some of the 40 others, the
    # same ones for the same seed and other ones for another
    half = list(wc.training_examples(records, attested_share=0.5))
    common = [e["id"] for e in half if e["label"] == "C(common)"]
    assert len(half) - len(common) == 40 and 5 < len(common) < 35
    assert half == list(wc.training_examples(records, attested_share=0.5))
    assert half != list(wc.training_examples(records, attested_share=0.5, seed=1))


def test_neighbours_share_the_longest_ending_or_beginning_then_are_the_most_frequent():
    evidence = wc.Evidence({
        "walking": {("walk-ing", "walk-PROG"): 1},
        "talking": {("talk-ing", "talk-PROG"): 5},
        "sing": {("sing", "sing"): 9},
        "walked": {("walk-ed", "walk-PST"): 2},
        "jumping": {("jump-ing", "jump-PROG"): 3},
        "zzz": {("zzz", "Z"): 50},
    })
    found = evidence.neighbours("stalking", limit=4)
    # talking shares "alking" (6 letters) and is more frequent than walking; sing and jumping
    # share "ing" and come by frequency; zzz shares nothing
    assert [key for key, _ in found] == ["talking", "walking", "sing", "jumping"]
    assert found[0][1] == ("talk-ing", "talk-PROG")
    assert "walking" not in [key for key, _ in evidence.neighbours("walking")]  # never itself
    assert [key for key, _ in evidence.neighbours("walkers", limit=1)] == ["walked"]  # by its beginning


def test_the_input_names_the_language_word_neighbours_translation_and_evidence():
    lexicon = Lexicon()
    lexicon.add(_record("the dogs", "the dog-s", "DET dog-PL"))
    evidence = wc.Retrieval(lexicon).evidence("test1234")
    record = {"glottocode": "test1234", "translation": "x" * 200}
    lines = wc.context_input(["see", "the", "hogs,"], 2, record, evidence).splitlines()
    assert lines[0] == "test1234: hogs"
    assert lines[1] == "< the |  >"
    assert lines[2] == "= " + "x" * wc.TRANSLATION_BYTES
    assert lines[3:] == ["~ dogs dog(dog)-PL(s)"]  # unseen: no line of its own analyses
    attested = wc.context_input(["the"], 0, {"language": "Test"}, evidence).splitlines()
    assert attested[0] == "Test: the" and "! DET(the) 1" in attested


def test_igt_format_writes_the_librarys_examples(tmp_path):
    records = [_record("abc dog", "abc dog", "A DOG"), _record("abc cat", "abc cat", "B CAT")]
    stdin = "".join(json.dumps(r) + "\n" for r in records)
    result = CliRunner().invoke(format_command, ["--unit", "context", "--split", "train"], input=stdin)
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout) == list(wc.training_examples(records))
    lexicon = tmp_path / "lexicon.jsonl"
    lexicon.write_text(json.dumps(records[0]) + "\n")
    result = CliRunner().invoke(format_command, ["--unit", "context", "--lexicon", str(lexicon)],
                                input=json.dumps(_record("abc cow", "abc cow", "A COW")) + "\n")
    assert result.exit_code == 0, result.output
    first, second = _lines(result.stdout)
    assert "! A(abc) 1" in first["input"].splitlines() and first["label"] == "A(abc)"
    assert second["label"] == "COW(cow)"
    result = CliRunner().invoke(format_command, ["--unit", "word", "--lexicon", str(lexicon)], input=stdin)
    assert result.exit_code == 2 and "--lexicon goes with --unit context" in result.output


def test_a_misaligned_analysis_is_no_evidence_and_no_label():
    records = [_record("ab cd", "a-b cd", "A CD"), _record("ab", "a-b", "A-B")]  # a-b glossed A: misaligned
    made = list(wc.training_examples(records, attested_share=1.0, ambiguous_share=1.0))
    assert [e["label"] for e in made] == ["CD(cd)", "A(a)-B(b)"]
    assert all("A(a-b)" not in e["input"] for e in made)


# -- igt-gloss with a context model: the logic, against outputs the test sets ------------




@pytest.fixture(scope="module")
def context_model(tmp_path_factory):
    pytest.importorskip("torch")
    from toy import fresh_tiny

    from igt_tools.model.loading import save_model
    from igt_tools.model.metadata import ModelMetadata

    model, tokenizer = fresh_tiny(0)
    folder = tmp_path_factory.mktemp("context") / "model"
    save_model(model, tokenizer, folder, ModelMetadata(task="interleaved", prompts="compact", unit="context",
                                                       retrieval=wc.SETTINGS))
    return folder


def _gloss(args, records):
    from igt_tools.commands.gloss import command

    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    result = CliRunner().invoke(command, ["--device", "cpu", "--dtype", "float32", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return _lines(result.stdout)


def test_ambiguous_and_unseen_words_go_to_the_model_attested_ones_stay_on_the_fast_path(context_model, scripted, tmp_path):
    gold = [_record("ab cd", "ab cd", "A C"), _record("ab cd", "ab cd", "B C"), _record("cd", "cd", "C")]
    lexicon_file = tmp_path / "lexicon.jsonl"
    lexicon_file.write_text("".join(json.dumps(r) + "\n" for r in gold))
    lexicon = Lexicon.read([str(lexicon_file)])
    evidence = wc.Retrieval(lexicon).evidence("test1234")
    record = {"transcription": "ab cd xy", "glottocode": "test1234"}
    sentence = record["transcription"].split()

    def asked_about(n):
        return wc.context_input(sentence, n, record, evidence)

    asked = scripted({asked_about(0): ("B(ab)", -0.1), asked_about(2): ("X(xy)", -0.2)})
    choosing = ["-m", str(context_model), "-l", str(lexicon_file), "--no-guess", "--trust-choice", "-0.2"]
    (out,) = _gloss(choosing, [record])
    assert [text for text, _ in asked] == [asked_about(0), asked_about(2)]  # cd has one analysis: not asked
    assert out["glosses"] == "B C X" and out["provenance"] == ["lexicon", "lexicon", "model"]

    # an output that is not one of the attested analyses does not replace the lexicon's choice,
    # nor does one less sure than --trust-choice
    scripted({asked_about(0): ("Z(ab)", -0.1)})
    (out,) = _gloss(choosing, [record])
    assert out["glosses"] == "A C X"  # the first attested of the tie
    scripted({asked_about(0): ("B(ab)", -0.3)})
    assert _gloss(choosing, [record])[0]["glosses"] == "A C X"

    # by default ambiguous words stay with the lexicon: only the unseen one is asked about
    asked.clear()
    (out,) = _gloss(choosing[:-2], [record])
    assert [text for text, _ in asked] == [asked_about(2)] and out["glosses"] == "A C X"


def test_igt_train_records_the_retrieval_settings(tmp_path):
    from igt_tools.commands.train import command as train_command
    from igt_tools.model.metadata import ModelMetadata

    records = [_record(f"w{n} common", f"w{n} common", f"W{n} C") for n in range(6)]
    for settings in (wc.DEFAULT, wc.Settings(neighbours=5)):
        examples = tmp_path / "examples.jsonl"
        examples.write_text("".join(json.dumps(e) + "\n" for e in wc.training_examples(records, settings=settings)))
        out = tmp_path / f"m{settings.neighbours}"
        result = CliRunner().invoke(train_command, ["--init", "micro", "--out", str(out), "--max-steps", "1",
                                                    "--device", "cpu", str(examples)])
        assert result.exit_code == 0, result.output
        metadata = ModelMetadata.read(out)
        assert metadata.unit == "context" and metadata.retrieval == settings.as_dict()
    # a dev set made with other settings would measure the model on inputs it is never asked
    dev = tmp_path / "dev.jsonl"
    dev.write_text("".join(json.dumps(e) + "\n" for e in wc.training_examples(records)))
    result = CliRunner().invoke(train_command, ["--init", "micro", "--out", str(tmp_path / "mixed"), "--max-steps", "1",
                                                "--device", "cpu", "--dev", str(dev), str(examples)])
    assert result.exit_code == 1 and "different retrieval settings" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_igt_lora_and_igt_score_make_a_context_models_examples_from_records():
    from igt_tools.examples.building import for_model
    from igt_tools.model.metadata import ModelMetadata

    records = [_record("abc dog", "abc dog", "A DOG"), _record("abc cat", "abc cat", "B CAT"),
               _record("no tiers", None, None), {"input": "given", "label": "X(x)"}]
    made, left_out = for_model(records, ModelMetadata(task="interleaved", prompts="compact", unit="context"))
    # every word of the glossed records (a few sentences are all the evidence there is), examples as given
    assert sorted(e["label"] for e in made) == ["A(abc)", "B(abc)", "CAT(cat)", "DOG(dog)", "X(x)"]
    assert all(e["unit"] == "context" for e in made if e["label"] != "X(x)")
    assert left_out == {"missing tier": 1}


def test_asking_the_model_about_every_word_leaves_the_lexicon_as_evidence_only(context_model, scripted, tmp_path):
    lexicon_file = tmp_path / "lexicon.jsonl"
    lexicon_file.write_text(json.dumps(_record("cd", "cd", "C")) + "\n")
    evidence = wc.Retrieval(Lexicon.read([str(lexicon_file)])).evidence("test1234")
    record = {"transcription": "cd", "glottocode": "test1234"}
    asked = scripted({wc.context_input(["cd"], 0, record, evidence): ("D(cd)", -0.1)})
    (out,) = _gloss(["-m", str(context_model), "-l", str(lexicon_file), "--ask-model", "all", "--no-guess"], [record])
    assert len(asked) == 1 and out["glosses"] == "D" and out["provenance"] == ["model"]


def test_retrieval_settings_read_back_as_recorded_and_bad_ones_are_named():
    assert wc.Settings.from_dict(None) == wc.DEFAULT  # a model or example from before they were recorded
    assert wc.Settings.from_dict(wc.SETTINGS) == wc.DEFAULT
    assert wc.Settings.from_dict({"format": 1, "neighbours": 5}) == wc.Settings(neighbours=5)
    assert wc.Settings(neighbours=5).as_dict() == {**wc.SETTINGS, "neighbours": 5}
    for bad, named in (({"format": 2}, "format 2"), ({"neighbours": -1}, "neighbours"), ({"neighbours": "3"}, "neighbours"),
                       ({"neighbors": 3}, "neighbors"), ([3], "JSON object")):
        with pytest.raises(ValueError, match=named):
            wc.Settings.from_dict(bad)


def test_the_input_shows_as_many_similar_words_as_its_settings_say():
    lexicon = Lexicon()
    for stem in ("dog", "hog", "log", "fog"):
        lexicon.add(_record(f"{stem}s", f"{stem}-s", f"{stem}-PL"))
    evidence = wc.Retrieval(lexicon).evidence("test1234")
    record = {"glottocode": "test1234", "translation": "abcdef"}

    def shown(settings):
        lines = wc.context_input(["bogs"], 0, record, evidence, settings=settings).splitlines()
        return [line for line in lines if line.startswith("~ ")], [line for line in lines if line.startswith("= ")]

    assert len(shown(wc.DEFAULT)[0]) == 3
    assert len(shown(wc.Settings(neighbours=1))[0]) == 1
    assert shown(wc.Settings(neighbours=1))[0][0] in shown(wc.DEFAULT)[0]  # the most like it, whatever K
    assert len(shown(wc.Settings(neighbours=8))[0]) == 4  # all there are
    assert shown(wc.Settings(translation_bytes=3))[1] == ["= abc"]


def test_the_window_shows_that_many_words_each_side_and_the_whole_sentence_when_larger():
    record = {"glottocode": "test1234"}
    sentence = ["a", "b", "c", "d", "e"]

    def window_line(n, settings):
        return wc.context_input(sentence, n, record, None, settings=settings).splitlines()[1]

    assert window_line(2, wc.DEFAULT) == "< b | d >"
    assert window_line(2, wc.Settings(window=2)) == "< a b | d e >"
    assert window_line(1, wc.Settings(window=99)) == "< a | c d e >"
    assert window_line(0, wc.Settings(window=0)) == "<  |  >"
    assert wc.Settings.from_dict({"format": 1, "window": 99}) == wc.Settings(window=99)


def test_igt_format_window_writes_the_setting_into_each_example():
    records = [_record("dogs hogs logs", "dog-s hog-s log-s", "dog-PL hog-PL log-PL")]
    stdin = "".join(json.dumps(r) + "\n" for r in records)
    result = CliRunner().invoke(format_command, ["--unit", "context", "--window", "5"], input=stdin)
    assert result.exit_code == 0, result.output
    made = _lines(result.stdout)
    assert [e["input"].splitlines()[1] for e in made] == ["<  | hogs logs >", "< dogs | logs >", "< dogs hogs |  >"]
    assert all(e["retrieval"] == {**wc.SETTINGS, "window": 5} for e in made)
    refused = CliRunner().invoke(format_command, ["--window", "2"], input=stdin)
    assert refused.exit_code == 2 and "--window goes with --unit context" in refused.output


def test_igt_format_neighbours_writes_the_setting_into_each_example():
    records = [_record("dogs hogs", "dog-s hog-s", "dog-PL hog-PL"), _record("logs fogs", "log-s fog-s", "log-PL fog-PL"),
               _record("bogs", "bog-s", "bog-PL")]
    stdin = "".join(json.dumps(r) + "\n" for r in records)
    result = CliRunner().invoke(format_command, ["--unit", "context", "--split", "train", "--neighbours", "1"], input=stdin)
    assert result.exit_code == 0, result.output
    made = _lines(result.stdout)
    assert made and all(e["retrieval"] == {**wc.SETTINGS, "neighbours": 1} for e in made)
    assert all(sum(line.startswith("~ ") for line in e["input"].splitlines()) == 1 for e in made)
    result = CliRunner().invoke(format_command, ["--unit", "context", "--split", "train"], input=stdin)
    assert result.exit_code == 0, result.output
    made = _lines(result.stdout)
    assert made and all(e["retrieval"] == wc.SETTINGS for e in made)
    refused = CliRunner().invoke(format_command, ["--neighbours", "1"], input=stdin)
    assert refused.exit_code == 2 and "--neighbours goes with --unit context" in refused.output


def test_an_examples_bad_retrieval_field_is_named_with_its_line(tmp_path):
    from igt_tools.core.errors import RecordError
    from igt_tools.examples import building

    path = tmp_path / "examples.jsonl"
    good = {"input": "x", "label": "X(x)", "unit": "context", "retrieval": wc.SETTINGS}
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "retrieval": {"format": 9}}) + "\n")
    with pytest.raises(RecordError, match="format 9") as caught:
        building.read([str(path)])
    assert caught.value.line == 2


def test_examples_with_different_retrieval_settings_cannot_train_one_model():
    from igt_tools.core.errors import DataError
    from igt_tools.examples import building

    records = [_record(f"w{n} common", f"w{n} common", f"W{n} C") for n in range(6)]
    three = [building._example(e) for e in wc.training_examples(records)]
    five = [building._example(e) for e in wc.training_examples(records, settings=wc.Settings(neighbours=5))]
    old = [{**e, "retrieval": None} for e in three]  # written before the field: the defaults, not a third form
    assert building.retrieval(three) == wc.DEFAULT and building.retrieval(five) == wc.Settings(neighbours=5)
    assert building.retrieval(old) is None
    with pytest.raises(DataError, match="different retrieval settings"):
        building.retrieval(three + five)


def _context_model_with(folder, retrieval):
    from toy import fresh_tiny

    from igt_tools.model.loading import save_model
    from igt_tools.model.metadata import ModelMetadata

    model, tokenizer = fresh_tiny(0)
    save_model(model, tokenizer, folder, ModelMetadata(task="interleaved", prompts="compact", unit="context",
                                                       retrieval=retrieval))
    return folder


def test_igt_gloss_asks_a_context_model_in_the_form_it_was_trained_on(scripted, tmp_path):
    pytest.importorskip("torch")
    lexicon_file = tmp_path / "lexicon.jsonl"
    lexicon_file.write_text("".join(json.dumps(_record(f"{s}s", f"{s}-s", f"{s}-PL")) + "\n" for s in ("dog", "hog", "log")))
    evidence = wc.Retrieval(Lexicon.read([str(lexicon_file)])).evidence("test1234")
    record = {"transcription": "bogs", "glottocode": "test1234"}
    one = wc.Settings(neighbours=1)
    asked_input = wc.context_input(["bogs"], 0, record, evidence, settings=one)
    asked = scripted({asked_input: ("bog(bog)-PL(s)", -0.01)})
    folder = _context_model_with(tmp_path / "one", one.as_dict())
    (out,) = _gloss(["-m", str(folder), "-l", str(lexicon_file), "--no-guess"], [record])
    assert [text for text, _ in asked] == [asked_input] and asked_input.count("\n~ ") == 1
    assert out["glosses"] == "bog-PL" and out["provenance"] == ["model"]

    from igt_tools.commands.gloss import command

    broken = _context_model_with(tmp_path / "broken", {"format": 9})
    result = CliRunner().invoke(command, ["--device", "cpu", "-m", str(broken), "-l", str(lexicon_file)],
                                input=json.dumps(record) + "\n")
    assert result.exit_code == 1 and "format 9" in result.output and str(broken) in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_igt_lora_refuses_examples_made_with_other_retrieval_settings(tmp_path):
    pytest.importorskip("torch")
    from igt_tools.commands.lora import command

    folder = _context_model_with(tmp_path / "model", wc.SETTINGS)
    records = [_record(f"w{n} common", f"w{n} common", f"W{n} C") for n in range(6)]
    examples = tmp_path / "examples.jsonl"
    examples.write_text("".join(json.dumps(e) + "\n" for e in wc.training_examples(records, settings=wc.Settings(neighbours=5))))
    result = CliRunner().invoke(command, ["--model", str(folder), "--out", str(tmp_path / "lora"), "--max-steps", "1",
                                          "--device", "cpu", str(examples)])
    assert result.exit_code == 2 and "--neighbours 3" in result.output


def test_a_models_malformed_retrieval_settings_are_one_error_where_its_igt_tools_json_is_read(tmp_path):
    """Every command reads a model's metadata through ModelMetadata.read: igt-lora and igt-score
    refuse such a folder in one line as igt-gloss does, not with a traceback."""
    from igt_tools.core.errors import DataError
    from igt_tools.model.metadata import ModelMetadata

    ModelMetadata(unit="context", retrieval={"format": 9}).write(tmp_path)
    with pytest.raises(DataError, match="retrieval: context input format 9") as caught:
        ModelMetadata.read(tmp_path)
    assert caught.value.source == str(tmp_path / "igt_tools.json")
    ModelMetadata(unit="context", retrieval={**wc.SETTINGS, "neighbours": 5}).write(tmp_path)
    assert ModelMetadata.read(tmp_path).retrieval_settings == wc.Settings(neighbours=5)
    assert ModelMetadata(unit="context").retrieval_settings == wc.DEFAULT  # none recorded: the defaults


def test_igt_score_looks_a_context_models_words_up_in_the_lexicon_it_is_given(tmp_path):
    from igt_tools.examples.building import for_model
    from igt_tools.model.metadata import ModelMetadata

    lexicon_file = tmp_path / "lexicon.jsonl"
    lexicon_file.write_text(json.dumps(_record("abc dog", "abc dog", "A DOG")) + "\n")
    gold = [_record("abc cat", "abc cat", "A CAT", translation="a cat")]
    meta = ModelMetadata(task="interleaved", prompts="compact", unit="context", retrieval=wc.SETTINGS)
    looked_up, _ = for_model(gold, meta, split="eval", retrieval=wc.Retrieval(Lexicon.read([str(lexicon_file)])))
    # the inputs igt-format --unit context --lexicon writes, which igt-gloss asks about
    stdin = json.dumps(gold[0]) + "\n"
    written = CliRunner().invoke(format_command, ["--unit", "context", "--lexicon", str(lexicon_file)], input=stdin)
    assert written.exit_code == 0, written.output
    assert [e["input"] for e in looked_up] == [e["input"] for e in _lines(written.stdout)]
    alone, _ = for_model(gold, meta, split="eval")
    assert [e["input"] for e in alone] != [e["input"] for e in looked_up]  # "abc" is attested only in the lexicon
    assert [e["label"] for e in looked_up] == [e["label"] for e in alone] == ["A(abc)", "CAT(cat)"]


def test_igt_score_with_a_lexicon_measures_and_calibrates_against_it(context_model, tmp_path):
    import shutil

    from igt_tools.commands.score import command as score_command
    from igt_tools.model.metadata import ModelMetadata

    model = tmp_path / "model"
    shutil.copytree(context_model, model)
    lexicon_file = tmp_path / "lexicon.jsonl"
    lexicon_file.write_text("".join(json.dumps(_record(f"ab{c} dog", f"ab{c} dog", f"A{c} DOG", glottocode=code)) + "\n"
                                    for c in "cd" for code in ("test1234", "test5678")))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(_record(f"ab{c} cat", f"ab{c} cat", f"A{c} CAT", glottocode=code, id=f"{code}{c}"))
                            + "\n" for c in "cd" for code in ("test1234", "test5678")))

    def score(*args):
        result = CliRunner().invoke(score_command, [*map(str, args), str(gold), str(gold)])
        return result, (json.loads(result.stdout) if result.exit_code == 0 else None)

    measured_alone, alone = score("--model", model)
    assert "measured without a lexicon's evidence" in measured_alone.output
    calibrated, looked_up = score("--model", model, "-l", lexicon_file, "--calibrate")
    assert calibrated.exit_code == 0, calibrated.output
    assert looked_up["all"]["model"]["perplexity"] != alone["all"]["model"]["perplexity"]
    assert ModelMetadata.read(model).calibration["lexicon"] is True
    mismatched, _ = score("--model", model)
    assert "fitted with --lexicon and these perplexities are without it" in mismatched.output
    matched, _ = score("--model", model, "-l", lexicon_file)
    assert "do not apply" not in matched.output and "without a lexicon's evidence" not in matched.output

    assert score("-l", lexicon_file)[0].exit_code == 2  # --lexicon goes with --model
    sentence_model = tmp_path / "sentence"
    shutil.copytree(context_model, sentence_model)
    ModelMetadata(task="interleaved", prompts="compact", unit="sentence").write(sentence_model)
    refused, _ = score("--model", sentence_model, "-l", lexicon_file)
    assert refused.exit_code == 2 and "a sentence model" in refused.output
