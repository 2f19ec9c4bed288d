"""A prediction as words of morphemes, in the shapes Toolbox and FLEx write them.

Both tools put the boundary symbol on the affix (`ka-`, `-na`, `=ri`) and
none on the stem. Which morpheme of a predicted word is the stem is not
written anywhere; the first one glossed with a meaning (not a capitalised
tag: `house`, not `3SG`) is taken, else the first one.
"""

from dataclasses import dataclass
from typing import List, Optional

from ...core import tokens
from ...core.interleaved import split_keep
from ...core.tags import is_tag
from ..morphemes import glue_morphemes

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
        first, last = self.form[:1], self.form[-1:]
        before = first in tokens.MORPHEME_BOUNDARIES and first
        after = last in tokens.MORPHEME_BOUNDARIES and last
        return (before or "") + self.gloss + (after or "")


@dataclass
class Word:
    morphs: List[Morph]
    kept: bool = False  # the original's own analysis, where the prediction's did not fit

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
    words, misfits = word_analyses(record)
    if misfits:
        raise Unplaceable(f"the prediction is misaligned ({misfits[0][1]})")
    return words


def word_analyses(record, original=None):
    """([Word or None], [(index, why)]): the prediction's words, where one whose morphemes and glosses differ
    in number is the `original` record's own word (`kept`) if it has one, else None; `why` names each such word.
    Unplaceable where no word fits, or the words cannot be paired at all."""
    segmentation, glosses = record.get("segmentation") or "", record.get("glosses") or ""
    if not segmentation.strip():
        raise Unplaceable("the prediction has no segmentation")
    seg_words = tokens.words(segmentation)
    if not glosses.strip():
        return [_word(*split_keep(w), None) for w in seg_words], []
    gloss_words = tokens.words(glosses)
    if len(seg_words) != len(gloss_words):
        raise Unplaceable(f"the prediction is misaligned ({len(seg_words)} segmentation words but {len(gloss_words)} gloss words)")
    own = _original_words(original, len(seg_words))
    out, misfits = [], []
    for n, (seg_word, gloss_word) in enumerate(zip(seg_words, gloss_words), start=1):
        morphs, seps = split_keep(seg_word)
        pieces, _ = split_keep(gloss_word)
        if len(morphs) == len(pieces):
            out.append(_word(morphs, seps, pieces))
            continue
        misfits.append((n - 1, f"word {n} ({seg_word!r} / {gloss_word!r}): {len(morphs)} morphemes but {len(pieces)} glosses"))
        out.append(own[n - 1] if own else None)
    if len(misfits) == len(out):
        raise Unplaceable(f"the prediction is misaligned ({misfits[0][1]})")
    return out, misfits


def placeable_words(record, original=None, report=None, whole=False):
    """word_analyses, each misaligned word told to `report` (a callable taking the reason) as left as it
    was; with `whole` (writers that write a unit's words all anew: Toolbox lines, CLDF cells), a
    misaligned word the original has no analysis of makes the prediction Unplaceable."""
    words, misfits = word_analyses(record, original)
    missing = next((why for index, why in misfits if words[index] is None), None)
    if whole and missing is not None:
        raise Unplaceable(f"the prediction is misaligned ({missing})")
    for _, why in misfits:
        if report is not None:
            report(f"the prediction is misaligned in {why}: that word left as it was")
    return words


def _word(morphs, seps, glosses):
    glosses = glosses or [None] * len(morphs)
    # A boundary at a word's end (`=ki`: a clitic written apart) is the morph's, not a morph of nothing.
    lead = trail = ""
    if len(morphs) > 1 and morphs[0] == "" and not glosses[0]:
        lead, morphs, seps, glosses = seps[0], morphs[1:], seps[1:], glosses[1:]
    if len(morphs) > 1 and morphs[-1] == "" and not glosses[-1]:
        trail, morphs, seps, glosses = seps[-1], morphs[:-1], seps[:-1], glosses[:-1]
    word = _morphs(morphs, seps, glosses)
    if lead:
        first = word.morphs[0]
        word.morphs[0] = Morph(lead + first.form, first.gloss, _AFTER[lead] if first.kind == "stem" else first.kind)
    if trail:
        last = word.morphs[-1]
        word.morphs[-1] = Morph(last.form + trail, last.gloss, _BEFORE[trail] if last.kind == "stem" else last.kind)
    return word


def _morphs(morphs, seps, glosses):
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


def _original_words(original, count):
    """The original record's own words (marked `kept`), where it has `count` words that fit; else None."""
    if original is None or not (original.get("segmentation") or "").strip():
        return None
    try:
        words = predicted_words(original)
    except Unplaceable:
        return None
    if len(words) != count:
        return None
    for word in words:
        word.kept = True
    return words


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
