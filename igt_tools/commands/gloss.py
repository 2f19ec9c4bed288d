"""igt-gloss: gloss records with a trained model, as a Unix filter.

torch and transformers are imported inside the command (through the model
package), so `igt-gloss --help` starts as fast as the other commands.
"""

import time

import click

from .. import tasks, tokens
from .. import word_analyses as wa
from ..cli import bad_records, entry_point, igt_command, inputs_argument, skip_bad_options
from ..errors import DataError
from ..io import JsonlWriter, iter_jsonl, stderr_is_terminal, warn
from ..analogy import Analogy
from ..lexicon import CHOOSERS, Lexicon
from ..model_stack import require_model_stack
from ..record import check_types
from ..tagmap import TagMap
from ..word_glosser import TRUST_CHOICE, TRUST_MODEL, WordGlosser, new_counts

PROG = "igt-gloss"

# Fields this command writes: replaced on every record it outputs, so that a
# stale value from an earlier run never passes for a new one.
OUTPUT_FIELDS = ("segmentation", "glosses", "malformed", "provenance", "prediction", "confidence", "word_confidence",
                 "error")

BATCH_TOKENS = {"cpu": 16384, "cuda": 131072}

# Longest output of a sentence model, in tokens per byte of the transcription
# plus a floor (within --max-new-tokens): an interleaved label is 2.6 times its
# transcription's length at the median of the SIGMORPHON 2023 and ODIN data,
# 5.5 times at the 99.9th percentile, 11 at most. A weak model that loops then
# stops early instead of writing --max-new-tokens bytes for every sentence.
SENTENCE_OUTPUT_RATIO = 8
SENTENCE_OUTPUT_FLOOR = 128

