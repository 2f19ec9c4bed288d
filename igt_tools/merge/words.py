"""A prediction as words of morphemes, in the shapes Toolbox and FLEx write them.

Both tools put the boundary symbol on the affix (`ka-`, `-na`, `=ri`) and
none on the stem. Which morpheme of a predicted word is the stem is not
written anywhere; the first one glossed with a meaning (not a capitalised
tag: `house`, not `3SG`) is taken, else the first one.
"""

from dataclasses import dataclass
from typing import List, Optional

from .. import tokens
from ..formats.morphemes import glue_morphemes
from ..interleaved import Misaligned, aligned_words, split_keep
from ..tags import is_tag

UNKNOWN = tokens.UNK
# FLEx morph types by the side of the stem and the boundary.
_BEFORE = {"-": "prefix", "=": "proclitic"}
_AFTER = {"-": "suffix", "=": "enclitic"}


class Unplaceable(ValueError):
    """A prediction that cannot go into the original unit (counts differ, no segmentation)."""


@dataclass
class Morph:
    form: str  # with its boundary: ka-, mwali, -s, =ri
    gloss: Optional[str]  # None: the prediction has no glosses
    kind: str  # prefix, stem, suffix, proclitic, enclitic

    @property
    def gloss_form(self):
        """The gloss with the morph's boundary on the same side, as Toolbox lines them up (3SG-, -PL)."""
        if self.gloss is None:
            return None
        before, after = self.form[:1] in "-=" and self.form[:1], self.form[-1:] in "-=" and self.form[-1:]
        return (before or "") + self.gloss + (after or "")


@dataclass
class Word:
    morphs: List[Morph]

    @property
    def segmentation(self):
        return _glue([m.form for m in self.morphs])

    @property
    def glosses(self):
        forms = [m.gloss_form for m in self.morphs]
        return None if None in forms else _glue(forms)


def predicted_words(record):
    """[Word] of a record's predicted segmentation and glosses, punctuation-only words left out; Unplaceable when unusable.

    A prediction needs a segmentation (what gloss-only models write cannot be placed on morphemes).
    """
    segmentation, glosses = record.get("segmentation") or "", record.get("glosses") or ""
    if not segmentation.strip():
        raise Unplaceable("the prediction has no segmentation")
    if not glosses.strip():
        return [_word(*split_keep(w), None) for w in tokens.words(segmentation)]
    try:
        aligned = aligned_words(segmentation, glosses)
    except Misaligned as err:
        raise Unplaceable(f"the prediction is misaligned ({err})") from None
    seps_of = [split_keep(w)[1] for w in tokens.words(segmentation)]
    return [_word(morphs, seps, pieces) for (morphs, pieces, _), seps in zip(aligned, seps_of)]


def _word(morphs, seps, glosses):
    glosses = glosses or [None] * len(morphs)
    stem = next((i for i, g in enumerate(glosses) if g not in (None, UNKNOWN) and not is_tag(g)), 0)
    out = []
    for i, (morph, gloss) in enumerate(zip(morphs, glosses)):
        if i < stem:
            out.append(Morph(morph + seps[i], gloss, _BEFORE[seps[i]]))
        elif i > stem:
            out.append(Morph(seps[i - 1] + morph, gloss, _AFTER[seps[i - 1]]))
        else:
            out.append(Morph(morph, gloss, "stem"))
    return Word(out)


def _glue(forms):
    return glue_morphemes(forms)[0]


def split_among(words, counts):
    """The predicted words cut into consecutive runs of these lengths; Unplaceable when the totals differ."""
    if len(words) != sum(counts):
        raise Unplaceable(f"{len(words)} predicted words for {sum(counts)} words")
    out, start = [], 0
    for count in counts:
        out.append(words[start:start + count])
        start += count
    return out
