"""Glossing word by word: the lexicon's analyses, then, for the words it does
not attest, a word-level model's analysis where the model is sure of it
(TRUST_MODEL), else a guess by analogy, else the model's analysis anyway.

Used by igt-gloss with --lexicon alone (no model, no torch) and with a model
trained on igt-format --unit word examples. Each distinct model input
(glottocode + word) is decoded once, and its output remembered for the
chunks after (the latest REMEMBERED_OUTPUTS of them).

A context model (igt-format --unit context, examples/context.py) reads the word
with its neighbours, the translation and what the lexicon knows. It is asked
about unseen words and, with a `trust_choice`, about attested words whose
analyses are ambiguous (no analysis has AMBIGUOUS_SHARE of the word's
attestations); of the latter, an output that is one of the attested analyses
and at least that sure replaces the lexicon's choice. Without one (the
default: no context model trained here has yet chosen better than the
lexicon, training/RESULTS.md) attested words stay on the lexicon's fast path.
With a `choice_margin` the model scores those analyses instead (teacher-forced,
no search), and one at least that much likelier than the lexicon's choice
replaces it (training/choice_rules.py measures it: worse than the lexicon so far).

With a `rerank_margin`, the model (a context model: the word model, without the
sentence, gains little, training/RESULTS.md) also scores analogy's candidate analyses of an
unseen word (Analogy.candidates, teacher-forced: no search), and where its own
output is not trusted, the candidate it finds likeliest replaces analogy's
guess when it is at least that much likelier (mean token log-probability).
The word stays "analogy": the analysis is analogy's, the model only chose it.
With a `trust_unknown_stem`, the model's own analysis needs only that sureness
where analogy's (so chosen) leaves a stem unknown, for the translation to fill:
the weaker rival (the context model's default, CONTEXT_TRUST_UNKNOWN_STEM).
`rerank_languages` (glottocodes; languages_to_rerank) limits that choice to the
languages the model learnt enough of: in one it never saw, or that was a small share
of its training, its judgement of affixes is a guess (training/RESULTS.md: Arapaho,
Gitksan). Without `decode_guessed` the model only chooses:
it decodes just the words analogy cannot guess.

A model input is encoded once for both its search and its candidates' scores, and
the search gives up on an output that can no longer be trusted where analogy's guess
would stand in for it anyway (Decoder.decode_and_score; the same output either way).
"""

import math

from ..core import interleaved, tokens, words
from ..core.record import text as record_text
from ..examples import context as word_context
from ..examples import tasks
from . import analyses as wa
from .output import error_record, output_record

# Longest output of a word model, in tokens per byte of the word plus a floor:
# an interleaved word label is at most 11 times its word's length in the
# SIGMORPHON 2023 and ODIN data (99% within 7 times), 49 bytes at most for a
# one-letter word. A weak model that loops then stops early.
WORD_OUTPUT_RATIO = 12
WORD_OUTPUT_FLOOR = 40


# With analogy and a word model, an unseen word takes the model's analysis when the
# model's mean token log-probability for it is at least this, else analogy's guess.
# Chosen on the six SIGMORPHON 2023 dev sets (before translation stems): -0.05 and -0.1 did best, better than
# analogy alone; -0.2, and the model always, worse (training/RESULTS.md has the systems' MER).
TRUST_MODEL = -0.1

# A context model's defaults in igt-gloss: its own analysis where at least this sure, else its likeliest of
# analogy's candidates (a rerank margin of 0); where that candidate leaves a stem unknown (for the translation
# to fill), already at CONTEXT_TRUST_UNKNOWN_STEM. Measured on the six dev sets (training/rerank_rules.py: -0.03
# and -0.07 the best of 35 rules, six 0.1504 -> 0.1488 against one threshold of -0.05; training/RESULTS.md).
CONTEXT_TRUST_MODEL = -0.03
CONTEXT_TRUST_UNKNOWN_STEM = -0.07
CONTEXT_RERANK_MARGIN = 0.0

# An attested word goes to a context model when its most frequent analysis has
# less than this share of its attestations (below it the lexicon's choice is a coin toss).
AMBIGUOUS_SHARE = 0.9

