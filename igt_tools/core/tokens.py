"""Word and morpheme tokens, as the reference metrics define them (REFERENCE.md 5.1)."""

import re
import unicodedata
from functools import lru_cache

SEP = "[SEP]"
# A gold gloss the corpus does not give (a FLEx morph left unglossed): the metrics' unknown token,
# which accuracy skips. Not what igt-gloss writes for a word it cannot analyse (glossing/analyses'
# UNKNOWN_GLOSS, `???`): a prediction, scored like any other.
UNK = "[UNK]"
# The morpheme boundaries: `-` (affix) and `=` (clitic), Leipzig rules 2 and 4. The metrics
# split words at these alone, as the reference does (the `glossing` package: REFERENCE.md 5.1),
# and so do the label format and every reader and writer.
MORPHEME_BOUNDARIES = "-="
# Where a gloss is taken apart into its morpheme glosses, for its tags (tags, tagmap) and its
# stems (glossing/stems), `~` (Leipzig rule 10: reduplication, `ku~kuna` `PL~house`) parts two
# glosses too. The metrics must not split at it: the reference does not, and MER would change.
GLOSS_BOUNDARIES = MORPHEME_BOUNDARIES + "~"
BOUNDARY = re.compile(f"[{re.escape(MORPHEME_BOUNDARIES)}]")
GLOSS_BOUNDARY = re.compile(f"[{re.escape(GLOSS_BOUNDARIES)}]")
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
