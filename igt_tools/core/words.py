"""A record's words: each transcription word with its segmentation and glosses.

The unit of the lexicon and of word-level models. The transcription keeps
punctuation that the segmentation tier may drop (`yižo,` / `y-iži-o`), and
some datasets keep punctuation-only words in every tier (`,` / `,` / `,`):
the tiers are paired word by word as they stand when their counts agree,
else with punctuation-only words dropped from all three (measured on the
SIGMORPHON 2023 train and dev sets: this pairs all but 0.7% of the records).

Words are looked up by a key that ignores the Unicode normalisation form,
punctuation at either end, and (at a second level) case; the segmentation a
lookup gives back is written in the input word's normalisation form, so that
it compares equal with gold written in that form.
"""

import re
import unicodedata

from . import tokens

# Apostrophes are letters (glottal stops, ejectives) in many orthographies: never stripped.
_APOSTROPHES = "'\u2019\u02bc\u02bb`\u00b4"


# A translation's words: letters, with apostrophes inside (don't, l'eau); digits and punctuation are no words.
_TRANSLATION_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def translation_words(translation):
    """The translation's words as written, in order."""
    return _TRANSLATION_WORD.findall(translation or "")


def _is_edge_punctuation(ch):
    return unicodedata.category(ch)[0] == "P" and ch not in _APOSTROPHES


def _unpunctuated_span(word):
    """(start, end) of the word without punctuation at either end; all of it when it is punctuation only."""
    start, end = 0, len(word)
    while start < end and _is_edge_punctuation(word[start]):
        start += 1
    while end > start and _is_edge_punctuation(word[end - 1]):
        end -= 1
    return (start, end) if start < end else (0, len(word))


def strip_punctuation(word):
    """The word without punctuation at either end; a punctuation-only word stays as it is."""
    if word[:1].isalnum() and word[-1:].isalnum():
        return word  # the common case, at C speed
    start, end = _unpunctuated_span(word)
    return word[start:end]


def trailing_punctuation(word):
    """The punctuation strip_punctuation takes off the end of a word ("" for none, or for a punctuation-only word)."""
    if word[-1:].isalnum():
        return ""
    return word[_unpunctuated_span(word)[1]:]


def exact_key(word):
    """NFC, edge punctuation stripped: the first lookup level."""
    return strip_punctuation(unicodedata.normalize("NFC", word))


def folded_key(word):
    """exact_key, case-folded: the second lookup level."""
    return exact_key(word).casefold()


def in_form_of(text, word):
    """`text` in the normalisation form of `word` (NFD if `word` is decomposed, else as it is)."""
    if word.isascii() or unicodedata.is_normalized("NFC", word):
        return text
    return unicodedata.normalize("NFD", text)


def analysed_words(record):
    """[(transcription word, segmentation word, gloss word)] of a record, or None.

    None when the record lacks a tier or its tiers cannot be paired word by
    word (see the module's doc).
    """
    texts = (record.get("transcription"), record.get("segmentation"), record.get("glosses"))
    if not all(isinstance(t, str) for t in texts):
        return None
    split = [t.split() for t in texts]
    if not all(split):
        return None
    if not len(split[0]) == len(split[1]) == len(split[2]):
        split = [[w for w in s if not tokens.is_punctuation(w)] for s in split]
        if not len(split[0]) == len(split[1]) == len(split[2]):
            return None
    return list(zip(*split))
