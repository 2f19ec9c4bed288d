"""A lexicon of attested analyses, read from IGT records (igt-clean output).

Each word of a record whose tiers pair up (see words.py) attests one
analysis: (segmentation word, gloss word). A record's glottocode scopes its
words, so one file can serve many languages; words of records without one
serve every language. Lookups try the exact key (NFC, edge punctuation
stripped) and then the case-folded key.

A word attested with several analyses is resolved by a chooser:
  frequent  the most frequent analysis;
  context   the analysis most often seen after the same previous word or
            before the same next word, then the most frequent;
ties in either go to the analysis attested first (file order).

No torch here: the lexicon baseline runs without a model.
"""

from collections import Counter
from . import words
from .io import iter_jsonl
from .record import check_types

CHOOSERS = ("frequent", "context")


class _Entry(dict):
    """The analyses of one key -> their counts; a dict keeps insertion order: first attested first."""

    def ranked(self, bonus=None):
        """Analyses, best first: by (bonus, count), ties to the first attested."""
        order = {a: n for n, a in enumerate(self)}
        bonus = bonus or {}
        return sorted(self, key=lambda a: (-bonus.get(a, 0), -self[a], order[a]))


class Lexicon:
    def __init__(self):
        # scope (glottocode or None) -> {key: _Entry}, for the exact and the folded keys
        self._exact = {}
        self._folded = {}
        # (scope, folded key, neighbour side "<" or ">", neighbour's folded key, analysis) -> count
        self._context = {}
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
        self.records += 1
        scope = record.get("glottocode")
        exact, folded, context = self._exact.setdefault(scope, {}), self._folded.setdefault(scope, {}), self._context
        exact_keys = [words.exact_key(w) for w, _, _ in paired]
        keys = [k.casefold() for k in exact_keys]
        last = len(paired) - 1
        for n, (_, seg_word, gloss_word) in enumerate(paired):
            analysis = (seg_word, gloss_word)
            for table, key in ((exact, exact_keys[n]), (folded, keys[n])):
                entry = table.get(key)
                if entry is None:
                    entry = table[key] = _Entry()
                entry[analysis] = entry.get(analysis, 0) + 1
            if n:
                item = (scope, keys[n], "<", keys[n - 1], analysis)
                context[item] = context.get(item, 0) + 1
            if n < last:
                item = (scope, keys[n], ">", keys[n + 1], analysis)
                context[item] = context.get(item, 0) + 1
        self.words += len(paired)

    def languages(self):
        return sorted(scope for scope in self._exact if scope is not None)

    def scopes(self, glottocode):
        """The scopes a record's words are looked up in, in order."""
        if glottocode is None:
            known = self.languages()
            return [None] + (known if len(known) == 1 else [])
        return [glottocode, None]

    def folded_entries(self, scope):
        """{folded key: {analysis: count}} of one scope (empty when it has none)."""
        return self._folded.get(scope, {})

    def entry(self, glottocode, word):
        """(scope, _Entry) of a word, or (None, None) when it is not attested."""
        for scope in self.scopes(glottocode):
            for table, key in ((self._exact, words.exact_key(word)), (self._folded, words.folded_key(word))):
                found = table.get(scope, {}).get(key)
                if found is not None:
                    return scope, found
        return None, None

    def analyses(self, glottocode, word):
        """The attested analyses of a word, most frequent first ([] when unseen)."""
        _, entry = self.entry(glottocode, word)
        return entry.ranked() if entry else []

    def choose(self, glottocode, sentence, n, chooser="frequent"):
        """The analysis of word n of `sentence` (a list of words), or None when unseen."""
        scope, entry = self.entry(glottocode, sentence[n])
        if entry is None:
            return None
        if chooser == "frequent" or len(entry) == 1:
            return entry.ranked()[0]
        key = words.folded_key(sentence[n])
        bonus = Counter()
        for side, m in (("<", n - 1), (">", n + 1)):
            if 0 <= m < len(sentence):
                neighbour = words.folded_key(sentence[m])
                for analysis in entry:
                    bonus[analysis] += self._context.get((scope, key, side, neighbour, analysis), 0)
        return entry.ranked(bonus)[0]
