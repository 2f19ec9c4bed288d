"""igt-gloss with a word-unit model: words glossed one by one, the lexicon first, sentences reassembled;
and the decoder's per-input output caps.

The model is a very small ByT5 trained for a few seconds to write `ABC(abc)`
for the word input `und: abc`.
"""

import json
import random

import pytest

from conftest import import_installed

torch = import_installed("torch")
transformers = import_installed("transformers")

from click.testing import CliRunner  # noqa: E402

from igt_tools import tasks  # noqa: E402
from igt_tools.commands.gloss import command  # noqa: E402
from igt_tools.model.generation import DecodeSettings, Decoder  # noqa: E402
from igt_tools.model.loading import load_model, save_model  # noqa: E402
from igt_tools.model.metadata import ModelMetadata  # noqa: E402
from igt_tools.word_glosser import parse_word, word_output_limit  # noqa: E402

PINNED = ["--device", "cpu", "--dtype", "float32"]
LETTERS = "abcdef"


def _word(rng):
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 4)))


@pytest.fixture(scope="module")
def word_model(tmp_path_factory):
    from test_gloss import fit, fresh_tiny

    model, tokenizer = fresh_tiny(0)
    rng = random.Random(0)
    batches = ([[tasks.word_input(w, {}) for w in words], [f"{w.upper()}({w})" for w in words]]
               for words in ([_word(rng) for _ in range(16)] for _ in range(60)))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    fit(model, tokenizer, batches)
    torch.set_num_threads(threads)
    folder = tmp_path_factory.mktemp("word") / "model"
    save_model(model, tokenizer, folder, ModelMetadata(task="interleaved", prompts="compact", unit="word"))
    return folder


def _gloss(args, records):
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    result = CliRunner().invoke(command, [*PINNED, *args], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def _alone(model, tokenizer, word, beams=1, max_new_tokens=1024):
    decoder = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=max_new_tokens))
    (hypothesis,) = decoder.decode([tokenizer(tasks.word_input(word, {})).input_ids])
    return tokenizer.decode(hypothesis.tokens, skip_special_tokens=True)


def test_each_word_is_glossed_alone_and_sentences_reassembled(word_model):
    model, tokenizer, _ = load_model(word_model)
    records = [{"id": 1, "transcription": "abc, de f.", "extra": True}, {"id": 2, "transcription": "de"}]
    out, stderr = _gloss(["-m", str(word_model)], records)
    assert [r["id"] for r in out] == [1, 2] and out[0]["extra"] is True
    first = out[0]
    # each word decoded alone, under its own output cap
    outputs = [_alone(model, tokenizer, w, max_new_tokens=word_output_limit(w)) for w in ("abc", "de", "f")]
    parsed = [parse_word(o) for o in outputs]
    made = [bool(seg and gloss) for seg, gloss, _ in parsed]
    assert sum(made) >= 2  # the test means something only if the model writes analyses
    assert first["provenance"] == ["model" if ok else "none" for ok in made]
    assert first["segmentation"].split() == [seg if ok else w for (seg, _, _), ok, w in zip(parsed, made, ("abc", "de", "f"))]
    assert first["glosses"].split() == [gloss if ok else "???" for (_, gloss, _), ok in zip(parsed, made)]
    assert f"0 lexicon, 0 analogy, {sum(made) + 1} model, {3 - sum(made)} none" in stderr


def test_the_lexicon_goes_first_and_the_model_fills_the_rest(word_model, tmp_path):
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "abc", "segmentation": "a-bc", "glosses": "X-Y"}) + "\n")
    out, _ = _gloss(["-m", str(word_model), "-l", str(lexicon)], [{"transcription": "abc de"}])
    assert out[0]["provenance"] == ["lexicon", "model"]
    assert out[0]["segmentation"].startswith("a-bc ") and out[0]["glosses"].startswith("X-Y ")


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


