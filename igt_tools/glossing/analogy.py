"""Analyses of words the lexicon does not attest, guessed by analogy with words it does.

An unseen word is matched with the attested words of its language that share
its longest ending, at least MIN_AFFIX letters: those words vote, weighted by
how often each analysis is attested, for the affixes their analyses put in
that ending; likewise for its beginning. The guess is the winning prefixes,
the unseen word's remaining letters as the stem, and the winning suffixes
(affixes at both ends when the word has letters left for a stem, else those
of the longer match):

    unseen  indowribin        attested  q'ˤuribin -> q'ˤuri-bi-n  chair-PL-TOP
    guess   indowri-bi-n  ???-PL-TOP  (the stem gloss from the morpheme table, if known)

The stem is glossed from the lexicon's morphemes: the same morpheme, one
that extends it by a letter or two (datasets that segment canonical forms
write `baħri` for surface `baħr`), or it shortened by a letter or two; else
UNKNOWN_GLOSS. A guess gets the grammatical glosses right far more often than
the stem, which is still worth much (training/RESULTS.md: lexicon + analogy
against the lexicon alone). Stems still unknown once a sentence is glossed
may take a word of its translation (stems.py).

A number in digits is glossed as itself.

Tables are built per language on first use, so a large lexicon costs nothing
for languages that are never glossed. No torch here.
"""

import re
from collections import Counter

from ..core import interleaved, words
from . import analyses as wa
from .analyses import UNKNOWN_GLOSS
from .stems import TranslationStems

MIN_AFFIX = 2  # shortest shared ending (or beginning) that counts, in letters
# The longest one looked at. A longer shared ending is a closer neighbour, whose analysis covers
# more of the word: 16 rather than 8 took lexicon + analogy on the six dev sets from 0.1699 to
# 0.1692 and on Arapaho (100 / 400 sentences as the lexicon) from 0.602 / 0.478 to 0.598 / 0.470,
# no language worse; 12 did nearly as well, longer no better (training/RESULTS.md, 2026-12-06, night).
MAX_AFFIX = 16

# Candidates for a context model to choose among (candidates()): the most voted affix templates
# kept at each matched length, and how many endings and beginnings are combined.
TEMPLATES_PER_LENGTH = 3
ENDINGS_COMBINED, BEGINNINGS_COMBINED = 6, 4
STEM_GLOSSES = 2  # a stem's most frequent glosses tried
# How many a model scores: with the second-stage context model, 16 rather than 8 took the six dev
# sets from 0.166 to 0.165 (Natugu 0.168 -> 0.161, Uspanteko 0.192 -> 0.187) for up to twice
# the scoring (make -C training context-scores, training/RESULTS.md).
CANDIDATES = 16

# A number written in digits (1941, 3.5, 10:30) is glossed as itself, as glossing conventions
# write it, rather than by the affixes of words that end in the same digits (Natugu dev: "1941"
# was glossed "head", "2" "28").
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


class Analogy:
    def __init__(self, lexicon, translation_stems=True):
        self.lexicon = lexicon
        self._tables = {}  # scope -> _Tables
        self._stems = TranslationStems(lexicon) if translation_stems else None

    def keep_translation_words(self, analyses, record):
        """Before guessing: unseen words that are words of the sentence's translation are glossed
        as themselves (stems.py), unless translation stems are switched off."""
        if self._stems is not None:
            self._stems.keep_translation_words(analyses, record)
        return analyses

    def gloss_unknown_stems(self, analyses, record):
        """Once a sentence's words are settled: the guesses' unknown stems from its translation
        (stems.py), unless switched off."""
        if self._stems is not None:
            self._stems.fill(analyses, record)
        return analyses

    def guess(self, glottocode, word):
        """(segmentation, glosses) for an unseen word, or None when nothing is like it."""
        surface = words.strip_punctuation(word)
        if _NUMBER.fullmatch(surface):
            return surface, surface
        for scope in self.lexicon.scopes(glottocode):
            tables = self._tables_of(scope)
            if tables is not None:
                guess = tables.guess(surface)
                if guess is not None:
                    return guess
        return None

    def candidates(self, glottocode, word, limit=CANDIDATES):
        """Analogy's analyses of an unseen word, its guess first: [(segmentation, glosses)], [] when
        nothing is like it. The others combine the next most voted endings and beginnings with the
        stem's other glosses, for a model that reads the context to choose among (glossing/word.py)."""
        surface = words.strip_punctuation(word)
        if _NUMBER.fullmatch(surface):
            return [(surface, surface)]
        for scope in self.lexicon.scopes(glottocode):
            tables = self._tables_of(scope)
            if tables is not None:
                found = tables.candidates(surface, limit)
                if found:
                    return found
        return []

    def _tables_of(self, scope):
        if scope not in self._tables:
            entries = self.lexicon.folded_entries(scope)
            self._tables[scope] = _Tables(entries) if entries else None
        return self._tables[scope]


