"""Alignment score (REFERENCE.md 5.4): does every gloss have exactly one morpheme?

For one predicted (segmentation, glosses) pair: drop punctuation-only words
from both (5.1), rewrite every run of characters other than `-`, `=` and
whitespace as `x`, and take 1 - Levenshtein / the longer length (1 when both
are empty). The corpus score is the mean over pairs.
"""

from .levenshtein import distance


def sentence_score(segmentation, gloss_words, tokens):
    """Alignment of one predicted pair: its segmentation line and its gloss word tokens.

    `tokens` is a CachedTokens.
    """
    segmentation_shape = tokens.boundary_shape(tokens.words(segmentation))
    glosses_shape = tokens.boundary_shape(gloss_words)
    longest = max(len(segmentation_shape), len(glosses_shape))
    if not longest:
        return 1.0
    return 1 - distance(segmentation_shape, glosses_shape) / longest


class AlignmentSums:
    """Sum of sentence scores; `figure()` is their mean (None when no sentence)."""

    def __init__(self):
        self.count = 0
        self.total = 0.0

    def add(self, score):
        self.count += 1
        self.total += score

    def figure(self):
        return self.total / self.count if self.count else None
