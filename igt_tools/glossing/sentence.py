"""Glossing a sentence at a time with a sentence-unit model: prompts, decoding,
parsing, per-record errors; the lexicon's words in place of the model's.

The decoder and tokenizer come from the model package; this module imports
neither torch nor transformers.
"""

from ..core import tokens
from ..examples import tasks
from . import analyses as wa
from .output import error_record, output_record
from .word import new_counts

# Longest output of a sentence model, in tokens per byte of the transcription
# plus a floor (within --max-new-tokens): an interleaved label is 2.6 times its
# transcription's length at the median of the SIGMORPHON 2023 and ODIN data,
# 5.5 times at the 99.9th percentile, 11 at most. A weak model that loops then
# stops early instead of writing --max-new-tokens bytes for every sentence.
SENTENCE_OUTPUT_RATIO = 8
SENTENCE_OUTPUT_FLOOR = 128


class SentenceGlosser:
    """Records in, glossed records out, a sentence at a time: prompts, decoding, parsing, per-record errors.

    With a lexicon, the words it attests take its analyses and the model's
    fill the rest, position by position, when the model wrote one word per
    input word (else the rest get the empty analysis).
    """

    def __init__(self, decoder, tokenizer, task, prompts, max_input_tokens, keep_raw=False, confidence=False,
                 lexicon=None, chooser="frequent", analogy=None):
        self.decoder = decoder
        self.tokenizer = tokenizer
        self.task = task
        self.prompts = prompts
        self.max_input_tokens = max_input_tokens
        self.keep_raw = keep_raw
        self.confidence = confidence
        self.lexicon = lexicon
        self.chooser = chooser
        self.analogy = analogy
        self.subtasks = tasks.MAIN_SUBTASKS[task]
        self.counts = new_counts()
        # Token ids that end an output word (whitespace bytes), for per-word confidence
        self.separators = frozenset(tokenizer(" \t\n\r", add_special_tokens=False).input_ids) if confidence else None

    def gloss(self, chunk, on_inputs=None):
        """[(Location, record)] -> the output records, in the same order."""
        unique = {}  # token ids -> position in `inputs`: identical inputs are decoded once
        inputs, limits, plans = [], [], []
        for location, record in chunk:
            plan = self._plan(location, record)
            if isinstance(plan, dict):
                limit = sentence_output_limit(record)
                for name, ids in plan.items():
                    key = tuple(ids)
                    if key not in unique:
                        unique[key] = len(inputs)
                        inputs.append(ids)
                        limits.append(limit)
                    plan[name] = unique[key]
            plans.append(plan)
        hypotheses = self.decoder.decode(inputs, on_batch=on_inputs, limits=limits)
        texts = [self.tokenizer.decode(h.tokens, skip_special_tokens=True) for h in hypotheses]
        output = []
        for (location, record), plan in zip(chunk, plans):
            self.counts["records"] += 1
            if isinstance(plan, str):
                self.counts["errors"] += 1
                output.append(error_record(location, record, plan))
            else:
                output.append(self._glossed(record, {name: texts[i] for name, i in plan.items()},
                                            [hypotheses[i] for i in plan.values()]))
        return output

    def _plan(self, location, record):
        """{sub-task: token ids} for the record, or the message saying why it cannot be glossed."""
        problem = wa.cannot_gloss(record)
        if problem:
            return problem
        plan = {}
        for name, prompt in tasks.inference_inputs(record, self.task, self.prompts).items():
            ids = self.tokenizer(prompt).input_ids
            if len(ids) > self.max_input_tokens:
                return (
                    f"input too long: {len(ids)} tokens, over the limit of {self.max_input_tokens} "
                    "(--max-input-tokens)"
                )
            plan[name] = ids
        return plan

    def _glossed(self, record, outputs, hypotheses):
        parsed = tasks.combine_predictions(self.task, outputs)
        fields = {"segmentation": parsed.segmentation, "glosses": parsed.glosses, "malformed": parsed.malformed}
        scores = self._word_scores(hypotheses) if self.confidence else None
        if self.lexicon is not None and parsed.segmentation is not None and parsed.glosses is not None:
            fields["segmentation"], fields["glosses"], fields["provenance"], word_confidence = self._with_lexicon(
                record, parsed, scores)
        else:
            tier = parsed.glosses if parsed.glosses is not None else parsed.segmentation
            fields["provenance"] = ["model"] * len((tier or "").split())
            fitting = scores is not None and len(scores) == len(fields["provenance"])
            word_confidence = scores if fitting else [None] * len(fields["provenance"])
        for name in fields["provenance"]:
            self.counts["words"][name] += 1
        if self.keep_raw:
            fields["prediction"] = outputs[self.subtasks[0]] if len(outputs) == 1 else outputs
        if self.confidence:
            # One figure per record: over every token of every output (multitask has two).
            fields["confidence"] = sum(h.logprob for h in hypotheses) / max(1, sum(h.length for h in hypotheses))
            fields["word_confidence"] = word_confidence
        self.counts["glossed"] += 1
        self.counts["malformed_records"] += parsed.malformed > 0
        self.counts["malformed_pieces"] += parsed.malformed
        return output_record(record, fields)

    def _word_scores(self, hypotheses):
        """Per output word, the mean log-probability of its tokens (see --help), or None."""
        if self.task == "concatenated":
            return None
        per_output = [h.word_confidences(self.separators) for h in hypotheses]
        if any(scores is None for scores in per_output) or len({len(scores) for scores in per_output}) != 1:
            return None
        return [sum(scores) / len(scores) for scores in zip(*per_output)]

    def _with_lexicon(self, record, parsed, scores=None):
        """(segmentation, glosses, provenance, word confidence) with the lexicon's words in place of the model's."""
        analyses = wa.from_lexicon(record, self.lexicon, self.chooser)
        # The model writes no punctuation-only words: pair its words with the others.
        slots = [a for a in analyses if not tokens.is_punctuation(a.word)]
        seg_words, gloss_words = parsed.segmentation.split(), parsed.glosses.split()
        confidence = {}  # id(analysis) -> the model word's score
        if len(seg_words) == len(gloss_words) == len(slots):
            fitting = scores is not None and len(scores) == len(slots)
            for n, (item, seg_word, gloss_word) in enumerate(zip(slots, seg_words, gloss_words)):
                if item.provenance is None:
                    item.set(seg_word, gloss_word, "model")
                    confidence[id(item)] = scores[n] if fitting else None
        elif self.analogy is not None:
            self.analogy.keep_translation_words(analyses, record)
            wa.guess_unseen(analyses, self.analogy, record.get("glottocode"))
            self.analogy.gloss_unknown_stems(analyses, record)
        segmentation, glosses, provenance = wa.assemble(wa.fill_unknown(analyses))
        return segmentation, glosses, provenance, [confidence.get(id(item)) for item in analyses]


def sentence_output_limit(record):
    """The output cap of a record's sentence-model outputs (see SENTENCE_OUTPUT_RATIO)."""
    return SENTENCE_OUTPUT_RATIO * len(record["transcription"].encode("utf-8")) + SENTENCE_OUTPUT_FLOOR
