"""Per-token and per-word confidence: the decoder's token scores, igt-gloss's `word_confidence`."""

import json

import pytest

from conftest import PINNED, import_installed, output_records, run_command

torch = import_installed("torch")
import_installed("transformers")

from igt_tools.commands.gloss import command  # noqa: E402
from igt_tools.model.generation import DecodeSettings, Decoder, Hypothesis  # noqa: E402
from igt_tools.examples.prompts import compact_prompt  # noqa: E402
from igt_tools.examples.tasks import word_input  # noqa: E402
from toy import toy_prompts  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_thread")
MAX_NEW = 40

SPACE = 32 + 3  # ByT5: byte + 3


def test_word_confidences_split_the_token_scores_at_spaces():
    # tokens of " ab cd": leading space, a, b, space, c, d; then the end token
    hypothesis = Hypothesis(tokens=[SPACE, 100, 101, SPACE, 102, 103], logprob=-2.1, length=7,
                            token_logprobs=[-0.5, -0.1, -0.2, -0.3, -0.4, -0.5, -0.6])
    first, second = hypothesis.word_confidences({SPACE})
    assert first == pytest.approx((-0.1 - 0.2 - 0.3) / 3)  # the space after a word counts with it
    assert second == pytest.approx((-0.4 - 0.5 - 0.6) / 3)  # the end token with the last word
    assert Hypothesis(tokens=[], logprob=-1.0, length=1, token_logprobs=[-1.0]).word_confidences({SPACE}) == []
    assert Hypothesis(tokens=[100], logprob=-1.0, length=1).word_confidences({SPACE}) is None


@pytest.mark.parametrize("beams", [1, 2])
def test_token_scores_change_no_output_and_add_up_to_the_hypothesis_score(loaded_sentence_model, beams):
    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(t).input_ids for t in toy_prompts(10, seed=5)]
    plain = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=MAX_NEW, batch_tokens=600)).decode(inputs)
    scored = Decoder(model, DecodeSettings(beams=beams, max_new_tokens=MAX_NEW, batch_tokens=600,
                                           token_scores=True)).decode(inputs)
    for a, b in zip(plain, scored):
        assert (a.tokens, a.length, a.logprob) == (b.tokens, b.length, b.logprob)
        assert a.token_logprobs is None and len(b.token_logprobs) == b.length
        assert sum(b.token_logprobs) == pytest.approx(b.logprob, abs=1e-4)
        assert all(lp <= 0 for lp in b.token_logprobs)


def _gloss(args, records):
    return output_records(run_command(command, [*PINNED, "--quiet", "--max-new-tokens", MAX_NEW, *args],
                                      records=records, exit_code=0))


def _scored_output(words):
    """(output, token scores) for the scripted decoder: [(word, score)] -> each word's tokens and the space
    after it (the end token after the last) all at its score, so the word's confidence is that score."""
    output = " ".join(word for word, _ in words)
    scores = [score for word, score in words for _ in word.encode("utf-8") + b" "]
    return output, scores


def test_a_sentence_model_gives_a_confidence_per_word_it_wrote(sentence_model, scripted, tmp_path):
    written = {
        "ab cd": [("AB(ab)", -0.5), ("CD(cd)", -0.25)],
        "abc de f": [("ABC(abc)", -1.0), ("DE(de)", -0.125), ("F(f)", -0.75)],
        "a b c d": [("A(a)", -0.5), ("B(b)", -0.5), ("C(c)-D(d)", -2.0)],  # three words for four
    }
    scripted({compact_prompt("interleaved", {"transcription": t}): _scored_output(w) for t, w in written.items()})
    records = [{"id": i, "transcription": t} for i, t in enumerate(written)]
    out = _gloss(["-m", str(sentence_model), "--confidence"], records)
    for record, words in zip(out, written.values()):
        assert record["provenance"] == ["model"] * len(words)
        assert record["word_confidence"] == [pytest.approx(score) for _, score in words]
        # the record's figure: over every token, the spaces and the end token included
        tokens = sum(len(word) + 1 for word, _ in words)
        assert record["confidence"] == pytest.approx(sum((len(w) + 1) * s for w, s in words) / tokens)

    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "abc", "segmentation": "abc", "glosses": "ABC"}) + "\n")
    # the model writes three words for "abc de f": the lexicon takes the first, the model the others
    with_lexicon = _gloss(["-m", str(sentence_model), "--confidence", "-l", str(lexicon), "--no-guess"], records[1:2])[0]
    assert with_lexicon["provenance"] == ["lexicon", "model", "model"]
    assert with_lexicon["word_confidence"] == [None, pytest.approx(-0.125), pytest.approx(-0.75)]
    # three words for four: they cannot be placed, so none is the model's and none has a score
    a_b_c_d = _gloss(["-m", str(sentence_model), "--confidence", "-l", str(lexicon), "--no-guess"], records[2:])[0]
    assert a_b_c_d["provenance"] == ["none"] * 4 and a_b_c_d["word_confidence"] == [None] * 4
    assert "word_confidence" not in _gloss(["-m", str(sentence_model)], records[:1])[0]


def test_a_word_model_gives_each_word_its_output_confidence(word_model, scripted, tmp_path):
    scripted({word_input("de", {}): ("D(d)-E(e)", [-0.5] * 9 + [-0.25])})  # mean: -0.475
    lexicon = tmp_path / "lex.jsonl"
    lexicon.write_text(json.dumps({"transcription": "abc", "segmentation": "a-bc", "glosses": "X-Y"}) + "\n")
    (record,) = _gloss(["-m", str(word_model), "--confidence", "-l", str(lexicon)], [{"transcription": "abc de"}])
    assert record["provenance"] == ["lexicon", "model"]
    assert record["word_confidence"] == [None, pytest.approx(-0.475)]
    (alone,) = _gloss(["-m", str(word_model), "--confidence"], [{"transcription": "de"}])
    assert alone["word_confidence"] == [pytest.approx(alone["confidence"])] == [pytest.approx(-0.475)]
