"""A lexicon of attested analyses, read from IGT records (igt-clean output).

Each word of a record whose tiers pair up (see words.py) attests one
analysis: (segmentation word, gloss word). A record's glottocode scopes its
words, so one file can serve many languages; words of records without one
serve every language. Lookups try the exact key (NFC, edge punctuation
stripped) and then the case-folded key.

A word attested with several analyses is resolved by a chooser:
  frequent  the most frequent analysis;
  context   the analysis likeliest given its neighbours and the translation's
            words, by naive Bayes over the word's own attestations (below);
ties in either go to the analysis attested first (file order). An analysis
with an unknown gloss (`???`: the Uspanteko training set has 1,113) is
chosen only where the word has no other.

The context chooser scores each analysis `a` of a word as

    log count(a) + sum over the sentence's features f of
        WEIGHT[f] * log((count(f, a) + SMOOTHING * share(f)) / (count(a) + SMOOTHING))
      + TRANSLATION_MATCH if a word of a's stem glosses is a word of the translation
      + the punctuation's term again, counted over the whole language by the
        analyses' closing grams (below)

where a feature is the previous word, the next word (or the sentence's edge),
the punctuation written onto the word's end (none, "," or "." ...: a clause's
edge, which tells a Tsez converb from a finite verb) or a word of the
translation, count(f, a) counts the word's attestations with
analysis `a` and feature f, and share(f) is f's share of all the word's
attestations. A feature never seen with the word says nothing and is left out,
so a rare analysis wins only where the sentence looks like the ones it was
seen in. Against the earlier chooser (the most neighbour bigrams, then
the most frequent), on the SIGMORPHON 2023 dev sets' ambiguous word tokens:
glosses right 78.1% -> 80.0%; the word's own punctuation then added 1.0
point (79.1% -> 80.1% of the 3,187 whose tiers pair with the transcription
word for word; Tsez 72.3% -> 74.2%). Matching the translation then added another point
(2,557 -> 2,588 of those 3,187 tokens): `koj` is glossed `meter` ("put") 7 times in the
Uspanteko training set and `león` twice, and in a story about a lion the translation's "león"
says which, as a linguist reading it would; the attestations alone cannot. Uspanteko 86.3% ->
87.7%, Tsez 74.2% -> 75.9%, but Lezgi 90.1% -> 88.8% and Natugu 92.9% -> 91.5%, where
near-tied analyses such as `be-AOR`/`happened-AOR` flip. training/RESULTS.md has the MER.

A word seen a few times has seen little of its punctuation, yet what its
analyses' last grammatical glosses (closing grams: `PST.UNW` of `say-PST.UNW`,
none where a word ends in a stem) do at a clause's edge holds for every word
of the language: a Tsez converb (`-PFV.CVB`) seldom ends a sentence, a finite
verb (`-PST.UNW`) mostly does. Where a word's analyses differ in their closing
grams, each also gains WEIGHT["."] * log((count(p, g) + SMOOTHING * share(p)) /
(count(g) + SMOOTHING)), counted over all the language's words, g being the
analysis' closing gram. Lexicon + analogy on the six dev sets: 0.1659 -> 0.1653
(Tsez 0.1474 -> 0.1465, Uspanteko 0.1734 -> 0.1715, Nyangbo 0.1219 -> 0.1221);
the neighbouring words pooled the same way made the six worse (0.168-0.169).

Loading only pairs each record's words; a language's tables are built on its
first lookup, so a lexicon of every ODIN language loads fast and costs only
the languages glossed. No torch here: the lexicon baseline runs without a model.
"""

import math
from collections import Counter

from ..core import words
from ..core.io import iter_jsonl
from ..core.record import check_types
from ..core.tokens import GLOSS_BOUNDARY
from .analyses import UNKNOWN_GLOSS
from .stems import is_stem_gloss, stem_gloss_words

CHOOSERS = ("frequent", "context")

# The context chooser's (see the module's doc), set on the six SIGMORPHON 2023 dev sets
SMOOTHING = 3.0
WEIGHT = {"<": 1.0, ">": 1.0, ".": 1.0, "t": 0.15}
# ... and an analysis whose stem gloss is a word of the sentence's translation gains this much (see the doc)
TRANSLATION_MATCH = 1.0


