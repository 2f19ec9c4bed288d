"""Glossing metrics: the figures of `glossing.evaluate_glosses` (glossing 1.0.9), fast.

REFERENCE.md 5.2 defines them; the `glossing` package is the reference
implementation, and every figure here equals it, quirks included:

- accuracy skips gold `[UNK]` and `[SEP]` tokens and divides by the gold
  tokens that are not `[SEP]`; an empty gold sentence is an error (EmptyGold);
- error_rate: an empty prediction contributes len(gold), not 1;
- classes: `[SEP]` counts as a gram token (it is upper case); stem recall is 0
  whenever the gold has no gram token at all;
- bleu: see bleu.py.

Two differences, both where the reference crashes with ZeroDivisionError:
BLEU of a corpus whose predictions are all empty is 0.0, and a precision or
recall whose denominator is 0 is 0.0. And one caveat: punctuation-only words
are found with Python's Unicode tables (igt_tools.core.tokens), the reference's
with the `regex` module's, which may be newer: a word made only of
punctuation characters assigned after Python's Unicode version (14.0 in
Python 3.11; 41 code points in Balinese, Kawi and a few other scripts) is
dropped by the reference and kept here.

Each sentence is reduced once to a row of numbers (`sentence_row`); the
figures of any set of sentences come from the column sums of their rows
(`GlossingSums`), so groups and the whole corpus share the work.
"""

from ..core.tokens import SEP, UNK
from . import bleu
from .cached_tokens import CachedTokens
from .column_sums import ColumnSums
from .levenshtein import distance
from .sequences import same_position

# A sentence row: for words, then for morphemes, LEVEL_SIZE numbers each:
#   correct, scored (gold tokens but [SEP]), accuracy, error_rate,
#   candidate length, reference length, then bleu.SIZE n-gram counts;
# then the morpheme classes: stem correct/pred/gold, gram correct/pred/gold;
# then the character error rate.
LEVEL_SIZE = 6 + bleu.SIZE
WORDS = 0
MORPHEMES = LEVEL_SIZE
CLASSES = 2 * LEVEL_SIZE
CHARACTERS = CLASSES + 6
ROW_SIZE = CHARACTERS + 1


class EmptyGold(ValueError):
    """A gold sentence without any token to score (the reference raises too)."""


class _Sentence:
    """One gloss line's tokens, as every metric needs them."""

    __slots__ = ("text", "words", "morphemes", "plain_words", "plain_morphemes")

    def __init__(self, text, tokens):
        self.text = text
        self.words = tokens.words(text)
        self.morphemes = tokens.morphemes(self.words)
        # Error rates ignore [SEP]; only a literal "[SEP]" in the text can put one among the words.
        plain_morphemes = tokens.plain_morphemes(self.words)
        if SEP in text:
            self.plain_words = [w for w in self.words if w != SEP]
            self.plain_morphemes = [m for m in plain_morphemes if m != SEP]
        else:
            self.plain_words = self.words
            self.plain_morphemes = plain_morphemes


class GlossingScorer:
    """Turns (prediction, gold) gloss lines into sentence rows; keeps a token cache."""

    def __init__(self):
        self.tokens = CachedTokens()

    def sentence(self, text):
        """The tokens of one gloss line (what sentence_row takes)."""
        return _Sentence(text, self.tokens)

    def sentence_row(self, predicted, gold):
        """The row of numbers for one sentence (see ROW_SIZE); EmptyGold if gold has no token.

        Both are gloss lines, or sentence() of them.
        """
        if isinstance(gold, str):
            gold = self.sentence(gold)
        if not gold.plain_words or not gold.plain_morphemes:
            raise EmptyGold("the gold glosses have no token to score (all punctuation, [SEP] or blank)")
        if isinstance(predicted, str):
            predicted = gold if predicted == gold.text else self.sentence(predicted)
        if predicted.text == gold.text:
            return _identical_row(gold)
        matched_morphemes = same_position(predicted.morphemes, gold.morphemes)
        return (
            _level(predicted.words, predicted.plain_words, gold.words, gold.plain_words)
            + _level(
                predicted.morphemes, predicted.plain_morphemes, gold.morphemes, gold.plain_morphemes, matched_morphemes
            )
            + _classes(predicted.morphemes, gold.morphemes, matched_morphemes)
            + (_error_rate(predicted.text, gold.text),)
        )


def _identical_row(gold):
    row = ()
    for tokens, plain in ((gold.words, gold.plain_words), (gold.morphemes, gold.plain_morphemes)):
        correct = len(plain) - tokens.count(UNK)
        row += (correct, len(plain), correct / len(plain), 0, len(tokens), len(tokens)) + bleu.identical_counts(tokens)
    grams = sum(map(str.isupper, gold.morphemes))
    stems = len(gold.morphemes) - grams
    return row + (stems, stems, stems, grams, grams, grams, 0)


