"""The metrics (igt_tools.metrics): exact against the `glossing` package, and by hand.

The glossing figures are checked against glossing 1.0.9 as an oracle on real
dev data and on generated gloss lines; segmentation and alignment, which that
package lacks, against values computed by hand from REFERENCE.md 5.3 and 5.4.
"""

from collections import Counter
from pathlib import Path

import glossing
import pytest
from glossing import eval as reference_eval
from glossing.bleu import bleu_score as reference_bleu
from glossing.igt import gloss_string_to_morpheme_glosses, gloss_string_to_word_glosses
from hypothesis import example, given, settings
from hypothesis import strategies as st

from igt_tools.formats.sigmorphon import read_sigmorphon
from igt_tools.metrics import ALL, CorpusScorer, EmptyGold, evaluate_glosses
from igt_tools.metrics import bleu, segmentation
from igt_tools.metrics.alignment import sentence_score as alignment_score
from igt_tools.metrics.cached_tokens import CachedTokens
from igt_tools.metrics.compare import differences
from igt_tools.metrics.levenshtein import distance
from igt_tools.metrics.segmentation import EmptyGoldSegmentation, SegmentationSums
import igt_tools.core.tokens

from conftest import shared_data

TOLERANCE = 1e-9


# --- comparing figures ---------------------------------------------------------------


def assert_same_figures(expected, actual):
    assert differences(expected, actual, TOLERANCE) == []


def reference_figures(predicted, gold):
    """glossing.evaluate_glosses; where it divides by zero, its parts with our documented 0.0 in place.

    The two crashes: BLEU when every prediction is empty; stem recall when the
    gold has gram tokens but no stem token.
    """
    try:
        return glossing.evaluate_glosses(predicted, gold)
    except ZeroDivisionError:
        pass
    predicted_words = [gloss_string_to_word_glosses(s) for s in predicted]
    gold_words = [gloss_string_to_word_glosses(s) for s in gold]
    predicted_morphemes = [gloss_string_to_morpheme_glosses(s) for s in predicted]
    gold_morphemes = [gloss_string_to_morpheme_glosses(s) for s in gold]

    def bleu_or_zero(candidates, references):
        try:
            return reference_bleu(candidates, [[r] for r in references])
        except ZeroDivisionError:
            assert not any(candidates)
            return 0.0

    try:
        classes = reference_eval._f1_stems_grams(predicted_morphemes, gold_morphemes)
    except ZeroDivisionError:
        gold_tokens = [t for sentence in gold_morphemes for t in sentence]
        assert all(t.isupper() for t in gold_tokens)
        # Stem recall 0 and so stem F1 0; stem precision and the gram figures as the reference has them.
        stems = Counter()
        grams = Counter()
        for p_sentence, g_sentence in zip(predicted_morphemes, gold_morphemes):
            for p, g in zip(p_sentence, g_sentence):
                (grams if p.isupper() else stems)["pred"] += 1
                grams["correct"] += p == g
        grams["gold"] = len(gold_tokens)
        gram_prec = grams["correct"] / grams["pred"] if grams["pred"] else 0
        gram_rec = grams["correct"] / grams["gold"]
        classes = {
            "stem": {"prec": 0, "rec": 0, "f1": 0},
            "gram": {
                "prec": gram_prec,
                "rec": gram_rec,
                "f1": 2 * gram_prec * gram_rec / (gram_prec + gram_rec) if gram_prec + gram_rec else 0,
            },
        }
    return {
        "words": {
            "accuracy": reference_eval._accuracy(predicted_words, gold_words),
            "bleu": bleu_or_zero(predicted_words, gold_words),
            "error_rate": reference_eval._error_rate(predicted_words, gold_words),
        },
        "morphemes": {
            "accuracy": reference_eval._accuracy(predicted_morphemes, gold_morphemes),
            "classes": classes,
            "bleu": bleu_or_zero(predicted_morphemes, gold_morphemes),
            "error_rate": reference_eval._error_rate(predicted_morphemes, gold_morphemes),
        },
        "characters": {"error_rate": reference_eval._error_rate([list(s) for s in predicted], [list(s) for s in gold])},
    }


def assert_like_reference(predicted, gold):
    assert_same_figures(reference_figures(predicted, gold), evaluate_glosses(predicted, gold))


# --- generated gloss lines -------------------------------------------------------------

