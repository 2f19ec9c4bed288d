"""A sentence glossed word by word: from the lexicon where it attests the word,
by analogy or a model (or nothing) elsewhere, each word marked with where it
came from.

`provenance` has one entry per word of the glosses: "lexicon" (attested),
"analogy" (guessed without a model: from attested words like it, see analogy.py,
or a number or a word of the translation glossed as itself, see stems.py), "model" or
"none" (no analysis: the word is written unsegmented, glossed UNKNOWN_GLOSS).
Punctuation-only words are written only where the lexicon attests them as
words of their own (datasets differ: some keep `,` in every tier, most drop it).
"""

from dataclasses import dataclass
from typing import Optional

from ..core import interleaved, tokens, words
from ..core.record import text

# The gloss of a word igt-gloss cannot analyse: a visible placeholder for the linguist (not the
# metrics' [UNK], core/tokens.UNK, which marks a gloss missing from gold data). "???", not "?":
# the metrics drop punctuation-only words, so "?" would score as no word at all.
UNKNOWN_GLOSS = "???"
PROVENANCES = ("lexicon", "analogy", "model", "none")


def has_unknown_gloss(glosses):
    """Whether a word's glosses leave a morpheme UNKNOWN_GLOSS (analogy's unknown stem, say)."""
    return UNKNOWN_GLOSS in tokens.GLOSS_BOUNDARY.split(glosses or "")


@dataclass
class WordAnalysis:
    word: str  # the transcription word
    segmentation: Optional[str] = None
    glosses: Optional[str] = None
    provenance: Optional[str] = None  # None: still to be glossed
    model_input: Optional[str] = None  # what a word-level model is asked, when it is
    guess: Optional[tuple] = None  # analogy's (segmentation, glosses), held while a model competes
    position: int = 0  # the word's place in the transcription's words (a context model reads its neighbours)
    attested: tuple = ()  # several attested analyses a context model chooses among
    candidates: tuple = ()  # analogy's [(analysis, label)], its guess first, for a context model to rerank
    choices: tuple = ()  # an ambiguous attested word's [(analysis, label)], the lexicon's choice first

    def set(self, segmentation, glosses, provenance):
        # The segmentation in the input word's normalisation form, so that it compares equal with gold in that form.
        self.segmentation = words.in_form_of(segmentation, self.word)
        self.glosses = glosses
        self.provenance = provenance


def cannot_gloss(record):
    """Why a record cannot be glossed, or None."""
    if record.get("transcription") is None:
        return 'no "transcription" to gloss'
    if text(record, "transcription") is None:
        return 'empty "transcription"'
    return None


def from_lexicon(record, lexicon, chooser="frequent"):
    """[WordAnalysis] of a record's transcription: attested words filled in, the rest pending."""
    sentence = (text(record, "transcription") or "").split()
    glottocode = record.get("glottocode")
    translation = text(record, "translation")
    out = []
    for n, word in enumerate(sentence):
        analysis = lexicon.choose(glottocode, sentence, n, chooser, translation) if lexicon is not None else None
        if tokens.is_punctuation(word) and analysis is None:
            continue
        item = WordAnalysis(word, position=n)
        if analysis is not None:
            item.set(*analysis, "lexicon")
        out.append(item)
    return out


def guess_unseen(analyses, analogy, glottocode, hold=False):
    """Pending words that analogy can guess get its guess; with `hold`, the guess is kept
    aside in `guess` (the word stays pending, for a model to compete)."""
    for item in analyses:
        if item.provenance is None and not tokens.is_punctuation(item.word):
            guess = analogy.guess(glottocode, item.word)
            if guess is not None and hold:
                item.guess = guess
            elif guess is not None:
                item.set(*guess, "analogy")
    return analyses


def fill_unknown(analyses):
    """Pending words get the empty analysis: the word unsegmented, glossed UNKNOWN_GLOSS
    (once per piece of a word that holds boundary symbols itself, so the tiers stay aligned)."""
    for item in analyses:
        if item.provenance is None:
            word = words.strip_punctuation(item.word)
            item.set(word, gloss_pieces(word, lambda piece: UNKNOWN_GLOSS), "none")
    return analyses


def gloss_pieces(word, gloss):
    """`gloss(piece)` for each piece of `word` between `-`/`=`, joined by the same symbols."""
    pieces, separators = interleaved.split_keep(word)
    return gloss(pieces[0]) + "".join(sep + gloss(piece) for sep, piece in zip(separators, pieces[1:]))


def assemble(analyses):
    """(segmentation, glosses, provenance) of a sentence from its word analyses (all filled)."""
    if not analyses:
        return None, None, []
    return (
        " ".join(a.segmentation for a in analyses),
        " ".join(a.glosses for a in analyses),
        [a.provenance for a in analyses],
    )
