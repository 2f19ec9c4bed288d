"""A context model choosing among analogy's candidates: the candidates (glossing/analogy.py),
the decoder's teacher-forced scores (model/generation.py) and igt-gloss --rerank (glossing/word.py).

The glossing logic is checked against scores the test sets, never against what a
model trained for seconds happens to prefer.
"""

import itertools
import json

import pytest

from igt_tools.examples import context as wc
from igt_tools.glossing.analogy import CANDIDATES, Analogy
from igt_tools.glossing.lexicon import Lexicon

LANGUAGE = "test1234"


def _record(transcription, segmentation, glosses):
    return {"transcription": transcription, "segmentation": segmentation, "glosses": glosses, "glottocode": LANGUAGE}


# -ed is PST in most words and PTCP in one; the stem walk is WALK twice and STROLL once
LEXICON = [
    _record("walked talked", "walk-ed talk-ed", "WALK-PST TALK-PST"),
    _record("walked walks", "walk-ed walk-s", "WALK-PST WALK-3SG"),
    _record("baked walk", "bak-ed walk", "BAKE-PTCP STROLL"),
]


def _analogy(tmp_path):
    path = tmp_path / "lexicon.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in LEXICON))
    return Analogy(Lexicon.read([str(path)]), translation_stems=False), path


def test_the_candidates_start_with_the_guess_and_try_other_affixes_and_stem_glosses(tmp_path):
    analogy, _ = _analogy(tmp_path)
    candidates = analogy.candidates(LANGUAGE, "jumped")
    assert candidates[0] == analogy.guess(LANGUAGE, "jumped") == ("jump-ed", "???-PST")
    assert ("jump-ed", "???-PTCP") in candidates  # the ending's next most voted template
    assert ("jumped", "???") not in candidates  # not the bare word (a model finds the shortest label likeliest)
    assert len(candidates) == len(set(candidates)) <= CANDIDATES
    assert all(seg.replace("-", "") == "jumped" for seg, _ in candidates)
    # a stem the lexicon knows: its other gloss is tried too
    assert {("walk-ed", "WALK-PST"), ("walk-ed", "STROLL-PST")} <= set(analogy.candidates(LANGUAGE, "walked!"))
    assert analogy.candidates(LANGUAGE, "xyz") == []  # nothing like it


torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from conftest import PINNED, output_records, run_command  # noqa: E402
from igt_tools.model.generation import DecodeSettings, Decoder, Hypothesis  # noqa: E402
from toy import toy_prompts  # noqa: E402


def test_a_candidates_score_is_what_the_search_gave_it_whatever_the_batches(loaded_sentence_model, one_thread):
    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(text).input_ids for text in toy_prompts(6, seed=3)]
    decoder = Decoder(model, DecodeSettings(beams=1, max_new_tokens=60, batch_tokens=600))
    found = decoder.decode(inputs)
    eos = decoder.eos
    # each output as the search gave it: with its end token where it ended, cut where it was cut
    candidates = [[h.tokens + ([eos] if h.ended else []), [100, 101, eos]] for h in found]
    scored = decoder.score(inputs, candidates)
    for hypothesis, (again, other) in zip(found, scored):
        assert again.tokens == hypothesis.tokens and again.length == hypothesis.length
        assert again.logprob == pytest.approx(hypothesis.logprob, abs=1e-4)
        assert other.tokens == [100, 101] and other.length == 3 and other.logprob < 0
    alone = Decoder(model, DecodeSettings(beams=1, max_new_tokens=60, batch_tokens=1)).score(inputs, candidates)
    assert [h.logprob for row in alone for h in row] == pytest.approx([h.logprob for row in scored for h in row], abs=1e-4)


