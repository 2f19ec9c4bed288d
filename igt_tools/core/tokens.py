"""Word and morpheme tokens, as the reference metrics define them (REFERENCE.md 5.1)."""

import re
import unicodedata
from functools import lru_cache

SEP = "[SEP]"
UNK = "[UNK]"
BOUNDARY = re.compile(r"[-=]")
# Punctuation-only words are dropped unless they hold one of these.
_KEEP_IF_CONTAINS = ("??", "'", "-")


# ASCII has had the same categories in every Unicode version: these words need no regex.
_ASCII_PUNCTUATION = frozenset(ch for ch in map(chr, range(128)) if unicodedata.category(ch)[0] == "P")


def is_punctuation(word):
    """True when every character is Unicode punctuation (\\p{P}); '' is not.

    The reference evaluator asks the `regex` package, whose Unicode tables
    are newer than Python's own (41 code points of recent scripts are
    punctuation there and unassigned here), so beyond ASCII so do we.
    """
    if word.isascii():
        return bool(word) and all(ch in _ASCII_PUNCTUATION for ch in word)
    return _unicode_punctuation().fullmatch(word) is not None


@lru_cache(maxsize=1)
def _unicode_punctuation():
    import regex  # only for non-ASCII words: start-up stays free of it

    return regex.compile(r"\p{P}+")


# Words repeat a lot in a corpus; a bounded cache keeps memory flat.
@lru_cache(maxsize=1 << 16)
def is_droppable(word):
    return is_punctuation(word) and not any(s in word for s in _KEEP_IF_CONTAINS)


def words(line):
    """Whitespace-split words of a gloss (or segmentation) line, punctuation-only ones dropped."""
    return [w for w in line.split() if not is_droppable(w)]


def split_morphemes(word):
    return BOUNDARY.split(word)


def morphemes(line):
    """Morpheme tokens of a line, with SEP between words (as the reference)."""
    out = []
    for i, word in enumerate(words(line)):
        if i:
            out.append(SEP)
        out.extend(split_morphemes(word))
    return out