TOKENS = [
    "DET",
    "cat",
    "PL",
    "3SG.PST",
    "run",
    "[UNK]",
    "[SEP]",
    "Ab",
    "aB",
    "x",
    "1",
    "ÉTÉ",
    "straße",
    "",
    "ǃxóõ",
    "A.B",
]
PUNCTUATION_WORDS = [
    ".",
    ",",
    "...",
    "«",
    "»",
    "'",
    "--",
    "-",
    "=",
    "??",
    "?!",
    "(",
    ")",
    "'.",
    "—",
    "¿",
    "-.",
    "=.",
    "!?",
]
# Assigned characters only: for code points that Python's Unicode tables (14.0 in 3.11)
# do not know yet, the `regex` module the reference uses may already say punctuation.
CHARACTERS = st.characters(exclude_categories=("Cs", "Cn", "Zs", "Zl", "Zp", "Cc"))


@st.composite
def gloss_words(draw):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.sampled_from(PUNCTUATION_WORDS))
    if kind == 1:
        return draw(st.text(alphabet=CHARACTERS, min_size=1, max_size=5))
    pieces = draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4))
    word = pieces[0]
    for piece in pieces[1:]:
        word += draw(st.sampled_from("-=")) + piece
    return word or "x"


@st.composite
def gloss_lines(draw):
    words = draw(st.lists(gloss_words(), max_size=6))
    separators = draw(st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=len(words), max_size=len(words)))
    return "".join(s + w for s, w in zip(separators, words)).strip() if draw(st.booleans()) else " ".join(words)


def has_tokens(line):
    return any(w != "[SEP]" for w in gloss_string_to_word_glosses(line)) and any(
        m != "[SEP]" for m in gloss_string_to_morpheme_glosses(line)
    )


def similar_to(gold):
    """A prediction: unrelated, or the gold line with a few words changed."""
    return st.one_of(
        gloss_lines(),
        st.tuples(st.just(gold.split()), st.lists(gloss_words(), max_size=2), st.integers(0, 3)).map(
            lambda t: " ".join(t[0][: t[2]] + t[1] + t[0][t[2] + 1 :])
        ),
    )


@st.composite
def corpora(draw):
    gold = draw(st.lists(gloss_lines(), min_size=1, max_size=5))
    predicted = [draw(similar_to(line)) for line in gold]
    return predicted, gold


@settings(max_examples=250, deadline=None)
@given(corpora())
@example((["DET cat-PL run-3PL"], ["DET cat-PL run-3PL ."]))
@example((["", ""], ["a b", "c"]))  # every prediction empty: the reference's BLEU divides by zero
@example((["DET-PL"], ["DET-PL"]))  # gram tokens only: the reference's stem recall divides by zero
@example((["dog"], ["dog"]))  # no gram token in the gold: stem recall is 0 (the reference's quirk)
@example((["[UNK] a-b"], ["[UNK] a=b"]))
@example(([""], ["[SEP]-[SEP]"]))  # no token to score, and the reference's BLEU divides by zero first
def test_glossing_figures_equal_the_reference(corpus):
    predicted, gold = corpus
    if all(has_tokens(line) for line in gold):
        assert_like_reference(predicted, gold)
    else:
        # The reference raises ValueError, unless an earlier figure divides by zero first.
        with pytest.raises((ValueError, ZeroDivisionError)):
            glossing.evaluate_glosses(predicted, gold)
        with pytest.raises(EmptyGold):
            evaluate_glosses(predicted, gold)


@pytest.mark.parametrize("gold", ["", "   ", ". , ...", "[SEP]", "[SEP]-[SEP]"])
def test_gold_without_tokens_is_an_error(gold):
    with pytest.raises(EmptyGold, match="line 2"):
        evaluate_glosses(["a", "a"], ["a", gold])


def test_the_reference_quirks_by_hand():
    figures = evaluate_glosses(["", "DOG"], ["a b c", "dog"])
    # An empty prediction adds len(gold) = 3 to the error rate sum, not 1; "DOG" vs "dog": 1.
    assert figures["words"]["error_rate"] == (3 + 1) / 2
    assert figures["characters"]["error_rate"] == (5 + 1) / 2
    figures = evaluate_glosses(["dog cat"], ["dog cat"])
    # [SEP] is "gram" (it is upper case): 1 gram, 2 stems; with a gram in the gold, stem recall is counted.
    assert figures["morphemes"]["classes"]["gram"] == {"prec": 1.0, "rec": 1.0, "f1": 1.0}
    assert figures["morphemes"]["classes"]["stem"]["rec"] == 1.0
    # One word, so no [SEP] and no gram at all: the reference's stem recall is 0.
    assert evaluate_glosses(["dog"], ["dog"])["morphemes"]["classes"]["stem"] == {"prec": 1.0, "rec": 0.0, "f1": 0.0}
    # [UNK] in the gold is never correct, but counts in the denominator.
    assert evaluate_glosses(["[UNK] b"], ["[UNK] b"])["words"]["accuracy"] == {"macro": 0.5, "micro": 0.5}