class _Entry(dict):
    """The analyses of one key -> their counts; a dict keeps insertion order: first attested first."""

    def ranked(self, bonus=None):
        """Analyses, best first: those that gloss every morpheme before those with an unknown one
        (UNKNOWN_GLOSS, which annotators write too), then by (bonus, count), ties to the first attested."""
        order = {a: n for n, a in enumerate(self)}
        bonus = bonus or {}
        return sorted(self, key=lambda a: (UNKNOWN_GLOSS in a[1], -bonus.get(a, 0), -self[a], order[a]))


class _Scope:
    """One language's tables, built from its records' paired words on first use."""

    def __init__(self, sentences, translations):
        self.exact = {}  # exact key -> _Entry
        self.folded = {}  # folded key -> _Entry
        self._sentences = sentences
        self._translations = translations
        exact, folded = self.exact, self.folded
        places = {}  # folded key -> [(sentence, position)] of its attestations
        for s, paired in enumerate(sentences):
            for n, (word, seg_word, gloss_word) in enumerate(paired):
                analysis = (seg_word, gloss_word)
                exact_key = words.exact_key(word)
                key = exact_key.casefold()
                for table, k in ((exact, exact_key), (folded, key)):
                    entry = table.get(k)
                    if entry is None:
                        entry = table[k] = _Entry()
                    entry[analysis] = entry.get(analysis, 0) + 1
                places.setdefault(key, []).append((s, n))
        # only the words a chooser may have to choose for
        self._places = {key: found for key, found in places.items() if len(folded[key]) > 1}
        self._features = {}  # folded key -> Counter of (feature, analysis) and (feature, None), on first use
        self._closing = None  # Counter of (punctuation, closing gram), (punctuation, None), (None, closing gram), on first use

    def closing_grams(self):
        """Counter over all the scope's words: (punctuation, closing gram), (punctuation, None),
        (None, closing gram) and (None, None), their total."""
        if self._closing is None:
            counts = self._closing = Counter()
            for paired in self._sentences:
                for word, _, gloss_word in paired:
                    punctuation, gram = words.trailing_punctuation(word), closing_gram(gloss_word)
                    counts.update(((punctuation, gram), (punctuation, None), (None, gram), (None, None)))
        return self._closing

    def features(self, key):
        """Counter: (feature, analysis) -> the word's attestations with both, (feature, None) -> with the feature."""
        counts = self._features.get(key)
        if counts is None:
            counts = self._features[key] = Counter()
            for s, n in self._places.get(key, ()):
                paired = self._sentences[s]
                analysis = (paired[n][1], paired[n][2])
                for feature in sentence_features([w for w, _, _ in paired], n, self._translations[s]):
                    counts[feature, analysis] += 1
                    counts[feature, None] += 1
        return counts


def closing_gram(gloss_word):
    """A word's last grammatical gloss (`say-PST.UNW` -> `PST.UNW`), or "" where it ends in a stem."""
    last = GLOSS_BOUNDARY.split(gloss_word)[-1]
    return "" if is_stem_gloss(last) else last


def sentence_features(sentence, n, translation):
    """The context chooser's features of word n of a sentence (a list of words) with its translation."""
    before = words.folded_key(sentence[n - 1]) if n else "^"
    after = words.folded_key(sentence[n + 1]) if n + 1 < len(sentence) else "$"
    found = [("<", before), (">", after), (".", words.trailing_punctuation(sentence[n]))]
    if isinstance(translation, str):
        # each word once, in the translation's order: a set's order would change with the hash seed, and with
        # it the float sums that decide near ties
        found.extend(("t", word) for word in dict.fromkeys(w.lower() for w in words.translation_words(translation)))
    return found


