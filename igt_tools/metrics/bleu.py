"""Corpus BLEU over token lists, exactly as the `glossing` package computes it (REFERENCE.md 5.2).

Scoring is split in two so that corpora can be summed per group without
recounting: `ngram_counts` gives one sentence's n-gram statistics (added up
over any set of sentences), and `corpus_bleu` turns the sums into the score.

The reference's quirks, kept: every precision is smoothed as
(matches + 1) / (candidates + 1); an order without candidate n-grams gives
1e-9 when some reference has n-grams of that order and is left out
otherwise; the geometric mean is capped at 1.
"""

from math import exp, fsum, log

from .sequences import common_ends, multiset_overlap

MAX_ORDER = 4
# ngram_counts' layout: matches per order, then candidate n-grams per order,
# then references that have n-grams of that order (0 or 1 per sentence).
MATCHES = slice(0, MAX_ORDER)
CANDIDATES = slice(MAX_ORDER, 2 * MAX_ORDER)
REFERENCE_HAS = slice(2 * MAX_ORDER, 3 * MAX_ORDER)
SIZE = 3 * MAX_ORDER


def _ngrams(tokens, order):
    if order == 1:
        return tokens
    return zip(*[tokens[i:] for i in range(order)])


def _count_available(length):
    return tuple(max(length - i, 0) for i in range(MAX_ORDER))


# n-grams of each order in a sequence of a given length, and whether there are any
_AVAILABLE = [_count_available(length) for length in range(512)]
_ANY = [tuple(1 if n else 0 for n in counts) for counts in _AVAILABLE]


def _available(length):
    return _AVAILABLE[length] if length < 512 else _count_available(length)


def _any(length):
    return _ANY[length] if length < 512 else tuple(1 if n else 0 for n in _count_available(length))


def identical_counts(tokens):
    """ngram_counts(tokens, tokens), without counting."""
    length = len(tokens)
    available = _available(length)
    return available + available + _any(length)


def ngram_counts(candidate, reference):
    """One sentence's n-gram statistics (a tuple of SIZE ints).

    Matches are clipped counts: sum over n-grams of min(candidate count,
    reference count). N-grams lying wholly inside the common prefix or suffix
    of the two sequences are the same on both sides, so they match one for
    one; only the n-grams touching the differing middle are counted.
    """
    if candidate == reference:
        return identical_counts(reference)
    candidates = _available(len(candidate))
    reference_has = _any(len(reference))
    prefix, candidate_end, reference_end = common_ends(candidate, reference)
    suffix = len(candidate) - candidate_end
    matches = [0] * MAX_ORDER
    for index in range(MAX_ORDER):
        if not candidates[index] or not reference_has[index]:
            break  # longer n-grams cannot exist either
        first = max(prefix - index, 0)  # n-grams starting before it lie in the prefix
        found = first + max(suffix - index, 0)
        found += _clipped_matches(
            candidate[first : candidate_end + index], reference[first : reference_end + index], index + 1
        )
        if not found:
            break  # no n-gram matches, so no longer one does
        matches[index] = found
    return tuple(matches) + candidates + reference_has


def _clipped_matches(candidate, reference, order):
    if len(candidate) < order or len(reference) < order:
        return 0
    return multiset_overlap(_ngrams(candidate, order), _ngrams(reference, order))


def corpus_bleu(counts, candidate_length, reference_length):
    """BLEU from summed ngram_counts and the summed token lengths.

    The reference divides by zero when every candidate is empty; that corpus
    scores 0.0 here (the limit of its brevity penalty).
    """
    precisions = []
    for found, total, reference_has in zip(counts[MATCHES], counts[CANDIDATES], counts[REFERENCE_HAS]):
        if total == 0:
            if reference_has:
                precisions.append(1e-9)
            continue
        precisions.append((found + 1) / (total + 1))
    if not precisions or candidate_length == 0:
        return 0.0
    # statistics.geometric_mean, without importing statistics
    mean_precision = min(exp(fsum(map(log, precisions)) / len(precisions)), 1)
    if candidate_length > reference_length:
        return mean_precision
    return exp(1 - reference_length / candidate_length) * mean_precision