def test_scores_with_the_shared_cross_attention_are_a_plain_teacher_forced_pass(loaded_sentence_model, one_thread):
    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(text).input_ids for text in toy_prompts(3, seed=5)]
    decoder = Decoder(model, DecodeSettings(beams=1, max_new_tokens=60, batch_tokens=4000))
    eos = decoder.eos
    # different lengths, the end token alone among them (only the first decoder step scores it)
    candidates = [[[eos], [100, 101, eos], [102, 103, 104, 105, 106, eos]], [[107, eos]], [[100, eos], [eos]]]
    scored = decoder.score(inputs, candidates)
    for ids, options, hypotheses in zip(inputs, candidates, scored):
        for tokens, hypothesis in zip(options, hypotheses):
            with torch.inference_mode():
                logits = model(input_ids=torch.tensor([ids]), decoder_input_ids=torch.tensor([[decoder.start] + tokens[:-1]])).logits
            expected = torch.log_softmax(logits[0].float(), dim=-1).gather(1, torch.tensor(tokens)[:, None]).sum().item()
            assert hypothesis.logprob == pytest.approx(expected, abs=1e-4)
            assert hypothesis.length == len(tokens)


def test_decoding_and_scoring_together_encodes_each_input_once_for_the_same_results(loaded_sentence_model, one_thread):
    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(text).input_ids for text in toy_prompts(5, seed=7)]
    settings = DecodeSettings(beams=1, max_new_tokens=60, batch_tokens=600)
    alone = Decoder(model, settings)
    found = alone.decode(inputs)
    eos = alone.eos
    candidates = [[h.tokens + [eos], [100, 101, eos]] for h in found]
    candidates[1] = []  # decoded only
    scored = alone.score(inputs, candidates)
    together = Decoder(model, settings)
    decode = [True, True, True, True, False]  # the last only scored
    hypotheses, scores = together.decode_and_score(inputs, decode=decode, candidates=candidates,
                                                   still_wanted=lambda i, hypothesis: i != 2)
    assert together.stats.input_tokens == sum(len(ids) for ids in inputs)  # each encoded once
    assert [h and h.tokens for h in hypotheses] == [h.tokens for h in found[:4]] + [None]
    assert [h and h.logprob for h in hypotheses[:4]] == pytest.approx([h.logprob for h in found[:4]], abs=1e-4)
    assert scores[1] is None and scores[2] is None  # no candidates; no longer wanted once decoded
    for i in (0, 3, 4):
        assert [h.logprob for h in scores[i]] == pytest.approx([h.logprob for h in scored[i]], abs=1e-4)


def test_a_floor_gives_up_on_an_output_that_can_no_longer_reach_it(loaded_sentence_model, one_thread):
    model, tokenizer = loaded_sentence_model
    inputs = [tokenizer(text).input_ids for text in toy_prompts(6, seed=11)]
    limit = 60
    decoder = Decoder(model, DecodeSettings(beams=1, max_new_tokens=limit, batch_tokens=600, token_scores=True))
    full = decoder.decode(inputs)
    # Each even input's floor comes from its own output, whatever the model wrote: the search gives
    # up once its sum is below floor x limit, so a floor halfway between the sums before and after
    # its first token short of certain (not the end token) must stop it right after that token.
    floors, stops = [], []
    for n, whole in enumerate(full):
        sums = [0.0, *itertools.accumulate(whole.token_logprobs)]
        stop = next((k for k in range(1, min(len(whole.tokens), limit - 1) + 1) if sums[k - 1] - sums[k] > 1e-3), None)
        floors.append(None if n % 2 or stop is None else (sums[stop - 1] + sums[stop]) / 2 / limit)
        stops.append(stop)
    assert any(floor is not None for floor in floors)
    floored = decoder.decode(inputs, floors=floors)
    for whole, cut, floor, stop in zip(full, floored, floors, stops):
        if floor is None:  # no floor: the search as ever
            assert cut.tokens == whole.tokens and cut.length == whole.length
            continue
        assert cut.tokens == whole.tokens[:stop] and cut.length == stop and not cut.ended
        assert cut.confidence < floor


@pytest.fixture
def scripted_scores(monkeypatch):
    """scripted_scores({(model input, label): mean token log-probability}); returns what was scored."""
    import transformers

    tokenizer = transformers.ByT5Tokenizer()
    script, asked = {}, []

    def score_batch(decoder, inputs, candidates, encoded=None):
        out = []
        for ids, options in zip(inputs, candidates):
            text = tokenizer.decode(ids, skip_special_tokens=True)
            row = []
            for tokens in options:
                label = tokenizer.decode(tokens, skip_special_tokens=True)
                asked.append((text, label))
                row.append(Hypothesis(tokens=tokens[:-1], logprob=script[text, label] * len(tokens), length=len(tokens)))
            out.append(row)
        return out

    def install(scores):
        script.update(scores)
        monkeypatch.setattr(Decoder, "score_batch", score_batch)
        return asked

    return install