def _level(predicted, predicted_plain, gold, gold_plain, matched=None):
    """Accuracy counts, error rate, lengths and n-gram counts at one level.

    `matched`: same_position(predicted, gold), when the caller has it already.
    """
    if matched is None:
        matched = same_position(predicted, gold)
    # Accuracy counts positions where the tokens agree, but not on gold [SEP] or [UNK].
    correct = len(matched) - matched.count(SEP) - matched.count(UNK)
    scored = len(gold_plain)
    return (
        correct,
        scored,
        correct / scored,
        _error_rate(predicted_plain, gold_plain),
        len(predicted),
        len(gold),
    ) + bleu.ngram_counts(predicted, gold)


def _error_rate(predicted, gold):
    """Levenshtein distance over the gold length, at most 1; the reference's empty cases kept."""
    if not predicted:
        return len(gold)
    if not gold:
        return len(predicted)
    rate = distance(predicted, gold) / len(gold)
    return rate if rate < 1 else 1


def _classes(predicted, gold, matched):
    """Stem and gram counts, position by position over the gold (REFERENCE 5.2 classes).

    A token is gram when str.isupper() holds (so [SEP] is gram), else stem.
    """
    gram_gold = sum(map(str.isupper, gold))
    aligned = predicted[: len(gold)]
    gram_predicted = sum(map(str.isupper, aligned))
    gram_correct = sum(map(str.isupper, matched))
    return (
        len(matched) - gram_correct,
        len(aligned) - gram_predicted,
        len(gold) - gram_gold,
        gram_correct,
        gram_predicted,
        gram_gold,
    )


class GlossingSums(ColumnSums):
    """Column sums of sentence rows, and the figures they give."""

    def __init__(self):
        super().__init__(ROW_SIZE)

    def figures(self):
        """The `glossing.evaluate_glosses` dictionary for the sentences added."""
        if not self.count:
            raise ValueError("no sentences to score")
        totals = self.totals()
        words = _level_figures(totals[WORDS : WORDS + LEVEL_SIZE], self.count)
        morphemes = _level_figures(totals[MORPHEMES : MORPHEMES + LEVEL_SIZE], self.count)
        return {
            "words": words,
            "morphemes": {
                "accuracy": morphemes["accuracy"],
                "classes": _class_figures(totals[CLASSES:CHARACTERS]),
                "bleu": morphemes["bleu"],
                "error_rate": morphemes["error_rate"],
            },
            "characters": {"error_rate": totals[CHARACTERS] / self.count},
        }


def _level_figures(sums, count):
    correct, scored, accuracy, error_rate, candidate_length, reference_length = sums[:6]
    return {
        "accuracy": {"macro": accuracy / count, "micro": correct / scored},
        "bleu": bleu.corpus_bleu(sums[6:], candidate_length, reference_length),
        "error_rate": error_rate / count,
    }


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def _f1(precision, recall):
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def _class_figures(sums):
    stem_correct, stem_predicted, stem_gold, gram_correct, gram_predicted, gram_gold = sums
    # The reference's quirk: stem recall is guarded by the *gram* gold count.
    stem_recall = _ratio(stem_correct, stem_gold) if gram_gold else 0.0
    stem_precision = _ratio(stem_correct, stem_predicted)
    gram_precision = _ratio(gram_correct, gram_predicted)
    gram_recall = _ratio(gram_correct, gram_gold)
    return {
        "stem": {"prec": stem_precision, "rec": stem_recall, "f1": _f1(stem_precision, stem_recall)},
        "gram": {"prec": gram_precision, "rec": gram_recall, "f1": _f1(gram_precision, gram_recall)},
    }


def evaluate_glosses(predicted_glosses, gold_glosses):
    """Drop-in for `glossing.evaluate_glosses(predicted, gold)`: the same dictionary, faster.

    Raises ValueError when the lists differ in length, EmptyGold (a
    ValueError) when a gold line has no token to score.
    """
    if len(predicted_glosses) != len(gold_glosses):
        raise ValueError(
            f"Length mismatch, got {len(predicted_glosses)} predicted rows and {len(gold_glosses)} gold rows."
        )
    scorer = GlossingScorer()
    sums = GlossingSums()
    for index, (predicted, gold) in enumerate(zip(predicted_glosses, gold_glosses)):
        try:
            sums.add(scorer.sentence_row(predicted, gold))
        except EmptyGold as err:
            raise EmptyGold(f"gold line {index + 1}: {err}") from None
    return sums.figures()