HELP = """Gloss records with a lexicon, a trained model, or both: add `segmentation` and `glosses`.

\b
  cat texts.jsonl | igt-gloss --model DIR | igt-score gold.jsonl
  igt-gloss --lexicon train.jsonl dev.jsonl > glossed.jsonl      # no model
  igt-gloss -m DIR -l train.jsonl -l corrected.jsonl texts.jsonl
  igt-gloss -m DIR --keep-raw --confidence dev.jsonl > glossed.jsonl
  igt-gloss -m DIR --shard 0/2 --device cuda:0 in.jsonl > out.0 &
  igt-gloss -m DIR --shard 1/2 --device cuda:1 in.jsonl > out.1

Input: JSONL records (files or stdin) with a `transcription`; `translation`,
`language` and `metalanguage` go into the prompt when present (with the
published field rules: a missing language is "an unknown language", a
missing translation "None"). --model is a folder written by igt-train, a
published PolyGloss/GlossLM checkpoint folder, or a hub id. The task format,
prompt set and unit (sentence or word) come from the folder's igt_tools.json
(a folder without one is read as a sentence model, interleaved, with the
PolyGloss prompts); --task/--prompts override. --adapter ADAPTER applies a
LoRA adapter that igt-lora trained on that very model (checked by the digest
of its weights).

Lexicon: each --lexicon FILE holds IGT records (igt-clean output; several
files and languages allowed). Every word of a record whose tiers pair up
word by word attests its segmentation and glosses, scoped by the record's
glottocode (words of records without one serve every language; an input
without one is looked up in those, or in the one language of the lexicon).
A word is found ignoring Unicode normalisation (NFC or NFD), punctuation at
either end and then case, and its segmentation is written in the input's
normalisation form. Words the lexicon attests take its analysis. The rest
are guessed by analogy (--guess, the default): the attested words of the
language that share the unseen word's longest ending vote for the suffixes
in it, those sharing its longest beginning for the prefixes (at least 2
letters each), and the letters left become the stem, glossed from the
lexicon's morphemes when one matches
(`indowribin` after `q'ˤuri-bi-n chair-PL-TOP`: `indowri-bi-n ???-PL-TOP`).
A stem still unknown when the sentence is done takes a word of its
translation (--translation-stems, the default): one no other word of the
sentence is glossed with, of those that the lexicon's records of the
language most often use as a stem gloss when their translation has them
("the", "was" seldom are), nearest the word's place on a tie; each
translation word serves one stem.
With a word model too, each unseen word takes the model's analysis when the
model is sure of it (its mean token log-probability at least --trust-model),
else analogy's guess, else the model's analysis anyway; without --model, a
word analogy cannot guess gets the empty analysis: the word itself,
unsegmented, glossed "???". A word attested with several analyses is chosen by
--choose: `frequent` takes the most frequent; `context` (the default) the
one most often seen after the same previous word or before the same next
word, then the most frequent; ties go to the analysis attested first. Files
are read at start-up, so corrected sentences added to a lexicon file count
at the next run, without retraining. Punctuation-only words are written only
where the lexicon attests them as words (some corpora keep `,` in every
tier). With a sentence model the lexicon's words replace the model's, position
by position, when the model wrote one word per input word.

A word-unit model (igt-format --unit word) glosses one word at a time:
sentences are split into words, each distinct word that neither the lexicon
nor analogy analyses is decoded once (its output is remembered for later
chunks: the latest 100,000 words), and the sentences are put back together.

Output: every input record, in input order, with all its fields, plus
`segmentation` and `glosses` (parsed as igt-parse does; gloss-only leaves
the segmentation null, segment-only the glosses), `malformed`, the number
of output pieces that did not follow the format (0 when clean), and
`provenance`, one entry per word of the glosses: "lexicon", "analogy",
"model" or "none" (the empty analysis), so that you know which words to
check first.
With --keep-raw the raw model output of a sentence model goes in
`prediction` (an object {"t2g", "t2s"} for multitask; `igt-parse` reads it
back). With --confidence, `confidence` is the mean log-probability of the
output's tokens (end token included; 0 is certain, more negative is less
sure); for multitask, over the tokens of both outputs; for a word model,
over its words only (0 when the lexicon gave every word); and
`word_confidence`, one entry per word beside `provenance`: the mean
log-probability of the tokens the model wrote for that word (a word model:
the word's output; a sentence model: the output word's tokens, with the
space after it, and the end token with the last word; multitask: the mean
of its glosses' and segmentation's), null where the model did not gloss the
word, and for every word of a concatenated model (whose output holds each
word twice); igt-format --to aligned marks a model word under -0.1 with
`?`, doubtful. These fields are replaced if the input had them. --tagmap FILE
(a two-column TSV, model tag -> your tag) writes the glosses in your own
conventions; tags not in it pass through, and a summary line counts both.

Decoding is beam search (--beams: 2 for a sentence model, as published; 1,
greedy, for a word model, whose short outputs gain little from a beam) up to
--max-new-tokens, and each output is also capped by its input's length: 8
tokens per byte of the transcription plus 128 for a sentence (labels are 2.6
times their transcription's length at the median of real data, 11 at most),
12 per byte of the word plus 40 for a word, so a weak model fails fast. Within
those caps the results are the same as transformers' `generate` on each input
alone (in float32; in bfloat16 or float16 the rounding depends on the batch,
so a few outputs may differ, as between any two batchings). For speed,
--chunk-size records are read at a time, sorted by length into batches under
--batch-tokens (sentences x beams x longest input), and written back in input
order; memory stays flat on inputs of any size. --shard I/N keeps records I,
I+N, I+2N, ... (counting from 0), to split one input across processes or
GPUs; merge the outputs back by `id`, or by order: `paste -d '\\n' out.0
out.1 | sed '/^$/d'` restores the input order when every shard wrote all its
records.

A record that cannot be glossed (missing or empty transcription, or an
input longer than --max-input-tokens) is reported on stderr with its file
and line and written with an `error` field instead of segmentation and
glosses; the run goes on. Progress and a summary (records, and words by
provenance, per second) go to stderr (a progress bar when stderr is a
terminal; --quiet for neither).

Exit status: 0 done (even if some records got an `error`, unless --strict:
then 1 at the end, after writing every record); 1 bad data: invalid JSON, a
field of the wrong type, a model folder or lexicon file that cannot be read
(one line; --skip-bad goes on past bad records); 2 usage; 130 interrupted.
"""


def parse_shard(ctx, param, value):
    if value is None:
        return None
    index, slash, count = value.partition("/")
    try:
        index, count = int(index), int(count)
    except ValueError:
        raise click.BadParameter("expected I/N, e.g. 0/4") from None
    if not slash or count < 1 or not 0 <= index < count:
        raise click.BadParameter("expected I/N with 0 <= I < N, e.g. 0/4")
    return index, count