# A model chooses among analogy's candidates only for a language it was trained on with at least
# RERANK_MIN_EXAMPLES examples that are at least RERANK_MIN_SHARE of all its training examples: a
# language a few batches in a hundred taught, its judgement of affixes is a guess. Measured
# (training/RESULTS.md, "2026-12-06, late night"): Arapaho (none) lost, and so did Gitksan (123 of
# models/sigmorphon's 42,863, 0.3%: 0.531 against 0.524 without); the other five of the six (4.2% to 30%)
# and the demo's live model (its 191 examples all of one language) gained.
RERANK_MIN_EXAMPLES = 100
RERANK_MIN_SHARE = 0.01


def languages_to_rerank(counts, min_examples=RERANK_MIN_EXAMPLES, min_share=RERANK_MIN_SHARE):
    """The glottocodes of {glottocode: training examples} a model learnt enough of to choose among
    analogy's candidates for; None where there are no counts (the model does not say: any language)."""
    total = sum(counts.values())
    if not total:
        return None
    return {code for code, count in counts.items() if count >= min_examples and count >= min_share * total}

# Model outputs kept for words seen again in later chunks (a dict entry each).
REMEMBERED_OUTPUTS = 100_000


def word_output_limit(word):
    return WORD_OUTPUT_RATIO * len(words.exact_key(word).encode("utf-8")) + WORD_OUTPUT_FLOOR


def new_counts():
    """What a glosser counts, for igt-gloss's progress and summary."""
    return {"records": 0, "glossed": 0, "errors": 0, "malformed_records": 0, "malformed_pieces": 0,
            "words": {name: 0 for name in wa.PROVENANCES}}


def parse_word(output):
    """(segmentation word, gloss word, malformed pieces) of one word's model output.

    An output of several words is joined into one (morphemes with `-`, so the
    sentence keeps one word per input word) and counted malformed.
    """
    parsed = interleaved.parse(output)
    seg_words = (parsed.segmentation or "").split()
    gloss_words = (parsed.glosses or "").split()
    malformed = parsed.malformed
    if len(seg_words) != 1 or len(gloss_words) != 1:
        malformed += 1
    segmentation = "-".join(seg_words) or None
    glosses = "-".join(gloss_words) or None
    return segmentation, glosses, malformed


