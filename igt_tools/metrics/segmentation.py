"""Segmentation metrics (REFERENCE.md 5.3), per sentence then averaged.

Words are split on whitespace with no punctuation filter, morphemes on `-`
and `=`. Word pairs are aligned by position; their overlap is the size of the
multiset intersection of their morphemes. precision = overlap / predicted
morphemes (0 when there are none), recall = overlap / gold morphemes, F1 their
harmonic mean (0 when both are 0); accuracy: the word lists are equal;
edit_distance: the character Levenshtein distance of the space-joined words.
"""

from .column_sums import ColumnSums
from .levenshtein import distance
from .sequences import multiset_overlap

FIGURES = ("accuracy", "precision", "recall", "f1", "edit_distance")


class EmptyGoldSegmentation(ValueError):
    """A gold segmentation without any morpheme (recall would divide by zero)."""


def _overlap(predicted, gold):
    return len(gold) if predicted == gold else multiset_overlap(predicted, gold)


def sentence_figures(predicted, gold, tokens):
    """(accuracy, precision, recall, f1, edit_distance) of one sentence; `tokens` is a CachedTokens."""
    predicted_words = predicted.split()
    gold_words = gold.split()
    gold_pieces = tokens.pieces_of(gold_words)
    gold_total = sum(map(len, gold_pieces))
    if not gold_total:
        raise EmptyGoldSegmentation("the gold segmentation has no morpheme")
    if predicted_words == gold_words:
        return (1, 1.0, 1.0, 1.0, 0)
    predicted_pieces = tokens.pieces_of(predicted_words)
    predicted_total = sum(map(len, predicted_pieces))
    overlap = sum(map(_overlap, predicted_pieces, gold_pieces))
    precision = overlap / predicted_total if predicted_total else 0
    recall = overlap / gold_total
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
    return (0, precision, recall, f1, distance(" ".join(predicted_words), " ".join(gold_words)))


class SegmentationSums(ColumnSums):
    """Sums of sentence figures; `figures()` gives their means (None when no sentence)."""

    def __init__(self):
        super().__init__(len(FIGURES))

    def figures(self):
        if not self.count:
            return dict.fromkeys(FIGURES)
        return {name: total / self.count for name, total in zip(FIGURES, self.totals())}