def check_device(ctx, param, value):
    if value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit()):
        return value
    raise click.BadParameter("expected auto, cpu, cuda or cuda:N")


@igt_command(PROG, help=HELP, short_help="Gloss records with a lexicon, a trained model, or both.")
@inputs_argument
@click.option("--model", "-m", "model_name", default=None, metavar="DIR", help="Model folder (igt-train output or a published checkpoint) or hub id.")
@click.option("--adapter", type=click.Path(file_okay=False, exists=True), default=None, metavar="ADAPTER", help="An igt-lora adapter of --model, applied to it (one made for another model is refused).")
@click.option("--lexicon", "-l", "lexicon_paths", multiple=True, type=click.Path(dir_okay=False, allow_dash=False), metavar="FILE", help="IGT records (JSONL) whose analyses gloss the words they attest; repeatable.")
@click.option("--choose", type=click.Choice(CHOOSERS), default="context", show_default=True, help="How the lexicon picks among a word's attested analyses (see above).")
@click.option("--guess/--no-guess", default=True, show_default=True, help="Guess the words the lexicon does not attest by analogy with words it does (see above).")
@click.option("--translation-stems/--no-translation-stems", default=True, show_default=True, help="With --guess: a guess's unknown stem takes a word of the sentence's translation (see above).")
@click.option("--ask-model", type=click.Choice(["unsure", "all"]), default="unsure", show_default=True, help="With a word or context model: which words it is asked about: unsure (unseen words, and a context model's ambiguous ones) or all (attested words too: the lexicon is evidence only; to measure the model).")
@click.option("--trust-choice", type=float, default=TRUST_CHOICE, show_default=True, metavar="LOGPROB", help="With a context model: take its choice among an ambiguous word's attested analyses over the lexicon's when its mean token log-probability is at least this.")
@click.option("--trust-model", type=float, default=TRUST_MODEL, show_default=True, metavar="LOGPROB", help="With --guess and a word model: take the model's analysis of an unseen word over analogy's when its mean token log-probability is at least this.")
@click.option("--task", type=click.Choice(tasks.TASKS), default=None, help="Task format of the model.  [default: from the model folder, else interleaved]")
@click.option("--prompts", type=click.Choice(tasks.PROMPT_SETS), default=None, help="Prompt set of the model.  [default: from the model folder, else polygloss]")
@click.option("--beams", type=click.IntRange(min=1), default=None, help="Beam size; 1 decodes greedily.  [default: 2 for a sentence model, 1 for a word model]")
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=1024, show_default=True, help="Longest output, in tokens (bytes); each output is also capped by its input's length (see above).")
@click.option("--max-input-tokens", type=click.IntRange(min=1), default=None, help="Longest input (prompt) in tokens; longer records get an `error`.  [default: the model's, 1024]")
@click.option("--batch-tokens", type=click.IntRange(min=1), default=None, help=f"Token budget of a batch: sentences x beams x longest input.  [default: {BATCH_TOKENS['cpu']} on CPU, {BATCH_TOKENS['cuda']} on GPU]")
@click.option("--chunk-size", type=click.IntRange(min=1), default=2048, show_default=True, help="Records read (and sorted by length) at a time.")
@click.option("--shard", callback=parse_shard, default=None, metavar="I/N", help="Keep only records I, I+N, I+2N, ... (from 0).")
@click.option("--device", callback=check_device, default="auto", show_default=True, metavar="auto|cpu|cuda[:N]", help="Where to run the model; auto: the GPU if there is one.")
@click.option("--dtype", type=click.Choice(["auto", "float32", "bfloat16", "float16"]), default="auto", show_default=True, help="Model precision; auto: bfloat16 on a GPU that has it, else float32.")
@click.option("--keep-raw", is_flag=True, help="Add the raw model output as `prediction` (sentence models).")
@click.option("--confidence", is_flag=True, help="Add `confidence`: the output's mean token log-probability.")
@click.option("--tagmap", type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="Map the output glosses' tags into your conventions (TSV: model tag, user tag).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if any record could not be glossed.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr (warnings still).")
@skip_bad_options
def command(inputs, model_name, adapter, lexicon_paths, choose, guess, translation_stems, ask_model, trust_choice, trust_model, task, prompts, beams, max_new_tokens,
            max_input_tokens, batch_tokens, chunk_size, shard, device, dtype, keep_raw, confidence, tagmap, strict, quiet,
            skip_bad, bad_out):
    if model_name is None and not lexicon_paths:
        raise click.UsageError("nothing to gloss with: give --model DIR, --lexicon FILE, or both")
    if adapter is not None and model_name is None:
        raise click.UsageError("--adapter needs --model, the model it was trained on")
    if model_name is not None:
        require_model_stack("--model")
    bad = bad_records(PROG, skip_bad, bad_out)
    tags = TagMap.load(tagmap) if tagmap else None
    lexicon = Lexicon.read(lexicon_paths, bad=bad) if lexicon_paths else None
    analogy = Analogy(lexicon, translation_stems) if lexicon is not None and guess else None
    decoder = None
    if model_name is None:
        glosser = WordGlosser(lexicon, choose, output_record, error_record, confidence=confidence, analogy=analogy)
    else:
        glosser, decoder = _model_glosser(model_name, lexicon, analogy, choose, task, prompts, beams, max_new_tokens,
                                          max_input_tokens, batch_tokens, device, dtype, keep_raw, confidence,
                                          adapter=adapter, trust_model=trust_model, ask_all=ask_model == "all",
                                          trust_choice=trust_choice)
    progress = Progress(quiet)
    out = JsonlWriter()
    try:
        for chunk in chunks(select_shard(iter_jsonl(inputs, bad=bad, validate=check_types), shard), chunk_size):
            for record in glosser.gloss(chunk, on_inputs=progress.advance):
                if tags is not None:
                    tags.map_record(record)
                out.write(record)
            out.flush()
            progress.chunk_done(glosser.counts)
    finally:
        progress.close()
        bad.close()
    progress.summary(glosser.counts, decoder.stats if decoder is not None else None)
    if tags is not None and not quiet:
        warn(PROG, tags.summary())
    if strict and glosser.counts["errors"]:
        raise DataError(f"{glosser.counts['errors']} record(s) could not be glossed (--strict)")


