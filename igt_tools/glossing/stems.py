"""What a sentence's translation tells about its unseen words: stems that analogy could not
gloss take a word of the translation, and a word that is one of its words is itself.

Analogy (analogy.py) gets an unseen word's affixes right far more often than
its stem, which it glosses UNKNOWN_GLOSS when the lexicon has no such
morpheme. The stem's meaning is often in the translation:

    Ža xabar äsirun neła, akäłru baħrä biłe ...     ‘... like a tired hound.’
    guess   baħr-a  ???-ERG   ->   hound-ERG

Such a stem takes one word of the translation that no other word of the
sentence is already glossed with. A translation word's stem share in the
lexicon's records of the language says how likely it is to gloss a stem at
all:

    share = (records whose glosses have it as a stem gloss + 0.5)
            / (records whose translation has it + 1)

(a word no translation of the lexicon has counts 0.5; under MIN_SHARE, a
word is not used: "the", "was", "de" are in many translations and gloss
few stems). A small lexicon has seen too few translations to know that, so
where the metalanguage has shipped shares (English: stem_shares/English.tsv,
counted over the six SIGMORPHON 2023 training sets and ODIN by
training/stem_shares.py), they stand in for PRIOR_RECORDS records of the
lexicon's own:

    share = (records whose glosses have it as a stem gloss + PRIOR_RECORDS * shipped share)
            / (records whose translation has it + PRIOR_RECORDS)

the shipped share being (stem glosses + 0.5) / (translations + 1) over those
records. A word they hold in fewer than 5 translations is not shipped, and
keeps the lexicon's share alone, as does every word of a record that names
no metalanguage (`metalanguage`, else `metalang_glottocode`: CLDF datasets
often give only `stan1293`) or one without shipped shares.

Where the word and the translation word stand tells which of several such
words it is, so each pair of a stem's word and a translation word scores

    log(share) - POSITION_WEIGHT * |word's place - translation word's place|

(places as fractions of the sentence's words and the translation's), and
the best pairs are taken first (ties: the earlier translation word, then
the earlier stem), each stem and each translation word once. A sentence
without a translation keeps UNKNOWN_GLOSS.

Before any of that, an unseen word that is itself a word of the translation
(case aside) is glossed as itself, unsegmented: a name, or a word of the
metalanguage that the speaker used and the translation kept.

    hii3eti' Blue Star Tous Blue Star     ‘Good. Blue Star. Hello Blue Star.’
    Blue, Star: ??? (analogy: no attested word is like them)   ->   Blue, Star

Neither analogy nor a model is asked about such a word: they have only
this language's words to liken it to.

What it gains: training/RESULTS.md, the systems with and without translation
stems. No torch here.
"""

import functools
import importlib.resources
import math
import re
from collections import Counter

from ..core.record import text
from ..core.tokens import GLOSS_BOUNDARY, is_punctuation
from ..core.words import strip_punctuation, translation_words
from .analyses import UNKNOWN_GLOSS, has_unknown_gloss

MIN_SHARE = 0.1
UNSEEN_SHARE = 0.5
# How much a pair's distance in place counts against its share. Until 2026-12-06 the share alone
# chose, stem by stem in sentence order, the place only breaking ties; weighing both and taking
# the best pairs first took lexicon + analogy on the six dev sets from 0.1708 to 0.1699 and on
# Arapaho (100 / 400 sentences as the lexicon) from 0.608 / 0.483 to 0.602 / 0.478, every
# language better or the same; 0.5 and 2 did about as well (training/RESULTS.md, 2026-12-06, night).
POSITION_WEIGHT = 1.0
# How many of the lexicon's own records the shipped shares of a metalanguage count for. On
# Arapaho, 50 / 100 / 400 of its sentences as the lexicon, lexicon + analogy went from 0.646 /
# 0.576 / 0.456 to 0.636 / 0.571 / 0.453 with 3 (2 to 10 within 0.0005 of it, 1 within 0.002),
# the six dev sets from 0.1663 to 0.1659 (training/RESULTS.md, 2026-12-07, later).
PRIOR_RECORDS = 3
_GLOSS_WORD_JOINERS = re.compile(r"[._]")


def is_stem_gloss(gloss):
    """Whether a morpheme gloss glosses a stem: it has a lower-case letter (grammatical
    glosses such as ERG, 1SG, IV have none)."""
    return any(ch.islower() for ch in gloss)


def stem_gloss_words(glosses):
    """The lower-cased words inside the stem glosses of a glosses tier (is_stem_gloss)."""
    out = set()
    for gloss in GLOSS_BOUNDARY.split(glosses or ""):
        for piece in gloss.split():
            if is_stem_gloss(piece):
                out.update(w.lower() for w in _GLOSS_WORD_JOINERS.split(piece) if w)
    return out