class _Tables:
    """One language's votes: ending (or beginning) -> Counter of affix templates; morpheme -> glosses."""

    def __init__(self, entries):
        self.endings, self.beginnings = {}, {}
        self.morphemes = {}
        for key, analyses in entries.items():
            for analysis, count in analyses.items():
                pieces = _pieces(analysis)
                if pieces is None:
                    continue
                for morpheme, gloss, _ in pieces:
                    glosses = self.morphemes.setdefault(morpheme.casefold(), Counter())
                    glosses[gloss] += count
                for length in range(1, min(len(key) - 1, MAX_AFFIX) + 1):
                    for table, affix, at_end in ((self.endings, key[-length:], True),
                                                 (self.beginnings, key[:length], False)):
                        votes = table.setdefault(affix, Counter())
                        votes[_template(pieces, length, at_end)] += count
        # morphemes by their first letters, for stems written in canonical form:
        # one letter longer first, then the most frequent
        self.extensions = {}
        for morpheme, glosses in self.morphemes.items():
            for cut in (1, 2):
                if len(morpheme) - cut >= 3:
                    self.extensions.setdefault(morpheme[:-cut], []).append((cut, -sum(glosses.values()), morpheme))
        for found in self.extensions.values():
            found.sort()

    def guess(self, surface):
        """The guess for a word: affixes at both ends where the word has room for both, else the
        longest match (affixes at one end, or a bare stem); None when no ending or beginning matches."""
        key = surface.casefold()
        ending, beginning = self._match(key, True), self._match(key, False)
        if ending and beginning and ending[1] and beginning[1]:
            if _letters(ending[1]) + _letters(beginning[1]) < len(surface):
                return self._build(surface, beginning[1], ending[1])
        best = max((m for m in (ending, beginning) if m), key=lambda m: (bool(m[1]), m[0]), default=None)
        if best is None:
            return None
        return self._build(surface, () if best is ending else best[1], best[1] if best is ending else ())

    def candidates(self, surface, limit):
        """The guess, then the combinations of the other templates, fewest steps from the best first."""
        first = self.guess(surface)
        if first is None:
            return []
        key = surface.casefold()
        suffixes = _distinct([()] + self._templates(key, True))[:ENDINGS_COMBINED]
        prefixes = _distinct([()] + self._templates(key, False))[:BEGINNINGS_COMBINED]
        # not the bare word: a context model, which never saw UNKNOWN_GLOSS in a label, finds the
        # shortest label likeliest (measured: Gitksan lost its affixes to it, training/RESULTS.md)
        pairs = [(i + j, prefix, suffix) for i, suffix in enumerate(suffixes) for j, prefix in enumerate(prefixes)
                 if (prefix or suffix) and (not prefix or not suffix or _letters(prefix) + _letters(suffix) < len(surface))]
        out = [first]
        for _, prefix, suffix in sorted(pairs, key=lambda pair: pair[0]):
            stem = surface[_letters(prefix): len(surface) - _letters(suffix)] or surface
            for gloss in self._stem_gloss_options(stem):
                candidate = self._build(surface, prefix, suffix, gloss)
                if candidate not in out:
                    out.append(candidate)
            if len(out) >= limit:
                break
        return out[:limit]

    def _templates(self, key, at_end):
        """The most voted affix templates of each ending (or beginning) the word shares, longest first."""
        table, out = (self.endings if at_end else self.beginnings), []
        for length in range(min(len(key) - 1, MAX_AFFIX), MIN_AFFIX - 1, -1):
            votes = table.get(key[-length:] if at_end else key[:length])
            if votes:
                out.extend(sorted(votes, key=lambda template: -votes[template])[:TEMPLATES_PER_LENGTH])
        return out

    def _stem_gloss_options(self, stem):
        """The stem's STEM_GLOSSES most frequent glosses (None: the one _build would give), for a stem of one piece."""
        if len(interleaved.split_keep(stem)[0]) > 1:
            return [None]
        found = []
        for candidate in self._stem_lookups(stem):
            for gloss, _ in self.morphemes.get(candidate, Counter()).most_common(STEM_GLOSSES):
                if gloss not in found:
                    found.append(gloss)
            if len(found) >= STEM_GLOSSES:
                break
        return found[:STEM_GLOSSES] or [None]

    def _match(self, key, at_end):
        """(letters shared, affix template) of the longest ending (or beginning) whose winning
        template has affixes, else of the longest match (a bare stem); None when none matches."""
        table, bare = (self.endings if at_end else self.beginnings), None
        for length in range(min(len(key) - 1, MAX_AFFIX), MIN_AFFIX - 1, -1):
            votes = table.get(key[-length:] if at_end else key[:length])
            if votes:
                # the most voted template; ties to the first attested (Counter keeps insertion order)
                template = max(votes, key=votes.get)
                if template:
                    return length, template
                bare = bare or (length, template)
        return bare

    def _build(self, surface, prefixes, suffixes, stem_gloss=None):
        """The analysis: prefixes, the letters left as the stem (glossed `stem_gloss` if given), suffixes."""
        stem = surface[_letters(prefixes): len(surface) - _letters(suffixes)] or surface
        prefixes, stem, suffixes = _own_boundaries(prefixes, stem, suffixes)
        stems = [(stem, stem_gloss or self._stem_glosses(stem))] if stem else []
        parts = [(m, g) for m, g, _ in prefixes] + stems + [(m, g) for m, g, _ in suffixes]
        # a prefix's separator follows it, a suffix's goes before it; with no stem the
        # last prefix's stands between the affixes
        separators = [sep for _, _, sep in prefixes] + [sep for _, _, sep in suffixes][0 if stem else 1:]
        return (interleaved.join_keep([m for m, _ in parts], separators),
                interleaved.join_keep([g for _, g in parts], separators))

    def _stem_glosses(self, stem):
        """A gloss for each piece of a stem that holds boundary symbols itself (`Mamali-Maħama`)."""
        return wa.gloss_pieces(stem, self.stem_gloss)

    def stem_gloss(self, stem):
        for candidate in self._stem_lookups(stem):
            glosses = self.morphemes.get(candidate)
            if glosses:
                return max(glosses, key=glosses.get)
        return UNKNOWN_GLOSS

    def _stem_lookups(self, stem):
        """The morphemes a stem's gloss is looked up as, in order: itself, the morphemes one or two
        letters longer, it one or two letters shorter."""
        key = stem.casefold()
        return ([key] + [morpheme for _, _, morpheme in self.extensions.get(key, ())]
                + [key[:-cut] for cut in (1, 2) if len(key) - cut >= 3])