def test_confidence_is_over_the_model_words(word_model):
    out, _ = _gloss(["-m", str(word_model), "--confidence"], [{"transcription": "abc de"}])
    assert out[0]["confidence"] < 0


def test_decoder_output_caps_equal_generate_with_that_limit(word_model):
    model, tokenizer, _ = load_model(word_model)
    inputs = [tokenizer(tasks.word_input(w, {})).input_ids for w in ("abcd", "ab", "fed", "c")]
    for beams in (1, 2):
        decoder = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=40))
        capped = decoder.decode(inputs, limits=[3, 40, 5, 2])
        for ids, limit, hypothesis in zip(inputs, [3, 40, 5, 2], capped):
            out = model.generate(input_ids=torch.tensor([ids]), num_beams=beams, do_sample=False, max_new_tokens=limit)
            expected = out[0, 1:].tolist()
            got = hypothesis.tokens + ([1] if hypothesis.length > len(hypothesis.tokens) else [])
            assert got == expected and hypothesis.length <= limit
        # the caps bite: some output is cut short
        assert any(h.length == 3 for h in capped[:1])


def test_a_sentence_models_words_fill_the_words_the_lexicon_lacks_position_by_position():
    from igt_tools.commands.gloss import Glosser
    from igt_tools.interleaved import Parse
    from igt_tools.lexicon import Lexicon

    lexicon = Lexicon()
    lexicon.add({"transcription": "abc , x", "segmentation": "a-bc , x", "glosses": "X-Y , Z"})
    glosser = Glosser(None, None, "interleaved", "compact", 1024, lexicon=lexicon)
    record = {"transcription": "abc , de"}
    # one model word per input word (punctuation aside): the lexicon's "abc" and ",", the model's "de"
    merged = glosser._with_lexicon(record, Parse("ab-c d-e", "P-Q D-E"))
    assert merged == ("a-bc , d-e", "X-Y , D-E", ["lexicon", "lexicon", "model"], [None, None, None])  # no scores
    # a word count the input's words do not match: the model's words cannot be placed
    assert glosser._with_lexicon(record, Parse("d-e", "D-E")) == ("a-bc , de", "X-Y , ???",
                                                                   ["lexicon", "lexicon", "none"], [None] * 3)


def test_a_word_is_decoded_once_across_chunks(word_model):
    from igt_tools.commands.gloss import error_record, output_record
    from igt_tools.io import Location
    from igt_tools.word_glosser import WordGlosser

    model, tokenizer, _ = load_model(word_model)
    decoder = Decoder(model, DecodeSettings(beams=2, max_new_tokens=40))
    decoded = []
    decode = decoder.decode
    decoder.decode = lambda inputs, **kw: decoded.append(len(inputs)) or decode(inputs, **kw)
    glosser = WordGlosser(None, "frequent", output_record, error_record, decoder=decoder, tokenizer=tokenizer)
    first = glosser.gloss([(Location("-", 1), {"transcription": "abc de abc"})])
    second = glosser.gloss([(Location("-", 2), {"transcription": "de abc"})])
    assert decoded == [2]  # abc and de, once, in the first chunk
    (one,), (two,) = first, second
    assert two["glosses"].split() == one["glosses"].split()[1:]


def test_the_model_wins_over_analogy_only_where_it_is_sure(word_model, tmp_path):
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "xxabc", "segmentation": "xx-abc", "glosses": "Q-R"}) + "\n")
    records = [{"transcription": "yyabc"}]  # unseen; analogy: yy-abc ???-R
    base = ["-m", str(word_model), "-l", str(lexicon)]
    (never,), _ = _gloss([*base, "--trust-model", "1"], records)  # no log-probability reaches 1
    assert never["provenance"] == ["analogy"] and never["glosses"] == "???-R"
    (always,), _ = _gloss([*base, "--trust-model", "-1e9"], records)
    (model_alone,), _ = _gloss(["-m", str(word_model)], records)
    assert always["provenance"] == model_alone["provenance"] == ["model"]
    assert always["glosses"] == model_alone["glosses"]