class TranslationStems:
    def __init__(self, lexicon):
        self.lexicon = lexicon
        self._shares = {}  # scope -> (records with the word in the translation, of which it glosses a stem)

    def keep_translation_words(self, analyses, record):
        """Words still pending that are words of the translation: glossed as themselves (the module's doc)."""
        found = {word.casefold() for word in translation_words(text(record, "translation"))}
        if not found:
            return analyses
        for item in analyses:
            if item.provenance is None and not is_punctuation(item.word):
                bare = strip_punctuation(item.word)
                if bare.casefold() in found:
                    item.set(bare, bare, "analogy")
        return analyses

    def fill(self, analyses, record):
        """Give analogy's guesses with an unknown stem a translation word (see the module's doc)."""
        pending = [n for n, item in enumerate(analyses)
                   if item.provenance == "analogy" and has_unknown_gloss(item.glosses)]
        if not pending:
            return analyses
        translation = translation_words(text(record, "translation"))
        if not translation:
            return analyses
        in_translation, as_stem = self._tables(record.get("glottocode"))
        shipped = metalanguage_shares(metalanguage_of(record))
        used = set()
        for item in analyses:
            used |= stem_gloss_words(item.glosses)

        def share(word):
            key = word.lower()
            seen = in_translation.get(key, 0)
            if shipped is not None and key in shipped:
                return (as_stem.get(key, 0) + PRIOR_RECORDS * shipped[key]) / (seen + PRIOR_RECORDS)
            return smoothed_share(as_stem.get(key, 0), seen) if seen else UNSEEN_SHARE

        # (place, word, log of its share) of each translation word a stem may take
        candidates = [(place, word, math.log(share(word))) for place, word in enumerate(translation)
                      if word.lower() not in used and share(word) >= MIN_SHARE]
        scored = []
        for n in pending:
            word_place = n / len(analyses)
            for place, word, log_share in candidates:
                distance = abs(place / len(translation) - word_place)
                scored.append((log_share - POSITION_WEIGHT * distance, -place, n, word))
        # sorted() is stable: on equal scores and places the earlier stem goes first.
        scored.sort(key=lambda pair: pair[:2], reverse=True)
        filled, taken = set(), set()
        for _, minus_place, n, word in scored:
            if n in filled or word.lower() in taken:
                continue
            filled.add(n)
            taken.add(word.lower())
            item = analyses[n]
            # The first word of a translation is capitalised as a sentence's first word, not as a name.
            gloss = word.lower() if minus_place == 0 else word
            item.set(item.segmentation, _replace_unknown_stem(item.glosses, gloss), "analogy")
        return analyses

    def _tables(self, glottocode):
        for scope in self.lexicon.scopes(glottocode):
            if scope not in self._shares:
                self._shares[scope] = self._count(scope)
            if self._shares[scope][0]:
                return self._shares[scope]
        return {}, {}

    def _count(self, scope):
        return count_translation_words(self.lexicon.glossed_translations(scope))


def count_translation_words(glossed_translations):
    """(records whose translation has the word, of which a stem gloss has it), word by word
    (lower-cased), over (glosses, translation) pairs: a language's, or many languages' for the
    shipped shares (training/stem_shares.py)."""
    in_translation, as_stem = Counter(), Counter()
    for glosses, translation in glossed_translations:
        found = {w.lower() for w in translation_words(translation)}
        in_translation.update(found)
        as_stem.update(found & stem_gloss_words(glosses))
    return in_translation, as_stem


def smoothed_share(as_stem, in_translation):
    """How likely a translation word is to gloss a stem, from its two counts (the module's doc)."""
    return (as_stem + 0.5) / (in_translation + 1)


# The metalanguages with shipped shares, by glottocode, for records that name theirs only so
_SHIPPED_GLOTTOCODES = {"stan1293": "English"}


def metalanguage_of(record):
    """The record's metalanguage by name, else the shipped one its `metalang_glottocode` names, else None."""
    return record.get("metalanguage") or _SHIPPED_GLOTTOCODES.get(record.get("metalang_glottocode"))


def metalanguage_shares(metalanguage):
    """word -> its shipped stem share for a metalanguage (stem_shares/NAME.tsv), or None without such a file."""
    name = metalanguage.strip().title() if isinstance(metalanguage, str) else ""
    return _shipped_shares(name) if name.isalpha() else None  # a name, never a path


@functools.lru_cache(maxsize=None)
def _shipped_shares(name):
    table = importlib.resources.files(__package__) / "stem_shares" / f"{name}.tsv"
    if not table.is_file():
        return None
    shares = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, in_translation, as_stem = line.split("\t")
            shares[word] = smoothed_share(int(as_stem), int(in_translation))
    return shares


def _replace_unknown_stem(glosses, gloss):
    """The glosses with their first UNKNOWN_GLOSS morpheme (analogy's stem) replaced by `gloss`."""
    pieces = re.split(f"({GLOSS_BOUNDARY.pattern})", glosses)
    for i, piece in enumerate(pieces):
        if piece == UNKNOWN_GLOSS:
            pieces[i] = gloss
            break
    return "".join(pieces)
