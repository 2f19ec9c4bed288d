"""A word in its context, with what the lexicon knows: the input of a word analyser
that reads evidence instead of memorising a language (the `context` unit).

A context model is asked about one word at a time, and its input carries:

    dido1241: indowribin            the language and the word
    < esnazał | xizor >             WINDOW neighbours each side (`|` marks the word)
    = and he went to the chairs     the translation, cut at TRANSLATION_BYTES
    ! chair(q'ˤuri)-PL(bi) 3        the word's own attested analyses and counts, if any
    ~ q'ˤuribin chair(q'ˤuri)-PL(bi)-TOP(n)    the analyses of the NEIGHBOURS attested
    ~ ...                                      words most like it (longest shared ending
                                               or beginning, then frequency)

and its label is the word's interleaved analysis (`GLOSS(morph)-GLOSS(morph)`),
so segmentation and glosses stay aligned by construction. For a new language
nothing is trained: its lexicon files are the evidence, served at once.

Training examples come from glossed sentences with the retrieval done against
the *other* sentences only (each sentence's own words are taken out of the
counts), so the model learns to analyse words it has not seen at the rates
real texts have, and to choose among attested analyses by context. No torch here.
"""

from collections import Counter
from dataclasses import asdict, dataclass

from ..core import interleaved, tokens, words
from ..core.record import text as record_text
from . import tasks

UNIT = "context"
# Attested words like it shown, by default (igt-format --neighbours sets others; a model records
# the number it was trained on). Each one more shows more of an unseen word's analysis and lengthens
# the input by about 38 bytes, which the encoder pays for. Trained with 5 for the same time, the
# model glossed the six dev sets worse (0.148 against 0.146) and 22% slower (make -C training
# context-k; training/RESULTS.md).
NEIGHBOURS = 3
ANALYSES = 3  # the word's own attested analyses shown, most frequent first
# The sentence's words shown each side of the word, by default (igt-format --window sets others; one
# larger than any sentence shows it whole, the word marked by `|`). Trained with 2, or the whole
# sentence, for the same time, the model glossed the six dev sets worse (0.150 and 0.149 against
# 0.146; make -C training context-window, training/RESULTS.md).
WINDOW = 1
MIN_SHARED = 2  # shortest shared ending or beginning that makes a neighbour, in letters
MAX_SHARED = 8  # longest one looked at
BUCKET = 12  # words kept per ending or beginning (the most frequent): bounds the search
TRANSLATION_BYTES = 80  # translation kept in the input, in bytes
FORMAT = 1  # bumped when the input's layout changes: models record the one they read