class WordGlosser:
    """Records in, glossed records out, word by word.

    `decoder` and `tokenizer` are None for the lexicon alone.
    """

    def __init__(self, lexicon, chooser, decoder=None, tokenizer=None,
                 max_input_tokens=1024, confidence=False, analogy=None, trust_model=TRUST_MODEL,
                 context=False, ambiguous_share=AMBIGUOUS_SHARE, ask_all=False, trust_choice=None,
                 rerank_margin=None, rerank_languages=None, decode_guessed=True, choice_margin=None,
                 trust_unknown_stem=None, give_up=True, retrieval_settings=word_context.DEFAULT):
        self.lexicon = lexicon
        # A context model's input form, as it was trained (its igt_tools.json)
        self.retrieval_settings = retrieval_settings
        # A context model's evidence: the lexicon's words, served by retrieval
        self.retrieval = word_context.Retrieval(lexicon) if context and lexicon is not None else None
        self.context = context
        self.ambiguous_share = ambiguous_share
        # None: ambiguous words are not asked about (measured with training/thresholds.py)
        self.trust_choice = trust_choice
        # Every word to the model, attested ones too (the lexicon is then evidence only): to measure the model
        self.ask_all = ask_all
        self.analogy = analogy
        self.trust_model = trust_model
        # None: trust_model, whatever analogy guessed; else the threshold where its guess leaves a stem unknown
        self.trust_unknown_stem = trust_model if trust_unknown_stem is None else trust_unknown_stem
        # None: the model does not choose among analogy's candidates for unseen words
        self.rerank_margin = rerank_margin if analogy is not None else None
        # None: any language; else the glottocodes the model may choose for
        self.rerank_languages = None if rerank_languages is None else frozenset(rerank_languages)
        # False: a word analogy can guess is not decoded, the model only chooses among its candidates
        self.decode_guessed = decode_guessed
        # False: every output decoded whole, even one that can no longer be trusted (to measure rules)
        self.give_up = give_up
        # None: an ambiguous attested word keeps the lexicon's choice; else a context model scores
        # its attested analyses, and one at least this much likelier than that choice replaces it
        self.choice_margin = choice_margin if context else None
        self.chooser = chooser
        self.decoder = decoder
        self.tokenizer = tokenizer
        self.max_input_tokens = max_input_tokens
        self.confidence = confidence
        self.counts = new_counts()
        # model input -> its parsed output, across chunks (words repeat all through a text)
        self._outputs = {}
        # (model input, candidate's label) -> the model's mean token log-probability for it
        self._scores = {}

    def gloss(self, chunk, on_inputs=None):
        """[(Location, record)] -> the output records, in the same order."""
        plans = []
        unique = {}  # model input text -> the output cap of each word to decode
        needed = set()  # model inputs whose output is of use even when not trusted
        to_score = {}  # model input text -> candidate labels to score
        for location, record in chunk:
            problem = wa.cannot_gloss(record)
            if problem:
                plans.append(problem)
                continue
            analyses = wa.from_lexicon(record, self.lexicon, self.chooser)
            if self.ask_all and self.decoder is not None:
                for item in analyses:
                    if not tokens.is_punctuation(item.word):
                        item.provenance = None
            if self.analogy is not None:
                # Asked about every word, the model is asked about these too.
                if not (self.ask_all and self.decoder is not None):
                    self.analogy.keep_translation_words(analyses, record)
                # Without a model, the guesses stand; with one, they compete with its outputs.
                wa.guess_unseen(analyses, self.analogy, record.get("glottocode"), hold=self.decoder is not None)
            if self.decoder is not None:
                for item in analyses:
                    if self.context and self.trust_choice is not None and item.provenance == "lexicon":
                        item.attested = self._ambiguous(record, item.word)
                    if item.provenance is None or item.attested:
                        item.model_input = self._model_input(record, item)
                        if self._decodes(item) and item.model_input not in self._outputs:
                            unique.setdefault(item.model_input, word_output_limit(item.word))
                            if item.guess is None or item.attested:
                                needed.add(item.model_input)  # its output is used however unsure
                    if item.guess is not None and item.model_input is not None and self._reranks(record):
                        self._plan_rerank(record, item, to_score)
                    if item.provenance == "lexicon" and not item.attested and self._scores_choice(record):
                        self._plan_choice(record, item, to_score)
            plans.append(analyses)
        self._ask_model(unique, needed, to_score, on_inputs)
        out = []
        for (location, record), plan in zip(chunk, plans):
            self.counts["records"] += 1
            if isinstance(plan, str):
                self.counts["errors"] += 1
                out.append(error_record(location, record, plan))
                continue
            out.append(self._glossed(record, plan))
        # Keep the outputs of the latest words only, so memory stays bounded on any input.
        for remembered in (self._outputs, self._scores):
            for key in list(remembered)[: max(0, len(remembered) - REMEMBERED_OUTPUTS)]:
                del remembered[key]
        return out

    def _decodes(self, item):
        """Whether the model is asked for its own analysis of a word it is asked about."""
        return self.decode_guessed or item.guess is None or bool(item.attested)

    def _reranks(self, record):
        """Whether the model chooses among analogy's candidates for the record's language."""
        return self._chooses(self.rerank_margin, record)

    def _scores_choice(self, record):
        """Whether the model chooses among an ambiguous attested word's analyses in the record's language."""
        return self._chooses(self.choice_margin, record)

    def _chooses(self, margin, record):
        """Whether the model makes a choice that has this margin (None: not asked) in the record's language."""
        if margin is None:
            return False
        return self.rerank_languages is None or record.get("glottocode") in self.rerank_languages

    def _plan_choice(self, record, item, to_score):
        """An ambiguous attested word's analyses, the lexicon's choice first, their labels queued for scoring."""
        labelled = [(analysis, label) for analysis in self._ambiguous(record, item.word)
                    if (label := word_context.label_of(*analysis)) is not None]
        # the lexicon's choice, as item.set wrote it (the segmentation in the word's normalisation form)
        chosen = next((n for n, ((seg, gloss), _) in enumerate(labelled)
                       if (words.in_form_of(seg, item.word), gloss) == (item.segmentation, item.glosses)), None)
        if len(labelled) < 2 or chosen is None:
            return  # nothing to choose, or the lexicon's own choice cannot be scored
        labelled.insert(0, labelled.pop(chosen))
        item.model_input = self._model_input(record, item)
        item.choices = labelled
        self._queue(item.model_input, [label for _, label in labelled], to_score)

    def _queue(self, model_input, labels, to_score):
        """Labels to score for a model input, those not yet scored."""
        for label in labels:
            if (model_input, label) not in self._scores:
                queued = to_score.setdefault(model_input, [])
                if label not in queued:
                    queued.append(label)

    def _likeliest(self, model_input, labelled, margin):
        """The first of [(analysis, label)], or the one the model finds at least `margin` likelier."""
        scores = [self._scores[model_input, label] for _, label in labelled]
        best = max(range(len(scores)), key=lambda n: (scores[n], -n))
        if best and scores[best] - scores[0] >= margin:
            return labelled[best][0]
        return labelled[0][0]

    def _plan_rerank(self, record, item, to_score):
        """Analogy's candidates for an unseen word, their labels queued for scoring where not yet scored."""
        labelled = []
        for candidate in self.analogy.candidates(record.get("glottocode"), item.word):
            label = word_context.label_of(*candidate)
            if label is not None:
                labelled.append((candidate, label))
        if len(labelled) < 2 or labelled[0][0] != item.guess:
            return  # nothing to choose, or the guess itself cannot be scored
        item.candidates = labelled
        self._queue(item.model_input, [label for _, label in labelled], to_score)

    def _ask_model(self, to_decode, needed, to_score, on_inputs):
        """Decode the new model inputs ({text: output cap}) and score the queued candidates, each
        input encoded once for both.

        A word whose own analysis is trusted keeps it: its candidates need no scores. An
        output not `needed` is of use only where trusted, so its search gives up once it
        can no longer be (Decoder.decode's floor: the lower threshold).
        """
        # a word decoded in an earlier chunk: scored only if not trusted
        to_score = {text: labels for text, labels in to_score.items() if text in to_decode or not self._trusted(text)}
        texts = list(dict.fromkeys([*to_decode, *to_score]))
        if not texts:
            return
        floor = min(self.trust_model, self.trust_unknown_stem)
        if not self.give_up or not -math.inf < floor < math.inf:
            floor = None  # (an infinite floor: never trusted, nothing to give up on)
        labels = [to_score.get(text, []) for text in texts]
        parsed = {}  # input index -> its parsed output, parsed once for both uses below

        def output(i, hypothesis):
            if i not in parsed:
                parsed[i] = self._parsed(hypothesis)
            return parsed[i]

        hypotheses, scores = self.decoder.decode_and_score(
            self._input_ids(texts), decode=[text in to_decode for text in texts],
            limits=[to_decode.get(text) for text in texts],
            floors=[None if text in needed else floor for text in texts],
            candidates=[[self.tokenizer(label).input_ids for label in row] for row in labels],
            still_wanted=lambda i, hypothesis: not self._trusted_output(output(i, hypothesis)),
            on_batch=on_inputs)
        for i, (text, hypothesis) in enumerate(zip(texts, hypotheses)):
            if hypothesis is not None:
                self._outputs[text] = output(i, hypothesis)
        for text, row, scored in zip(texts, labels, scores):
            for label, hypothesis in zip(row, scored or ()):
                self._scores[text, label] = hypothesis.confidence

    def _trusted(self, model_input, guess=None):
        """Whether the model's decoded analysis of an input (if it was decoded) beats analogy's `guess`
        (None: beats whatever analogy guessed)."""
        return model_input in self._outputs and self._trusted_output(self._outputs[model_input], guess)

    def _trusted_output(self, output, guess=None):
        """_trusted for a parsed output (parse_word's, with its hypothesis)."""
        if guess is None:
            threshold = max(self.trust_model, self.trust_unknown_stem)
        else:
            threshold = self.trust_unknown_stem if wa.has_unknown_gloss(guess[1]) else self.trust_model
        segmentation, glosses, _, hypothesis = output
        return bool(segmentation and glosses) and hypothesis.confidence >= threshold

    def _reranked_guess(self, item):
        """Analogy's guess (its first candidate), or the candidate the model finds at least rerank_margin likelier."""
        return self._likeliest(item.model_input, item.candidates, self.rerank_margin)

    def _ambiguous(self, record, word):
        """The word's attested analyses when none has ambiguous_share of them, else ()."""
        _, entry = self.lexicon.entry(record.get("glottocode"), word)
        if entry is None or len(entry) < 2 or max(entry.values()) >= self.ambiguous_share * sum(entry.values()):
            return ()
        return tuple(entry)

    def _model_input(self, record, item):
        if not self.context:
            return tasks.word_input(item.word, record)
        sentence = (record_text(record, "transcription") or "").split()
        evidence = self.retrieval.evidence(record.get("glottocode")) if self.retrieval is not None else None
        return word_context.context_input(sentence, item.position, record, evidence, settings=self.retrieval_settings)

    def _input_ids(self, texts):
        return [self.tokenizer(text).input_ids[: self.max_input_tokens] for text in texts]

    def _parsed(self, hypothesis):
        """(segmentation, glosses, malformed, hypothesis) of a model output.

        An output that never ended is no analysis (one malformed piece): cut at its word's
        length limit, it is most often a loop (`nih'oo3-o3-o3-o3-...`: 281 of the Arapaho dev
        set's words with the shipped context model and the six lexicons, training/RESULTS.md
        "2026-12-07"), whose readable start would otherwise be taken for one."""
        if not hypothesis.ended:
            return None, None, 1, hypothesis
        return (*parse_word(self.tokenizer.decode(hypothesis.tokens, skip_special_tokens=True)), hypothesis)

    def _glossed(self, record, analyses):
        malformed, logprob, length = 0, 0.0, 0
        word_confidence = []  # per analysis: its model output's confidence, None where the model did not gloss it
        for item in analyses:
            score = None
            if item.choices:
                # The model chose among the attested analyses: the word stays "lexicon".
                item.set(*self._likeliest(item.model_input, item.choices, self.choice_margin), "lexicon")
            if item.attested and item.model_input is not None:
                # The model chooses among the attested analyses only: an attested analysis stays "lexicon".
                segmentation, glosses, _, hypothesis = self._outputs[item.model_input]
                if (segmentation, glosses) in item.attested and hypothesis.confidence >= self.trust_choice:
                    item.set(segmentation, glosses, "lexicon")
                    score = hypothesis.confidence
            # analogy's analysis, the model's choice among its candidates where it chose (their scores are
            # there unless the model's own analysis is trusted whatever analogy guessed)
            guess = item.guess
            if guess is not None and item.candidates and not self._trusted(item.model_input):
                guess = self._reranked_guess(item)
            if item.provenance is None and item.model_input is not None and self._decodes(item):
                segmentation, glosses, pieces, hypothesis = self._outputs[item.model_input]
                if segmentation and glosses and (guess is None or self._trusted(item.model_input, guess)):
                    item.set(segmentation, glosses, "model")
                    score = hypothesis.confidence
                    malformed += pieces
                    logprob, length = logprob + hypothesis.logprob, length + hypothesis.length
                elif guess is None:
                    malformed += pieces  # the model's output was all there was, and unusable
            if item.provenance is None and guess is not None:
                item.set(*guess, "analogy")
            word_confidence.append(score)
        if self.analogy is not None:
            self.analogy.gloss_unknown_stems(analyses, record)
        wa.fill_unknown(analyses)
        segmentation, glosses, provenance = wa.assemble(analyses)
        for name in provenance:
            self.counts["words"][name] += 1
        self.counts["glossed"] += 1
        self.counts["malformed_records"] += malformed > 0
        self.counts["malformed_pieces"] += malformed
        fields = {"segmentation": segmentation, "glosses": glosses, "malformed": malformed, "provenance": provenance}
        if self.confidence:
            # Over the model's words only: the lexicon's are attested, not predicted.
            fields["confidence"] = logprob / length if length else 0.0
            fields["word_confidence"] = word_confidence
        return output_record(record, fields)