class Lexicon:
    def __init__(self):
        # scope (glottocode or None) -> the paired words of its records, until its tables are built
        self._sentences = {}
        self._translations = {}  # scope -> its records' translations (None where missing), beside _sentences
        self._scopes = {}  # scope -> _Scope, built on first lookup
        self._languages = None  # sorted glottocodes, once asked for
        self.records = 0
        self.words = 0
        self.unpaired = 0  # records with tiers that could not be paired word by word

    @classmethod
    def read(cls, paths, bad=None):
        """A lexicon from JSONL record files (bad records reported through `bad`, as elsewhere)."""
        lexicon = cls()
        for _, record in iter_jsonl(paths, bad=bad, validate=check_types):
            lexicon.add(record)
        return lexicon

    def add(self, record):
        """Add the analyses a record attests (nothing if its tiers do not pair up)."""
        paired = words.analysed_words(record)
        if paired is None:
            if record.get("segmentation") and record.get("glosses"):
                self.unpaired += 1
            return
        scope = record.get("glottocode")
        if scope not in self._sentences:
            self._languages = None
        self._sentences.setdefault(scope, []).append(paired)
        self._translations.setdefault(scope, []).append(record.get("translation"))
        self._scopes.pop(scope, None)  # rebuilt with this record at the next lookup
        self.records += 1
        self.words += len(paired)

    def _scope(self, scope):
        """The scope's tables (None when it has no records)."""
        tables = self._scopes.get(scope)
        if tables is None and scope in self._sentences:
            tables = self._scopes[scope] = _Scope(self._sentences[scope], self._translations[scope])
        return tables

    def languages(self):
        """The glottocodes the lexicon has words of, sorted."""
        if self._languages is None:
            self._languages = sorted(scope for scope in self._sentences if scope is not None)
        return self._languages

    def scopes(self, glottocode):
        """The scopes a record's words are looked up in, in order."""
        if glottocode is None:
            known = self.languages()
            return [None] + (known if len(known) == 1 else [])
        return [glottocode, None]

    def folded_entries(self, scope):
        """{folded key: {analysis: count}} of one scope (empty when it has none)."""
        tables = self._scope(scope)
        return tables.folded if tables else {}

    def glossed_translations(self, scope):
        """(glosses, translation) of each of the scope's records that has a translation."""
        for paired, translation in zip(self._sentences.get(scope, ()), self._translations.get(scope, ())):
            if isinstance(translation, str) and translation.strip():
                yield " ".join(gloss for _, _, gloss in paired), translation

    def entry(self, glottocode, word):
        """(scope's tables, _Entry) of a word, or (None, None) when it is not attested."""
        for scope in self.scopes(glottocode):
            tables = self._scope(scope)
            if tables is None:
                continue
            for table, key in ((tables.exact, words.exact_key(word)), (tables.folded, words.folded_key(word))):
                found = table.get(key)
                if found is not None:
                    return tables, found
        return None, None

    def analyses(self, glottocode, word):
        """The attested analyses of a word, most frequent first ([] when unseen)."""
        _, entry = self.entry(glottocode, word)
        return entry.ranked() if entry else []

    def choose(self, glottocode, sentence, n, chooser="frequent", translation=None):
        """The analysis of word n of `sentence` (a list of words), or None when unseen."""
        tables, entry = self.entry(glottocode, sentence[n])
        if entry is None:
            return None
        if chooser == "frequent" or len(entry) == 1:
            return entry.ranked()[0]
        counts = tables.features(words.folded_key(sentence[n]))
        attested = sum(entry.values())
        features = sentence_features(sentence, n, translation)
        # (feature, its share of the word's attestations); a feature never seen with the word says nothing
        seen = [(feature, counts[feature, None] / attested) for feature in features if counts[feature, None]]
        # the translation's words, lower-cased, as the features already hold them
        in_translation = {value for kind, value in features if kind == "t"}
        bonus = {}
        for analysis, count in entry.items():
            bonus[analysis] = math.log(count) + sum(
                _evidence(feature[0], counts[feature, analysis], share, count) for feature, share in seen)
            if in_translation and stem_gloss_words(analysis[1]) & in_translation:
                bonus[analysis] += TRANSLATION_MATCH
        _add_closing_gram_evidence(bonus, tables, words.trailing_punctuation(sentence[n]))
        return entry.ranked(bonus)[0]


def _add_closing_gram_evidence(bonus, tables, punctuation):
    """The language-wide term for the word's punctuation (the module's doc), where its analyses
    differ in their closing grams and the language has words with that punctuation."""
    grams = {analysis: closing_gram(analysis[1]) for analysis in bonus}
    if len(set(grams.values())) < 2:
        return
    counts = tables.closing_grams()
    share = counts[punctuation, None] / counts[None, None] if counts[None, None] else 0.0
    if not share:
        return
    for analysis, gram in grams.items():
        bonus[analysis] += _evidence(".", counts[punctuation, gram], share, counts[None, gram])


def _evidence(kind, together, share, alone):
    """The chooser's term for one feature of a kind (the module's doc): seen `together` times with an
    analysis (or closing gram) attested `alone` times, the feature being `share` of all attestations."""
    return WEIGHT[kind] * math.log((together + SMOOTHING * share) / (alone + SMOOTHING))
