"""Word and morpheme tokens, as the reference metrics define them (REFERENCE.md 5.1)."""

import re
import unicodedata
from functools import lru_cache

SEP = "[SEP]"
UNK = "[UNK]"
BOUNDARY = re.compile(r"[-=]")
# Punctuation-only words are dropped unless they hold one of these.
_KEEP_IF_CONTAINS = ("??", "'", "-")


def is_punctuation(word):
    """True when every character is Unicode punctuation (\\p{P}); '' is not."""
    return bool(word) and all(unicodedata.category(ch)[0] == "P" for ch in word)


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
