"""igt-gloss with a word-unit model: words glossed one by one, the lexicon first, sentences reassembled;
and the decoder's per-input output caps.

The model is a very small ByT5 trained for a few seconds on `ABC(abc)` for the
word input `und: abc`. What such a model writes depends on the versions of
torch and transformers, so the tests of igt-gloss's logic script the model's
outputs (the `scripted` fixture); the decoder's own tests hold for any output.
"""

import json

import pytest

from conftest import PINNED, import_installed, output_records, run_command

torch = import_installed("torch")
transformers = import_installed("transformers")

from igt_tools.examples import tasks  # noqa: E402
from igt_tools.commands.gloss import command  # noqa: E402
from igt_tools.model.generation import DecodeSettings, Decoder  # noqa: E402
from igt_tools.model.loading import load_model, save_model  # noqa: E402
from igt_tools.model.metadata import ModelMetadata  # noqa: E402
from igt_tools.glossing.word import word_output_limit  # noqa: E402


def _word_input(word):
    return tasks.word_input(word, {})


def _gloss(args, records):
    result = run_command(command, [*PINNED, *args], records=records, exit_code=0)
    return output_records(result), result.stderr


def test_each_word_is_glossed_alone_and_sentences_reassembled(word_model, scripted):
    asked = scripted({
        _word_input("abc"): ("X(a)-Y(bc)", -0.25),
        _word_input("de"): ("D(de)", -0.5),
        # a well-formed analysis, but longer than f's output cap: cut there, it is no analysis
        _word_input("f"): ("F" * word_output_limit("f") + "(f)", -0.5),
    })
    records = [{"id": 1, "transcription": "abc, de f.", "extra": True}, {"id": 2, "transcription": "de"}]
    out, stderr = _gloss(["-m", str(word_model)], records)
    assert [r["id"] for r in out] == [1, 2] and out[0]["extra"] is True
    # each distinct word decoded once, alone, under its own output cap
    assert sorted(asked) == sorted((_word_input(w), word_output_limit(w)) for w in ("abc", "de", "f"))
    first, second = out
    assert first["provenance"] == ["model", "model", "none"]
    # the words' analyses side by side (punctuation-only words are not glossed), f's the empty one
    assert (first["segmentation"], first["glosses"]) == ("a-bc de f", "X-Y D ???")
    assert (second["segmentation"], second["glosses"], second["provenance"]) == ("de", "D", ["model"])
    assert "0 lexicon, 0 analogy, 3 model, 1 none" in stderr


def test_an_output_cut_at_its_cap_is_no_analysis_however_sure_and_readable(word_model, scripted, tmp_path):
    # a loop: every piece well formed, each token sure, but the output never ends
    loop = "-".join(["E(e)"] * word_output_limit("zabc"))
    scripted({_word_input("ee"): (loop, -0.01), _word_input("zabc"): (loop, -0.01)})
    out, _ = _gloss(["-m", str(word_model)], [{"transcription": "ee"}])
    # nothing to stand in: the word unglossed, the output counted malformed
    assert (out[0]["segmentation"], out[0]["glosses"], out[0]["provenance"]) == ("ee", "???", ["none"])
    assert out[0]["malformed"] == 1
    # analogy's guess stands in, as for an output the model is unsure of
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "xabc", "segmentation": "x-abc", "glosses": "X-Y"}) + "\n")
    out, _ = _gloss(["-m", str(word_model), "-l", str(lexicon)], [{"transcription": "zabc"}])
    assert (out[0]["segmentation"], out[0]["glosses"], out[0]["provenance"]) == ("z-abc", "???-Y", ["analogy"])


def test_the_lexicon_goes_first_and_the_model_fills_the_rest(word_model, scripted, tmp_path):
    asked = scripted({_word_input("de"): ("D(d)-E(e)", -0.25)})
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "abc", "segmentation": "a-bc", "glosses": "X-Y"}) + "\n")
    out, _ = _gloss(["-m", str(word_model), "-l", str(lexicon)], [{"transcription": "abc de"}])
    assert out[0]["provenance"] == ["lexicon", "model"]
    assert (out[0]["segmentation"], out[0]["glosses"]) == ("a-bc d-e", "X-Y D-E")
    assert [text for text, _ in asked] == [_word_input("de")]  # the lexicon's word is not decoded


