"""The tokens of REFERENCE.md 5.1 (igt_tools.core.tokens), memoised per distinct word.

A corpus repeats a few thousand distinct words and glosses many times over;
looking each one up in a dict is several times cheaper than testing its
characters for punctuation or splitting it again. One CachedTokens serves one
scoring run, so the memory it holds is bounded by that corpus' vocabulary.
"""

import re
from itertools import chain, compress
from operator import itemgetter

from ..core.tokens import MORPHEME_BOUNDARIES, SEP, is_droppable, split_morphemes

_NOT_BOUNDARY = re.compile(f"[^{re.escape(MORPHEME_BOUNDARIES)}\\s]+")
_KEPT, _PIECES, _PIECES_AND_SEP = itemgetter(0), itemgetter(1), itemgetter(2)


class _Memo(dict):
    """A dict that computes and keeps the value of a key on first use."""

    __slots__ = ("function",)

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


def _word_tokens(word):
    """(kept, morphemes, morphemes + [SEP]): all that scoring asks of one word."""
    # A word starting with a letter or digit is not punctuation-only: skip the character test.
    kept = word[0].isalnum() or not is_droppable(word)
    pieces = split_morphemes(word)
    return kept, pieces, pieces + [SEP]


class CachedTokens:
    # The loops run in C: map, compress and chain over the memo's __getitem__.
    def __init__(self):
        self._word = _Memo(_word_tokens)

    def words(self, line):
        """Word tokens, punctuation-only words dropped (tokens.words)."""
        split = line.split()
        return list(compress(split, map(_KEPT, map(self._word.__getitem__, split))))

    def morphemes(self, words):
        """Morpheme tokens with SEP between words (tokens.morphemes), from word tokens."""
        out = list(chain.from_iterable(map(_PIECES_AND_SEP, map(self._word.__getitem__, words))))
        if out:
            del out[-1]  # no SEP after the last word
        return out

    def plain_morphemes(self, words):
        """The morphemes of the words, without SEP between words."""
        return list(chain.from_iterable(map(_PIECES, map(self._word.__getitem__, words))))

    def pieces_of(self, words):
        """Each word's morphemes (split on - and =), as a list of lists."""
        return list(map(_PIECES, map(self._word.__getitem__, words)))

    @staticmethod
    def boundary_shape(words):
        """The space-joined words with every run of non-boundary characters as `x`."""
        return _NOT_BOUNDARY.sub("x", " ".join(words))