def test_differences_name_the_figures():
    assert differences({"a": {"b": 1.0, "c": None}}, {"a": {"b": 1.0 + 1e-12, "c": None}}) == []
    assert differences({"a": {"b": 1.0}, "x": 0}, {"a": {"b": 1.1}, "y": 0}) == [
        "a.b: 1.0 != 1.1",
        "x: only in one of them",
        "y: only in one of them",
    ]
    assert differences({"a": None}, {"a": 0.0}) == ["a: None != 0.0"]


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="Length mismatch"):
        evaluate_glosses(["a"], ["a", "b"])


# --- real data ---------------------------------------------------------------------------------


def dev_glosses(name):
    folder = shared_data() / "sigmorphon2023"
    (path,) = folder.glob(f"*/{name}-dev-*")
    return [record["glosses"] for _, record in read_sigmorphon(path) if record.get("glosses")]


def perturbed(lines):
    """Deterministic predictions: kept, a morpheme dropped, words swapped, case changed, emptied."""
    out = []
    for index, line in enumerate(lines):
        words = line.split()
        kind = index % 6
        if kind == 1 and "-" in line:
            out.append(line[: line.rindex("-")])
        elif kind == 2 and len(words) > 1:
            out.append(" ".join([words[1], words[0]] + words[2:]))
        elif kind == 3:
            out.append(line.swapcase())
        elif kind == 4:
            out.append(" ".join(words[:-1] + ["[UNK]"]))
        elif index % 31 == 5:
            out.append("")
        else:
            out.append(line)
    return out


@pytest.mark.parametrize("name", ["git", "lez", "ntu"])
def test_real_dev_data_equals_the_reference(name):
    gold = dev_glosses(name)
    assert len(gold) > 40
    assert_like_reference(perturbed(gold), gold)


def test_corpus_groups_equal_the_reference_per_group():
    lines = {name: dev_glosses(name) for name in ("git", "lez")}
    scorer = CorpusScorer()
    for name, gold in lines.items():
        for predicted, line in zip(perturbed(gold), gold):
            scorer.add(name, predicted, line)
    figures = scorer.figures()
    assert list(figures) == ["git", "lez", ALL]
    for name, gold in lines.items():
        assert_same_figures(glossing.evaluate_glosses(perturbed(gold), gold), figures[name]["glossing"])
        assert figures[name]["counts"]["sentences"] == len(gold)
    everything = lines["git"] + lines["lez"]
    predicted = perturbed(lines["git"]) + perturbed(lines["lez"])
    assert_same_figures(glossing.evaluate_glosses(predicted, everything), figures[ALL]["glossing"])


# --- building blocks --------------------------------------------------------------------------


def dynamic_programming_distance(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@settings(max_examples=500, deadline=None)
@given(st.text("abcd", max_size=40), st.text("abcd", max_size=40), st.booleans())
def test_levenshtein_equals_dynamic_programming(a, b, as_lists):
    if as_lists:
        a, b = list(a), list(b)
    assert distance(a, b) == dynamic_programming_distance(a, b)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("same", "same", 0),
        (["DET", "cat"], ["cat"], 1),
        ("a" * 300, "b" + "a" * 300, 1),
    ],
)
def test_levenshtein_known_values(a, b, expected):
    assert distance(a, b) == expected


def test_levenshtein_on_token_lists():
    assert distance(["DET", "cat", "PL"], ["DET", "dog", "PL", "X"]) == 2
    assert distance(["ab", "c"], ["a", "bc"]) == 2  # tokens compare whole, not by their characters