def _model_glosser(model_name, lexicon, analogy, choose, task, prompts, beams, max_new_tokens, max_input_tokens,
                   batch_tokens, device, dtype, keep_raw, confidence, adapter=None, trust_model=TRUST_MODEL,
                   ask_all=False, trust_choice=None):
    """(glosser, decoder) for a model folder (and adapter): word by word for a word-unit model, else by sentence."""
    # The model package imports torch: only now that the options are known to be good.
    from ..model.generation import DecodeSettings, Decoder
    from ..model.loading import load_model

    device, dtype = resolve_device(device, dtype)
    model, tokenizer, metadata = load_model(model_name, device=device, dtype=dtype, adapter=adapter)
    task = task or metadata.task
    prompts = prompts or metadata.prompts
    try:
        tasks.check_prompts(task, prompts)
        tasks.check_unit(metadata.unit, task, prompts)
    except ValueError as err:
        raise click.UsageError(f"{err} (model task {metadata.task}, prompts {metadata.prompts}, unit {metadata.unit})") from None
    settings = DecodeSettings(
        beams=beams or default_beams(metadata.unit),
        max_new_tokens=max_new_tokens,
        batch_tokens=batch_tokens or BATCH_TOKENS["cuda" if device.startswith("cuda") else "cpu"],
        token_scores=confidence and metadata.unit == "sentence",  # a word model's words are outputs of their own
    )
    try:
        decoder = Decoder(model, settings, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    except ValueError as err:
        raise DataError(str(err), model_name) from None
    max_input_tokens = max_input_tokens or metadata.max_input_tokens or 1024
    if metadata.unit in ("word", "context"):
        glosser = WordGlosser(lexicon, choose, output_record, error_record, decoder=decoder, tokenizer=tokenizer,
                              max_input_tokens=max_input_tokens, confidence=confidence, analogy=analogy,
                              trust_model=trust_model, context=metadata.unit == "context", ask_all=ask_all,
                              trust_choice=trust_choice)
    else:
        glosser = Glosser(decoder, tokenizer, task, prompts, max_input_tokens=max_input_tokens,
                          keep_raw=keep_raw, confidence=confidence, lexicon=lexicon, chooser=choose, analogy=analogy)
    return glosser, decoder


def default_beams(unit):
    """2 beams for sentences, as published; greedy for words: measured on the six SIGMORPHON
    dev sets, lexicon + analogy + models/sigmorphon lose 0.001 MER for twice the words/s."""
    return 1 if unit in ("word", "context") else 2


def output_record(record, fields):
    """The record with igt-gloss's output fields replaced by `fields` (the others kept, in order)."""
    out = {key: value for key, value in record.items() if key not in OUTPUT_FIELDS}
    out.update(fields)
    return out


def error_record(location, record, message):
    warn(PROG, f"{location}: cannot gloss: {message}; written with an \"error\" field")
    return output_record(record, {"error": message})


def resolve_device(device, dtype):
    """('cpu' | 'cuda[:N]', dtype name or None) from the options' `auto`s."""
    import torch

    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif device.startswith("cuda") and not torch.cuda.is_available():
        raise click.BadParameter("no CUDA device is available here", param_hint="--device")
    if dtype == "auto":
        dtype = "bfloat16" if device.startswith("cuda") and torch.cuda.is_bf16_supported() else "float32"
    return device, dtype


def select_shard(records, shard):
    """Every N-th record from the I-th, counting the records of the input (after bad ones are skipped)."""
    if shard is None:
        yield from records
        return
    index, count = shard
    for number, item in enumerate(records):
        if number % count == index:
            yield item


def chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Glosser:
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
            wa.guess_unseen(analyses, self.analogy, record.get("glottocode"))
            self.analogy.gloss_unknown_stems(analyses, record)
        segmentation, glosses, provenance = wa.assemble(wa.fill_unknown(analyses))
        return segmentation, glosses, provenance, [confidence.get(id(item)) for item in analyses]


def sentence_output_limit(record):
    """The output cap of a record's sentence-model outputs (see SENTENCE_OUTPUT_RATIO)."""
    return SENTENCE_OUTPUT_RATIO * len(record["transcription"].encode("utf-8")) + SENTENCE_OUTPUT_FLOOR


class Progress:
    """Progress on stderr: a rich bar on a terminal, a line per chunk otherwise; nothing with --quiet."""

    def __init__(self, quiet):
        self.quiet = quiet
        self.start = time.monotonic()
        self.bar = None
        if not quiet and stderr_is_terminal():
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = RichProgress(
                SpinnerColumn(),
                TextColumn("glossing"),
                TextColumn("{task.completed:.0f} inputs"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("glossing", total=None, rate="")
            self.bar.start()
        self.inputs = 0

    def advance(self, count):
        self.inputs += count
        if self.bar is not None:
            elapsed = max(time.monotonic() - self.start, 1e-9)
            self.bar.update(self.task, advance=count, rate=f"{self.inputs / elapsed:.1f}/s")

    def chunk_done(self, counts):
        if self.quiet or self.bar is not None:
            return
        elapsed = max(time.monotonic() - self.start, 1e-9)
        warn(PROG, f"{counts['records']} records done ({counts['records'] / elapsed:.1f} records/s)")

    def close(self):
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def summary(self, counts, stats):
        if self.quiet:
            return
        elapsed = time.monotonic() - self.start
        line = f"{counts['glossed']} of {counts['records']} records glossed in {elapsed:.1f} s"
        if counts["records"]:
            line += f" ({counts['records'] / max(elapsed, 1e-9):.1f} records/s)"
        if counts["errors"]:
            line += f"; {counts['errors']} could not be glossed (see the warnings)"
        if counts["malformed_records"]:
            line += f"; {counts['malformed_records']} with malformed output ({counts['malformed_pieces']} pieces)"
        words = counts["words"]
        if sum(words.values()):
            line += f"; {sum(words.values())} words ({sum(words.values()) / max(elapsed, 1e-9):.1f} words/s: "
            line += ", ".join(f"{words[name]} {name}" for name in wa.PROVENANCES) + ")"
        if stats is not None and stats.padded_input_tokens:
            line += f"; padding {1 - stats.input_tokens / stats.padded_input_tokens:.1%} of input tokens"
        warn(PROG, line)


main = entry_point(command)