@dataclass(frozen=True)
class Settings:
    """How a context input is made. Written into each example (its `retrieval` field) and from
    the examples into the model's igt_tools.json, so igt-gloss asks a model in the form it
    was trained on. Examples and models from before the field hold today's defaults."""

    neighbours: int = NEIGHBOURS
    analyses: int = ANALYSES
    translation_bytes: int = TRANSLATION_BYTES
    window: int = WINDOW

    def as_dict(self):
        return {"format": FORMAT, **asdict(self)}

    @classmethod
    def from_dict(cls, data):
        """Settings as recorded (None: the defaults); ValueError names what is wrong."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError(f"retrieval settings must be a JSON object, got {type(data).__name__}")
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"context input format {data.get('format')!r}: this igt-tools reads format {FORMAT} only")
        unknown = set(data) - {"format", *asdict(cls())}
        if unknown:
            raise ValueError(f"unknown retrieval setting(s): {', '.join(sorted(unknown))}")
        values = {}
        for name, default in asdict(cls()).items():
            value = data.get(name, default)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"retrieval setting {name} must be a whole number of at least 0, got {value!r}")
            values[name] = value
        return cls(**values)


DEFAULT = Settings()
SETTINGS = DEFAULT.as_dict()  # the defaults, as igt_tools.json records them


def _analysis_text(analysis):
    segmentation, glosses = analysis
    return interleaved.make_label(segmentation, glosses)


def label_of(seg_word, gloss_word):
    """The interleaved label of an analysis, or None where its morphemes and glosses do not pair."""
    try:
        return interleaved.make_label(seg_word, gloss_word)
    except interleaved.Misaligned:
        return None


class Evidence:
    """One language's attested words: folded key -> Counter of analyses, with an index of
    endings and beginnings to find the words most like an unseen one."""

    def __init__(self, entries):
        # folded key -> {analysis: count}, analyses that cannot be shown interleaved left out
        entries = {key: {a: n for a, n in counts.items() if label_of(*a) is not None} for key, counts in entries.items()}
        self.entries = {key: counts for key, counts in entries.items() if counts}
        self.totals = {key: sum(counts.values()) for key, counts in self.entries.items()}
        self.endings, self.beginnings = {}, {}
        ranked = sorted(self.entries, key=lambda key: -self.totals[key])
        for key in ranked:
            for length in range(MIN_SHARED, min(len(key), MAX_SHARED) + 1):
                for table, affix in ((self.endings, key[-length:]), (self.beginnings, key[:length])):
                    bucket = table.setdefault(affix, [])
                    if len(bucket) < BUCKET:
                        bucket.append(key)

    def analyses(self, key, own=None):
        """The word's attested analyses with counts, most frequent first; `own` (a Counter of
        (key, analysis)) is taken out of the counts: the sentence being made an example of."""
        counts = self.entries.get(key)
        if not counts:
            return []
        out = [(a, n - (own[key, a] if own else 0)) for a, n in counts.items()]
        return sorted((item for item in out if item[1] > 0), key=lambda item: -item[1])

    def neighbours(self, key, own=None, limit=NEIGHBOURS):
        """[(key, analysis)] of the attested words most like `key` (itself excluded)."""
        shared = {}  # candidate -> (longest shared end or beginning, the two together)
        for table, at_end in ((self.endings, True), (self.beginnings, False)):
            for length in range(min(len(key), MAX_SHARED), MIN_SHARED - 1, -1):
                for candidate in table.get(key[-length:] if at_end else key[:length], ()):
                    if candidate == key:
                        continue
                    end, begin = shared.get(candidate, (0, 0))
                    shared[candidate] = (max(end, length), begin) if at_end else (end, max(begin, length))
        ranked = sorted(shared, key=lambda c: (-max(shared[c]), -sum(shared[c]), -self.totals[c], c))
        out = []
        for candidate in ranked:
            analyses = self.analyses(candidate, own)
            if analyses:
                out.append((candidate, analyses[0][0]))
                if len(out) == limit:
                    break
        return out


class Retrieval:
    """The evidence of each language of a lexicon, built on first use."""

    def __init__(self, lexicon):
        self.lexicon = lexicon
        self._evidence = {}

    def evidence(self, glottocode):
        """The first of the lexicon's scopes for a record's language that has words, or None."""
        for scope in self.lexicon.scopes(glottocode):
            if scope not in self._evidence:
                entries = self.lexicon.folded_entries(scope)
                self._evidence[scope] = Evidence(entries) if entries else None
            if self._evidence[scope] is not None:
                return self._evidence[scope]
        return None


def context_input(sentence, n, record, evidence, own=None, settings=DEFAULT):
    """The model input for word n of `sentence` (its words), with the evidence of its language."""
    word = sentence[n]
    key = words.folded_key(word)
    before = " ".join(words.exact_key(w) for w in sentence[max(0, n - settings.window): n])
    after = " ".join(words.exact_key(w) for w in sentence[n + 1: n + 1 + settings.window])
    lines = [tasks.word_input(word, record), f"< {before} | {after} >"]
    translation = record_text(record, "translation")
    if translation:
        lines.append("= " + translation.encode("utf-8")[: settings.translation_bytes].decode("utf-8", "ignore"))
    if evidence is not None:
        for analysis, count in evidence.analyses(key, own)[: settings.analyses]:
            lines.append(f"! {_analysis_text(analysis)} {count}")
        for neighbour, analysis in evidence.neighbours(key, own, settings.neighbours):
            lines.append(f"~ {neighbour} {_analysis_text(analysis)}")
    return "\n".join(lines)


def _paired_sentences(records):
    """(record, [(word, seg word, gloss word)]) of the records whose tiers pair up."""
    for record in records:
        paired = words.analysed_words(record)
        if paired:
            yield record, paired


def training_examples(records, attested_share=0.1, ambiguous_share=0.3, seed=0, settings=DEFAULT):
    """Labelled context examples from glossed records, each sentence's words retrieved
    against the other sentences of its language only.

    Every token unseen elsewhere is kept; of the tokens whose word has several
    analyses elsewhere, `ambiguous_share` (most are frequent function words that
    would fill the data); of the rest (one analysis attested elsewhere: the
    lexicon's fast path at glossing time), `attested_share`, so the model still
    learns to copy. The sample is the same for the same records and seed.
    """
    import random

    rng = random.Random(seed)
    by_language = {}
    for record, paired in _paired_sentences(records):
        by_language.setdefault(record.get("glottocode"), []).append((record, paired))
    for glottocode, sentences in by_language.items():
        entries = {}
        for _, paired in sentences:
            for word, seg_word, gloss_word in paired:
                if label_of(seg_word, gloss_word) is None:
                    continue  # an analysis that cannot be shown is no evidence
                counts = entries.setdefault(words.folded_key(word), Counter())
                counts[seg_word, gloss_word] += 1
        evidence = Evidence(entries)
        for record, paired in sentences:
            own = Counter((words.folded_key(w), (s, g)) for w, s, g in paired)
            sentence = [w for w, _, _ in paired]
            for n, (word, seg_word, gloss_word) in enumerate(paired):
                label = label_of(seg_word, gloss_word)
                if tokens.is_punctuation(word) or tokens.is_droppable(seg_word) or label is None:
                    continue
                attested = evidence.analyses(words.folded_key(word), own)
                kind = "unseen" if not attested else "ambiguous" if len(attested) > 1 else "attested"
                share = {"unseen": 1.0, "ambiguous": ambiguous_share, "attested": attested_share}[kind]
                if rng.random() >= share:
                    continue
                yield {
                    "id": record.get("id"),
                    "word": n,
                    "glottocode": glottocode,
                    "task": "interleaved",
                    "unit": UNIT,
                    "evidence": kind,
                    "input": context_input(sentence, n, record, evidence, own, settings),
                    "label": label,
                    "retrieval": settings.as_dict(),
                }


def examples_against(records, retrieval, split="eval", settings=DEFAULT):
    """Context examples of records, retrieved against a lexicon (`Retrieval`, or None: no
    evidence): how a user's
    texts are asked about. Labelled where the record's tiers pair up; in the training split
    a record without them is left out, in the eval split its words get a null label."""
    for record in records:
        paired = words.analysed_words(record)
        if paired:
            sentence = [w for w, _, _ in paired]
            labels = [None if tokens.is_punctuation(w) or tokens.is_droppable(s) else label_of(s, g)
                      for w, s, g in paired]
        elif split == "train":
            continue
        else:
            sentence = (record_text(record, "transcription") or "").split()
            labels = [None] * len(sentence)
        evidence = retrieval.evidence(record.get("glottocode")) if retrieval is not None else None
        for n, (word, label) in enumerate(zip(sentence, labels)):
            if tokens.is_punctuation(word) or (paired and label is None):
                continue
            yield {"id": record.get("id"), "word": n, "glottocode": record.get("glottocode"),
                   "task": "interleaved", "unit": UNIT,
                   "input": context_input(sentence, n, record, evidence, settings=settings), "label": label,
                   "retrieval": settings.as_dict()}
