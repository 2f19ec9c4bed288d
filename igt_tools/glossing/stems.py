"""Stems that analogy could not gloss, glossed with a word of the sentence's translation.

Analogy (analogy.py) gets an unseen word's affixes right far more often than
its stem, which it glosses UNKNOWN_GLOSS when the lexicon has no such
morpheme. The stem's meaning is often in the translation:

    Ža xabar äsirun neła, akäłru baħrä biłe ...     ‘... like a tired hound.’
    guess   baħr-a  ???-ERG   ->   hound-ERG

In sentence order, each such stem takes one word of the translation that no
other word of the sentence is already glossed with, the translation word
with the highest stem share in the lexicon's records of the language:

    share = (records whose glosses have it as a stem gloss + 0.5)
            / (records whose translation has it + 1)

(a word no translation of the lexicon has counts 0.5; under MIN_SHARE, a
word is not used: "the", "was", "de" are in many translations and glosses
few stems); ties go to the word whose place in the translation is nearest
the stem's word's place in the sentence. Each translation word serves one
stem, and a sentence without a translation keeps UNKNOWN_GLOSS.

What it gains: training/RESULTS.md, the systems with and without translation
stems. No torch here.
"""

import re
from collections import Counter

from ..core.record import text
from ..core.words import translation_words
from ..core.tokens import GLOSS_BOUNDARY
from .analyses import UNKNOWN_GLOSS, has_unknown_gloss

MIN_SHARE = 0.1
UNSEEN_SHARE = 0.5
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
        used = set()
        for item in analyses:
            used |= stem_gloss_words(item.glosses)

        def share(word):
            key = word.lower()
            seen = in_translation.get(key, 0)
            return (as_stem.get(key, 0) + 0.5) / (seen + 1) if seen else UNSEEN_SHARE

        candidates = [(n, word) for n, word in enumerate(translation)
                      if word.lower() not in used and share(word) >= MIN_SHARE]
        for n in pending:
            if not candidates:
                break
            place = n / max(1, len(analyses))
            chosen = max(candidates, key=lambda c: (share(c[1]), -abs(c[0] / len(translation) - place)))
            candidates = [c for c in candidates if c[1].lower() != chosen[1].lower()]
            item = analyses[n]
            # The first word of a translation is capitalised as a sentence's first word, not as a name.
            gloss = chosen[1].lower() if chosen[0] == 0 else chosen[1]
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
        in_translation, as_stem = Counter(), Counter()
        for glosses, translation in self.lexicon.glossed_translations(scope):
            found = {w.lower() for w in translation_words(translation)}
            stems = stem_gloss_words(glosses)
            in_translation.update(found)
            as_stem.update(found & stems)
        return in_translation, as_stem


def _replace_unknown_stem(glosses, gloss):
    """The glosses with their first UNKNOWN_GLOSS morpheme (analogy's stem) replaced by `gloss`."""
    pieces = re.split(f"({GLOSS_BOUNDARY.pattern})", glosses)
    for i, piece in enumerate(pieces):
        if piece == UNKNOWN_GLOSS:
            pieces[i] = gloss
            break
    return "".join(pieces)
