"""training/rerank_rules.py: the rules it measures, applied to words whose model scores the test sets."""

import sys

import conftest

sys.path.insert(0, str(conftest.ROOT / "training"))
conftest.import_installed("torch")  # rerank_rules scores with a model: skipped without the [train] extra
import rerank_rules  # noqa: E402

GUESS = ("walk-ed", "walk-PST")
OTHER = ("walk-ed", "walk-PTCP")


def _word(glottocode, confidence=-0.5, scores=(-0.4, -0.1)):
    """An unseen word: the model's own analysis (at `confidence`), analogy's guess and one other candidate."""
    return {"glottocode": glottocode, "guess": GUESS, "output": ("walk-ed", "WALK-PST", confidence),
            "candidates": [(GUESS, scores[0]), (OTHER, scores[1])]}


def test_igt_gloss_rule_reranks_only_in_the_languages_given():
    rule = dict(trust=-0.03, trust_unknown_stem=-0.07)
    assert rerank_rules.choose_where_trained(_word("many1234"), {"many1234"}, **rule) == (*OTHER, "analogy")
    assert rerank_rules.choose_where_trained(_word("few12345"), {"many1234"}, **rule) == (*GUESS, "analogy")
    assert rerank_rules.choose_where_trained(_word("few12345"), None, **rule) == (*OTHER, "analogy")  # any language
    # a trusted analysis of the model's own goes first wherever it reranks or not
    assert rerank_rules.choose_where_trained(_word("few12345", confidence=-0.01), {"many1234"}, **rule) == (
        "walk-ed", "WALK-PST", "model")


def test_every_rule_has_a_name_of_its_own_and_igt_gloss_bar_is_among_them():
    from igt_tools.glossing.word import RERANK_MIN_EXAMPLES, RERANK_MIN_SHARE

    names = [name for name, _ in rerank_rules.rules({"many1234": 600})]
    assert len(names) == len(set(names))
    assert any(f"reranking where trained on {RERANK_MIN_EXAMPLES} and {RERANK_MIN_SHARE:.1%}" in name for name in names)