def test_a_word_model_decodes_greedily_unless_told_and_a_sentence_model_with_two_beams(word_model, tmp_path):
    from igt_tools.commands.gloss import _model_glosser

    model, tokenizer, _ = load_model(word_model)
    sentence_model = tmp_path / "sentence"
    save_model(model, tokenizer, sentence_model, ModelMetadata(task="interleaved", prompts="compact", unit="sentence"))

    def beams(folder, asked):
        _, decoder = _model_glosser(str(folder), None, None, "frequent", None, None, asked, 40, None, None,
                                    "cpu", "float32", False, False)
        return decoder.settings.beams

    assert (beams(word_model, None), beams(word_model, 3)) == (1, 3)
    assert (beams(sentence_model, None), beams(sentence_model, 1)) == (2, 1)


def test_confidence_is_over_the_model_words(word_model, scripted, tmp_path):
    scripted({
        _word_input("abc"): ("X(a)-Y(bc)", -0.125),  # 10 tokens and the end token
        _word_input("de"): ("D(de)", -0.5),  # 5 and the end token
        _word_input("f"): ("FFF", -2.0),  # no analysis: the word is the model's in no way
    })
    out, _ = _gloss(["-m", str(word_model), "--confidence"], [{"transcription": "abc de f"}])
    assert out[0]["provenance"] == ["model", "model", "none"]
    # the mean log-probability of every token of the outputs taken, not a mean of their means
    assert out[0]["confidence"] == pytest.approx((11 * -0.125 + 6 * -0.5) / 17)
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "abc", "segmentation": "a-bc", "glosses": "X-Y"}) + "\n")
    out, _ = _gloss(["-m", str(word_model), "--confidence", "-l", str(lexicon)], [{"transcription": "abc de f"}])
    assert out[0]["provenance"] == ["lexicon", "model", "none"]
    assert out[0]["confidence"] == pytest.approx(-0.5)  # the lexicon's words are attested, not predicted


def test_decoder_output_caps_equal_generate_with_that_limit(word_model):
    model, tokenizer, _ = load_model(word_model)
    inputs = [tokenizer(tasks.word_input(w, {})).input_ids for w in ("abcd", "ab", "fed", "c")]
    for beams in (1, 2):
        decoder = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=40))
        capped = decoder.decode(inputs, limits=[3, 40, 5, 2])
        for ids, limit, hypothesis in zip(inputs, [3, 40, 5, 2], capped):
            out = model.generate(input_ids=torch.tensor([ids]), num_beams=beams, do_sample=False, max_new_tokens=limit)
            expected = out[0, 1:].tolist()
            # `ended`: the end token came (Hugging Face's output has it), not the cap
            got = hypothesis.tokens + ([1] if hypothesis.ended else [])
            assert got == expected and hypothesis.length <= limit
    # the caps bite whatever the weights write: greedy, a cap under an output's own length cuts it there
    greedy = Decoder(model, DecodeSettings(beams=1, max_new_tokens=40))
    for ids, whole in zip(inputs, greedy.decode(inputs)):
        cut = greedy.decode([ids], limits=[whole.length - 1])[0] if whole.length > 1 else whole
        assert cut.tokens == whole.tokens[: whole.length - 1] and cut.length == max(1, whole.length - 1)


def test_a_sentence_models_words_fill_the_words_the_lexicon_lacks_position_by_position():
    from igt_tools.glossing.sentence import SentenceGlosser
    from igt_tools.core.interleaved import Parse
    from igt_tools.glossing.lexicon import Lexicon

    lexicon = Lexicon()
    lexicon.add({"transcription": "abc , x", "segmentation": "a-bc , x", "glosses": "X-Y , Z"})
    glosser = SentenceGlosser(None, None, "interleaved", "compact", 1024, lexicon=lexicon)
    record = {"transcription": "abc , de"}
    # one model word per input word (punctuation aside): the lexicon's "abc" and ",", the model's "de"
    merged = glosser._with_lexicon(record, Parse("ab-c d-e", "P-Q D-E"))
    assert merged == ("a-bc , d-e", "X-Y , D-E", ["lexicon", "lexicon", "model"], [None, None, None])  # no scores
    # a word count the input's words do not match: the model's words cannot be placed
    assert glosser._with_lexicon(record, Parse("d-e", "D-E")) == ("a-bc , de", "X-Y , ???",
                                                                   ["lexicon", "lexicon", "none"], [None] * 3)