def _own_boundaries(prefixes, stem, suffixes):
    """(prefixes, stem, suffixes) where the word writes a boundary symbol itself at an affix's edge
    (Arapaho `ne'-ei'towuuneinoo`): the symbol becomes that affix's separator, rather than
    standing beside the template's as an empty morpheme (`ne'--ei'towuunei-noo`). Where it is all
    that lies between prefixes and suffixes (Natugu `vz-zvzkr`), there is no stem: `vz-zvz-kr`."""
    if prefixes and stem and stem[0] in interleaved.BOUNDARIES and (len(stem) > 1 or suffixes):
        morpheme, gloss, _ = prefixes[-1]
        prefixes, stem = prefixes[:-1] + ((morpheme, gloss, stem[0]),), stem[1:]
    if suffixes and len(stem) > 1 and stem[-1] in interleaved.BOUNDARIES:
        morpheme, gloss, _ = suffixes[0]
        suffixes, stem = ((morpheme, gloss, stem[-1]),) + suffixes[1:], stem[:-1]
    return prefixes, stem, suffixes


def _distinct(items):
    return list(dict.fromkeys(items))


def _letters(template):
    return sum(len(morpheme) for morpheme, _, _ in template)


def _pieces(analysis):
    """[(morpheme, gloss, separator before it)] of an analysis, or None when they do not pair."""
    segmentation, glosses = analysis
    morphemes, _ = interleaved.split_keep(segmentation)
    gloss_pieces, separators = interleaved.split_keep(glosses)
    if len(morphemes) != len(gloss_pieces):
        return None
    return list(zip(morphemes, gloss_pieces, [""] + separators))


def _template(pieces, length, at_end):
    """The affix pieces that fit in `length` letters at the word's end (or beginning), stem excluded."""
    chosen, used = [], 0
    if at_end:
        for morpheme, gloss, sep in reversed(pieces[1:]):
            if used + len(morpheme) > length:
                break
            used += len(morpheme)
            chosen.append((morpheme, gloss, sep))
        return tuple(reversed(chosen))
    for n, (morpheme, gloss, _) in enumerate(pieces[:-1]):
        if used + len(morpheme) > length:
            break
        used += len(morpheme)
        chosen.append((morpheme, gloss, pieces[n + 1][2]))  # the separator after it
    return tuple(chosen)
