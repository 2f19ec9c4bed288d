"""Levenshtein distance between two sequences (strings, or lists of tokens).

Scoring calls it for every sentence at three levels (words, morphemes,
characters): rapidfuzz computes it in C++, on lists of hashable tokens as
well as on strings. The metrics are imported only when a command scores, so
no other command pays for this import at start-up.

    distance(a, b): the number of insertions, deletions and substitutions turning `a` into `b`
"""

from rapidfuzz.distance.Levenshtein import distance  # noqa: F401  (re-exported)