# Punctuation in Unicode versions newer than Python 3.11's tables: unassigned (Cn) there, \p{P} for `regex`.
NEWER_PUNCTUATION = [
    chr(c)
    for first, last in [
        (0x1B4E, 0x1B4F), (0x1B7F, 0x1B7F), (0x2E60, 0x2E63), (0x10D6E, 0x10D6E), (0x10ED0, 0x10ED0),
        (0x113D4, 0x113D5), (0x113D7, 0x113D8), (0x11B00, 0x11B09), (0x11BE1, 0x11BE1), (0x11F43, 0x11F4F),
        (0x16D6D, 0x16D6F), (0x1E5FF, 0x1E5FF),
    ]
    for c in range(first, last + 1)
]


def test_punctuation_words_dropped_as_the_reference_does():
    assert len(NEWER_PUNCTUATION) == 41
    ascii_words = [chr(c) for c in range(33, 127)] + ["?!", "...", "'", "a.", "$", "--", "??"]
    others = ["«", "»", "。", "、", "¿", "§", "€", "٪", "\u0f0d", "\u104a", "\U0001e95e", "а.", "\u200b"]
    for word in NEWER_PUNCTUATION + ascii_words + others:
        for line in (f"a {word} b", f"a {word * 2} b", f"a x{word} b"):
            assert igt_tools.core.tokens.words(line) == gloss_string_to_word_glosses(line), (hex(ord(word[0])), line)


def test_newer_punctuation_is_not_known_to_python():
    """Why the regex package is needed: Python's own tables would keep these words."""
    import unicodedata

    if tuple(map(int, unicodedata.unidata_version.split("."))) >= (15, 1):
        pytest.skip(f"Python's Unicode {unicodedata.unidata_version} knows them")
    assert all(unicodedata.category(ch) == "Cn" for ch in NEWER_PUNCTUATION)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abc"), max_size=12), st.lists(st.sampled_from("abc"), max_size=12))
def test_ngram_counts_equal_counting_every_ngram(candidate, reference):
    expected = []
    for order in range(1, bleu.MAX_ORDER + 1):
        grams = Counter(tuple(candidate[i : i + order]) for i in range(len(candidate) - order + 1))
        references = Counter(tuple(reference[i : i + order]) for i in range(len(reference) - order + 1))
        expected.append(
            (sum(min(n, references[g]) for g, n in grams.items()), sum(grams.values()), int(bool(references)))
        )
    matches, totals, has = zip(*expected)
    assert bleu.ngram_counts(candidate, reference) == matches + totals + has


# --- segmentation (REFERENCE.md 5.3) -----------------------------------------------------------


def segmentation_figures(predicted, gold):
    return segmentation.sentence_figures(predicted, gold, CachedTokens())


@pytest.mark.parametrize(
    "predicted, gold, expected",
    [
        # The PolyGloss test: overlaps 0 + 2 + 1 + 1 of 7 predicted and 6 gold morphemes;
        # characters: "t-he" -> "the" and "run-ing" -> "runn-ing" are one edit each.
        ("t-he cat-s are run-ing", "the cat-s are runn-ing", (0, 4 / 7, 4 / 6, 2 / (7 / 4 + 6 / 4), 2)),
        ("o sey x-tok", "o sey x-tok", (1, 1, 1, 1, 0)),
        ("", "a-b c", (0, 0, 0, 0, 5)),
        ("a-a-a", "a-a-b", (0, 2 / 3, 2 / 3, 2 / 3, 1)),  # multisets: "a" twice in common
        ("a=b", "a-b", (0, 1, 1, 1, 1)),  # same morphemes, other boundary: words differ
        ("a-b", "a-b c", (0, 1, 2 / 3, 0.8, 2)),  # the unpaired gold word counts in recall only
        ("b-a", "a-b", (0, 1, 1, 1, 2)),  # order inside a word does not matter
        ("a  b", "a b", (1, 1, 1, 1, 0)),  # words by whitespace: spacing does not count
        ("x , y", "x y", (0, 1 / 3, 1 / 2, 0.4, 2)),  # no punctuation filter: "," pairs with "y"
    ],
)
def test_segmentation_by_hand(predicted, gold, expected):
    assert segmentation_figures(predicted, gold) == pytest.approx(expected, abs=TOLERANCE)


def test_segmentation_means_over_sentences():
    sums = SegmentationSums()
    assert sums.figures() == dict.fromkeys(segmentation.FIGURES)  # nothing to score: all null
    sums.add(segmentation_figures("a-b c", "a-b c"))
    sums.add(segmentation_figures("", "a-b c"))
    assert sums.figures() == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5, "edit_distance": 2.5}


