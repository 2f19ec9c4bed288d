"""Levenshtein distance between two sequences (strings, or lists of tokens).

Scoring calls this for every sentence at three levels (words, morphemes,
characters), so it must be fast in pure Python. Two tricks do it:

- equal sequences, and a common prefix and suffix, cost nothing: they are
  stripped first (predictions are usually close to the gold);
- what is left runs through the bit-parallel algorithm of Myers (1999) in
  Hyyrö's formulation for edit distance: one Python integer holds a whole
  DP column as bit vectors of +1/-1 differences, so each item of the shorter
  sequence costs about a dozen integer operations however long the other is
  (Python integers have no width limit); the distance is read off the last
  column at the end.

Items only need to be hashable and comparable with `==`: characters of a
string, or tokens of a list.
"""

from collections import defaultdict

from .sequences import common_ends


def distance(a, b):
    """Number of insertions, deletions and substitutions turning `a` into `b`."""
    if a == b:
        return 0
    start, end_a, end_b = common_ends(a, b)
    a, b = a[start:end_a], b[start:end_b]
    if len(a) < len(b):
        a, b = b, a  # the longer one becomes the bit vectors, the shorter one is looped over
    if not b:
        return len(a)
    if len(b) == 1:
        return len(a) - (b[0] in a)
    return _myers(a, b)


def _myers(pattern, text):
    """Edit distance by bit vectors over `pattern`, looping over `text` (both of length >= 2)."""
    # match[item]: bit i set where pattern[i] == item (0 for items not in it)
    match = defaultdict(int)
    bit = 1
    for item in pattern:
        match[item] |= bit
        bit <<= 1
    full = bit - 1
    positive = full  # vertical differences of +1 (the first column is 0, 1, 2, ...)
    negative = 0  # vertical differences of -1
    for eq in map(match.__getitem__, text):
        x_vertical = eq | negative
        x_horizontal = (((eq & positive) + positive) ^ positive) | eq
        h_positive = negative | ~(x_horizontal | positive)
        h_negative = positive & x_horizontal
        h_positive = (h_positive << 1) | 1  # row 0 is 0, 1, 2, ...: every horizontal step +1
        h_negative <<= 1
        positive = (h_negative | ~(x_vertical | h_positive)) & full
        negative = h_positive & x_vertical
    # The last cell is the top of the last column plus its vertical differences.
    return len(text) + bin(positive).count("1") - bin(negative).count("1")
