"""Small sequence helpers the metrics share, written to run their loops in C."""

from itertools import compress
from operator import eq


def common_ends(a, b):
    """(p, end_a, end_b): a[:p] == b[:p] and a[end_a:] == b[end_b:], both as long as can be, not overlapping."""
    start = _common_prefix_length(a, b, min(len(a), len(b)))
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    return start, end_a, end_b


def _common_prefix_length(a, b, shorter):
    if not shorter or a[0] != b[0]:
        return 0
    # Binary search with slice comparisons: each one runs in C.
    low, high = 1, shorter
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def same_position(predicted, gold):
    """The gold items that the prediction has at the same position, in order."""
    return list(compress(gold, map(eq, predicted, gold)))


def multiset_overlap(a, b):
    """Size of the multiset intersection of two iterables: sum over items of min(count in a, count in b)."""
    available = {}
    for item in b:
        available[item] = available.get(item, 0) + 1
    found = 0
    for item in a:
        count = available.get(item)
        if count:
            found += 1
            available[item] = count - 1
    return found
