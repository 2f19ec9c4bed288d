"""training/rerank_rules.py: the rules it measures, applied to words whose model scores the test sets."""

import sys

import conftest

sys.path.insert(0, str(conftest.ROOT / "training"))
import rerank_rules  # noqa: E402

GUESS = ("walk-ed", "walk-PST")
OTHER = ("walk-ed", "walk-PTCP")


def _word(glottocode, confidence=-0.5, scores=(-0.4, -0.1)):
    """An unseen word: the model's own analysis (at `confidence`), analogy's guess and one other candidate."""
    return {"glottocode": glottocode, "guess": GUESS, "output": ("walk-ed", "WALK-PST", confidence),
            "candidates": [(GUESS, scores[0]), (OTHER, scores[1])]}


def test_igt_gloss_rule_reranks_only_where_the_model_was_trained_on_enough_words():
    trained = {"many1234": 600, "few12345": 123}
    rule = dict(trust=-0.03, trust_unknown_stem=-0.07)
    assert rerank_rules.choose_where_trained(_word("many1234"), trained, 500, **rule) == (*OTHER, "analogy")
    assert rerank_rules.choose_where_trained(_word("few12345"), trained, 500, **rule) == (*GUESS, "analogy")
    assert rerank_rules.choose_where_trained(_word("few12345"), trained, 100, **rule) == (*OTHER, "analogy")
    assert rerank_rules.choose_where_trained(_word("none1234"), trained, 100, **rule) == (*GUESS, "analogy")
    # a trusted analysis of the model's own goes first wherever it reranks or not
    assert rerank_rules.choose_where_trained(_word("few12345", confidence=-0.01), trained, 500, **rule) == (
        "walk-ed", "WALK-PST", "model")


def test_every_rule_has_a_name_of_its_own():
    names = [name for name, _ in rerank_rules.rules({"many1234": 600})]
    assert len(names) == len(set(names))
    assert any("reranking where trained on 500" in name for name in names)