class _Context:
    """A context model folder (trained on `languages`: {glottocode: examples}) and the lexicon,
    with the model input its "jumped" is asked as and analogy's candidates for it."""

    def __init__(self, tmp_path, languages=None):
        from igt_tools.model.loading import save_model
        from igt_tools.model.metadata import ModelMetadata
        from toy import fresh_tiny

        analogy, self.lexicon_path = _analogy(tmp_path)
        self.folder = tmp_path / "context"
        save_model(*fresh_tiny(0), self.folder, ModelMetadata(task="interleaved", prompts="compact", unit="context",
                                                              retrieval=wc.SETTINGS, languages=languages or {}))
        self.record = {"transcription": "walk jumped", "glottocode": LANGUAGE}
        evidence = wc.Retrieval(analogy.lexicon).evidence(LANGUAGE)
        self.asked_input = wc.context_input(self.record["transcription"].split(), 1, self.record, evidence)
        self.candidates = analogy.candidates(LANGUAGE, "jumped")
        # the model finds -ed a participle here, where analogy's vote says past
        self.scores = {(self.asked_input, wc.label_of(*c)): -1.0 for c in self.candidates}
        self.scores[self.asked_input, "???(jump)-PTCP(ed)"] = -0.7

    def gloss(self, *args):
        from igt_tools.commands.gloss import command

        (out,) = output_records(run_command(command, [*PINNED, "--quiet", "-m", str(self.folder), "-l",
                                                      str(self.lexicon_path), "--no-translation-stems", *args],
                                            records=[self.record], exit_code=0))
        return out["glosses"], out["provenance"]


def test_rerank_takes_the_candidate_the_model_finds_likelier_by_the_margin(tmp_path, scripted, scripted_scores):
    context = _Context(tmp_path)
    gloss, asked_input, candidates, scores = context.gloss, context.asked_input, context.candidates, context.scores
    scripted({asked_input: ("X(jumped)", -0.5)})  # its own analysis is not trusted (a context model's -0.03 and -0.07)
    asked = scripted_scores(scores)
    assert gloss() == ("STROLL ???-PTCP", ["lexicon", "analogy"])  # a context model chooses by default (margin 0)
    assert gloss("--rerank", "inf") == ("STROLL ???-PST", ["lexicon", "analogy"])  # ... unless told not to
    asked.clear()
    assert gloss("--rerank", "0.2") == ("STROLL ???-PTCP", ["lexicon", "analogy"])
    assert {label for _, label in asked} == {wc.label_of(*c) for c in candidates}
    assert gloss("--rerank", "0.5")[0] == "STROLL ???-PST"  # not likelier by the margin
    scripted({asked_input: ("X(jumped)", -0.01)})  # a trusted analysis of its own goes first
    asked.clear()
    assert gloss("--rerank", "0.2") == ("STROLL X", ["lexicon", "model"])
    assert asked == []  # and its candidates need no scores


def test_rerank_is_for_the_languages_the_model_learnt_enough_of(tmp_path, scripted, scripted_scores):
    from igt_tools.glossing.word import RERANK_MIN_EXAMPLES, RERANK_MIN_SHARE

    # enough examples, but too small a share of the model's: a few batches in a hundred
    many = round(RERANK_MIN_EXAMPLES / RERANK_MIN_SHARE) * 2
    cases = (({LANGUAGE: RERANK_MIN_EXAMPLES}, True), ({LANGUAGE: RERANK_MIN_EXAMPLES - 1}, False),
             ({LANGUAGE: RERANK_MIN_EXAMPLES, "othe1234": many}, False),
             ({LANGUAGE: 3 * RERANK_MIN_EXAMPLES, "othe1234": many}, True),
             ({"othe1234": 5000}, False), ({}, True))  # {}: the folder does not say
    for n, (languages, chooses) in enumerate(cases):
        folder = tmp_path / str(n)
        folder.mkdir()
        context = _Context(folder, languages)
        scripted({context.asked_input: ("X(jumped)", -0.5)})
        asked = scripted_scores(context.scores)
        asked.clear()
        expected = "STROLL ???-PTCP" if chooses else "STROLL ???-PST"
        assert context.gloss("--rerank", "0.2") == (expected, ["lexicon", "analogy"]), languages
        assert bool(asked) == chooses