def test_segmentation_needs_gold_morphemes():
    with pytest.raises(EmptyGoldSegmentation):
        segmentation_figures("a", " ")


# --- alignment (REFERENCE.md 5.4) ---------------------------------------------------------------


def alignment(segmentation_line, glosses):
    tokens = CachedTokens()
    return alignment_score(segmentation_line, tokens.words(glosses), tokens)


@pytest.mark.parametrize(
    "segmentation_line, glosses, expected",
    [
        ("o sey x-tok r-ixoqiil", "CONJ sea COM-buscar E3S-esposa", 1.0),
        ("x-tok", "COM buscar", 1 - 1 / 3),  # "x-x" against "x x"
        ("a=b-c", "A-B", 1 - 2 / 5),  # "x=x-x" against "x-x"
        ("a-b .", "X-Y", 1.0),  # punctuation-only words are dropped first
        ("a-b ,", "X-Y , Z", 1 - 2 / 5),  # "x-x" against "x-x x"
        ("", "", 1.0),  # both empty
        ("", "A", 0.0),
        ("-a", "B-A", 1 - 1 / 3),  # "-x" against "x-x"
    ],
)
def test_alignment_by_hand(segmentation_line, glosses, expected):
    assert alignment(segmentation_line, glosses) == pytest.approx(expected, abs=TOLERANCE)


# --- the corpus scorer --------------------------------------------------------------------------


def test_segmentation_and_alignment_only_where_there_is_a_segmentation():
    scorer = CorpusScorer()
    scorer.add("a", "X-Y", "X-Y", "p-q", "p-q")
    scorer.add("a", "X Y", "X-Y", None, "p-q")  # no predicted segmentation: neither
    scorer.add("b", "X", "X", "p-q", None)  # no gold segmentation: alignment only
    figures = scorer.figures()
    assert figures["a"]["segmentation"]["f1"] == 1.0
    assert figures["a"]["counts"] == {"sentences": 2, "segmentation": 1, "alignment": 1, "missing_predictions": 0}
    assert figures["b"]["segmentation"] == dict.fromkeys(segmentation.FIGURES)
    assert figures["b"]["alignment"] == 1 - 2 / 3  # "x-x" against "x"
    assert figures[ALL]["alignment"] == pytest.approx((1 + 1 / 3) / 2)


def test_sentences_without_a_group_count_in_all_only():
    scorer = CorpusScorer()
    scorer.add(None, "a", "a")
    scorer.add("g", "b", "c")
    figures = scorer.figures()
    assert list(figures) == ["g", ALL]
    assert figures[ALL]["counts"]["sentences"] == 2


def test_a_group_named_all_is_refused():
    with pytest.raises(ValueError, match="all"):
        CorpusScorer().add(ALL, "a", "a")


def test_sacrebleu_figures_equal_sacrebleu_per_group():
    import sacrebleu

    pairs = {"g1": [("DET cat-PL run", "DET cat-PL run-3PL ."), ("dog", "a dog")], "g2": [("X Y", "X Y Z")]}
    scorer = CorpusScorer(sacrebleu=True)
    for group, sentences in pairs.items():
        for predicted, gold in sentences:
            scorer.add(group, predicted, gold)
    figures = scorer.figures()
    for group, sentences in list(pairs.items()) + [(ALL, pairs["g1"] + pairs["g2"])]:
        hypotheses, references = [p for p, _ in sentences], [g for _, g in sentences]
        extra = figures[group]["sacrebleu"]
        assert extra["bleu"] == pytest.approx(sacrebleu.corpus_bleu(hypotheses, [references]).score, abs=TOLERANCE)
        assert extra["chrf"] == pytest.approx(sacrebleu.corpus_chrf(hypotheses, [references]).score, abs=TOLERANCE)
        assert extra["signature"]["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
        assert "nc:6" in extra["signature"]["chrf"]


def test_no_sacrebleu_figures_unless_asked():
    scorer = CorpusScorer()
    scorer.add("g", "a", "a")
    assert all("sacrebleu" not in group for group in scorer.figures().values())


def test_metrics_import_no_heavy_module():
    import subprocess
    import sys

    code = (
        "import sys; import igt_tools.metrics, igt_tools.commands.score; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sacrebleu', 'rich', 'torch', 'transformers', 'statistics', 'numpy'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent
    )
    assert done.stdout.strip() == "[]"