def test_a_word_is_decoded_once_across_chunks(word_model):
    from igt_tools.core.io import Location
    from igt_tools.glossing.word import WordGlosser

    model, tokenizer, _ = load_model(word_model)
    decoder = Decoder(model, DecodeSettings(beams=2, max_new_tokens=40))
    decoded = []
    decode = decoder.decode_and_score
    decoder.decode_and_score = lambda inputs, **kw: decoded.append(sum(kw["decode"])) or decode(inputs, **kw)
    glosser = WordGlosser(None, "frequent", decoder=decoder, tokenizer=tokenizer)
    first = glosser.gloss([(Location("-", 1), {"transcription": "abc de abc"})])
    second = glosser.gloss([(Location("-", 2), {"transcription": "de abc"})])
    assert decoded == [2]  # abc and de, once, in the first chunk
    (one,), (two,) = first, second
    assert two["glosses"].split() == one["glosses"].split()[1:]


def test_a_word_of_the_translation_is_not_asked_about(word_model, scripted, tmp_path):
    asked = scripted({_word_input("de"): ("D(de)", -0.25), _word_input("Mary"): ("M(ma)-RY(ry)", -0.25)})
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "abc", "segmentation": "a-bc", "glosses": "X-Y"}) + "\n")
    records = [{"transcription": "abc de Mary.", "translation": "Mary saw them."}]
    (out,), _ = _gloss(["-m", str(word_model), "-l", str(lexicon)], records)
    assert (out["segmentation"], out["glosses"]) == ("a-bc de Mary", "X-Y D Mary")
    assert out["provenance"] == ["lexicon", "model", "analogy"]
    assert [text for text, _ in asked] == [_word_input("de")]
    asked.clear()
    (out,), _ = _gloss(["-m", str(word_model), "-l", str(lexicon), "--no-translation-stems"], records)
    assert out["glosses"] == "X-Y D M-RY" and sorted(t for t, _ in asked) == sorted(_word_input(w) for w in ("de", "Mary"))
    asked.clear()  # asked about every word (to measure the model), the model is asked about it too
    (out,), _ = _gloss(["-m", str(word_model), "-l", str(lexicon), "--ask-model", "all"],
                       [{"transcription": "de Mary.", "translation": "Mary saw them."}])
    assert out["glosses"] == "D M-RY" and sorted(t for t, _ in asked) == sorted(_word_input(w) for w in ("de", "Mary"))


def test_the_model_wins_over_analogy_only_where_it_is_sure(word_model, scripted, tmp_path):
    scripted({_word_input("yyabc"): ("YY(yy)-ABC(abc)", -0.25)})  # the model's confidence: -0.25
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "xxabc", "segmentation": "xx-abc", "glosses": "Q-R"}) + "\n")
    records = [{"transcription": "yyabc"}]  # unseen; analogy: yy-abc ???-R
    base = ["-m", str(word_model), "-l", str(lexicon)]

    def trusting(threshold):
        (record,), _ = _gloss([*base, "--trust-model", str(threshold)], records)
        return record["provenance"], record["segmentation"], record["glosses"]

    analogy, model = (["analogy"], "yy-abc", "???-R"), (["model"], "yy-abc", "YY-ABC")
    assert trusting(1) == trusting(-0.2) == analogy  # the model is less sure than asked
    assert trusting(-0.25) == trusting(-1e9) == model  # as sure as asked, or more
    (model_alone,), _ = _gloss(["-m", str(word_model)], records)
    assert (model_alone["provenance"], model_alone["segmentation"], model_alone["glosses"]) == model