def test_ask_model_choose_scores_the_candidates_without_decoding_the_words_analogy_guesses(
        tmp_path, scripted, scripted_scores):
    context = _Context(tmp_path, {LANGUAGE: 1000})
    decoded = scripted({context.asked_input: ("X(jumped)", -0.01)})  # it would be trusted, were it asked
    scored = scripted_scores(context.scores)
    assert context.gloss("--ask-model", "choose") == ("STROLL ???-PTCP", ["lexicon", "analogy"])
    assert decoded == [] and scored
    assert context.gloss("--ask-model", "choose", "--rerank", "0.5")[0] == "STROLL ???-PST"  # the margin still holds
    # a word analogy cannot guess is still decoded: the model's analysis is all there is
    context.record = {"transcription": "walk xyz", "glottocode": LANGUAGE}
    evidence = wc.Retrieval(Lexicon.read([str(context.lexicon_path)])).evidence(LANGUAGE)
    scripted({wc.context_input(["walk", "xyz"], 1, context.record, evidence): ("Y(xyz)", -0.5)})
    assert context.gloss("--ask-model", "choose") == ("STROLL Y", ["lexicon", "model"])


def test_with_an_adapter_the_languages_of_the_base_and_of_the_adapter_count_together():
    from igt_tools.commands.gloss import trained_languages
    from igt_tools.glossing.word import RERANK_MIN_EXAMPLES
    from igt_tools.model.metadata import ModelMetadata

    half = RERANK_MIN_EXAMPLES // 2 + 1  # too few alone, enough together
    base = ModelMetadata(languages={"aaaa1111": 10 * RERANK_MIN_EXAMPLES, "bbbb2222": half})
    adapter = ModelMetadata(languages={"bbbb2222": half, "cccc3333": RERANK_MIN_EXAMPLES, "dddd4444": half}, base=base)
    assert trained_languages(adapter) == {"aaaa1111", "bbbb2222", "cccc3333"}
    assert trained_languages(base) == {"aaaa1111"}
    assert trained_languages(ModelMetadata()) is None  # the folder does not say: any language


def test_choice_margin_lets_the_model_choose_among_an_ambiguous_words_attested_analyses(
        tmp_path, scripted, scripted_scores):
    from igt_tools.glossing.word import WordGlosser
    from igt_tools.model.generation import DecodeSettings
    from igt_tools.model.loading import load_model

    context = _Context(tmp_path)
    # walk: WALK twice, STROLL twice, no neighbour of this record's attested: the lexicon takes the first, WALK
    path = tmp_path / "ambiguous.jsonl"
    path.write_text("".join(json.dumps(_record(*r)) + "\n" for r in (("walk", "walk", "WALK"),) * 2
                            + (("walk", "walk", "STROLL"), ("walk talk", "walk talk", "STROLL TALK"))))
    lexicon = Lexicon.read([str(path)])
    model, tokenizer, _ = load_model(str(context.folder))
    record = {"transcription": "talk walk", "glottocode": LANGUAGE}  # talk: one analysis, not asked about
    asked_input = wc.context_input(["talk", "walk"], 1, record, wc.Retrieval(lexicon).evidence(LANGUAGE))
    decoded = scripted({})
    asked = scripted_scores({(asked_input, "WALK(walk)"): -0.5, (asked_input, "STROLL(walk)"): -0.2})

    def gloss(margin):
        glosser = WordGlosser(lexicon, "context", decoder=Decoder(model, DecodeSettings(beams=1)),
                              tokenizer=tokenizer, context=True, choice_margin=margin)
        (out,) = glosser.gloss([(None, record)])
        return out["glosses"], out["provenance"]

    assert gloss(None) == ("TALK WALK", ["lexicon", "lexicon"]) and asked == []
    assert gloss(0.2) == ("TALK STROLL", ["lexicon", "lexicon"])  # likelier by the margin: still the lexicon's
    assert sorted(label for _, label in asked) == ["STROLL(walk)", "WALK(walk)"]
    assert gloss(0.5) == ("TALK WALK", ["lexicon", "lexicon"])
    assert decoded == []  # scored, never decoded


def test_a_context_model_needs_less_sureness_against_a_guess_that_leaves_the_stem_unknown(
        tmp_path, scripted, scripted_scores):
    context = _Context(tmp_path)
    lexicon = Lexicon.read([str(context.lexicon_path)])
    analogy = Analogy(lexicon, translation_stems=False)
    assert analogy.guess(LANGUAGE, "talks") == ("talk-s", "TALK-3SG")  # a stem the lexicon knows
    assert analogy.guess(LANGUAGE, "jumped") == ("jump-ed", "???-PST")  # one it does not
    evidence = wc.Retrieval(lexicon).evidence(LANGUAGE)
    asked, scores = {}, {}
    for word in ("talks", "jumped"):
        record = {"transcription": f"walk {word}", "glottocode": LANGUAGE}
        asked[word] = wc.context_input(["walk", word], 1, record, evidence)
        # the model finds every candidate alike: analogy's guess stays analogy's choice
        scores.update({(asked[word], wc.label_of(*c)): -1.0 for c in analogy.candidates(LANGUAGE, word)})
    # the model's own analyses, both a little less sure than the threshold against a whole analysis
    scripted({asked["talks"]: ("Y(talks)", -0.05), asked["jumped"]: ("X(jumped)", -0.05)})
    scripted_scores(scores)

    def gloss(word, *args):
        context.record = {"transcription": f"walk {word}", "glottocode": LANGUAGE}
        return context.gloss(*args)

    assert gloss("talks") == ("STROLL TALK-3SG", ["lexicon", "analogy"])  # CONTEXT_TRUST_MODEL, -0.03
    assert gloss("jumped") == ("STROLL X", ["lexicon", "model"])  # CONTEXT_TRUST_UNKNOWN_STEM, -0.07
    # a threshold the user gives is the only one
    assert gloss("talks", "--trust-model", "-0.05") == ("STROLL Y", ["lexicon", "model"])
    assert gloss("jumped", "--trust-model", "-0.04") == ("STROLL ???-PST", ["lexicon", "analogy"])


def test_a_words_search_has_a_floor_only_where_analogy_has_a_guess_to_fall_back_on(tmp_path, scripted, scripted_scores):
    from igt_tools.glossing.word import CONTEXT_TRUST_UNKNOWN_STEM

    context = _Context(tmp_path)
    scripted({context.asked_input: ("X(jumped)", -0.5)})
    scripted_scores(context.scores)
    context.gloss()
    # an unsure output is of no use beside analogy's guess: the search may give up at the lower threshold
    assert scripted.floors[context.asked_input] == CONTEXT_TRUST_UNKNOWN_STEM
    context.gloss("--no-guess")
    assert scripted.floors[context.asked_input] is None  # the model's output is all there is
    context.gloss("--trust-model", "inf")
    assert scripted.floors[context.asked_input] is None  # never trusted: no floor to give up at


def test_a_language_must_be_enough_examples_and_enough_of_the_models_examples_to_rerank():
    from igt_tools.glossing.word import languages_to_rerank

    counts = {"most1234": 40000, "some1234": 2000, "tiny1234": 50, "rare1234": 123}
    assert languages_to_rerank(counts, min_examples=100, min_share=0.01) == {"most1234", "some1234"}
    assert languages_to_rerank(counts, min_examples=100, min_share=0.0) == {"most1234", "some1234", "rare1234"}
    assert languages_to_rerank(counts, min_examples=0, min_share=0.0) == set(counts)
    assert languages_to_rerank({"only1234": 191}) == {"only1234"}  # all a one-language model saw
    assert languages_to_rerank({}) is None  # the model does not say: any language
