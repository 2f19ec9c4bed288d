"""igt-gloss: gloss records with a trained model, as a Unix filter.

torch and transformers are imported inside the command (through the model
package), so `igt-gloss --help` starts as fast as the other commands.
"""

import click

from ..cli.base import bad_records, entry_point, igt_command, inputs_argument, skip_bad_options
from ..cli.model_stack import require_model_stack
from ..cli.progress import Progress
from ..core.errors import DataError, OptionError
from ..core.io import JsonlWriter, chunks, iter_jsonl, select_shard, warn
from ..core.record import check_types
from ..core.tagmap import TagMap
from ..examples import tasks
from ..glossing.analogy import Analogy
from ..glossing.lexicon import CHOOSERS, Lexicon
from ..glossing.sentence import SentenceGlosser
from ..glossing.word import TRUST_MODEL, WordGlosser
from ..model.device import BATCH_TOKENS

PROG = "igt-gloss"

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
def command(inputs, model_name, adapter, lexicon_paths, choose, guess, translation_stems, trust_model, task, prompts, beams, max_new_tokens,
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
        glosser = WordGlosser(lexicon, choose, confidence=confidence, analogy=analogy)
    else:
        glosser, decoder = _model_glosser(model_name, lexicon, analogy, choose, task, prompts, beams, max_new_tokens,
                                          max_input_tokens, batch_tokens, device, dtype, keep_raw, confidence,
                                          adapter=adapter, trust_model=trust_model)
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
                   batch_tokens, device, dtype, keep_raw, confidence, adapter=None, trust_model=TRUST_MODEL):
    """(glosser, decoder) for a model folder (and adapter): word by word for a word-unit model, else by sentence."""
    # The model package imports torch: only now that the options are known to be good.
    from ..model.generation import DecodeSettings, Decoder
    from ..model.device import batch_tokens as default_batch_tokens
    from ..model.device import resolve_device, resolve_dtype
    from ..model.loading import load_model

    try:
        device = resolve_device(device)
    except OptionError as err:
        raise click.UsageError(str(err)) from None
    dtype = resolve_dtype(device, dtype)
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
        batch_tokens=batch_tokens or default_batch_tokens(device),
        token_scores=confidence and metadata.unit != "word",  # a word model's words are outputs of their own
    )
    try:
        decoder = Decoder(model, settings, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    except ValueError as err:
        raise DataError(str(err), model_name) from None
    max_input_tokens = max_input_tokens or metadata.max_input_tokens or 1024
    if metadata.unit == "word":
        glosser = WordGlosser(lexicon, choose, decoder=decoder, tokenizer=tokenizer,
                              max_input_tokens=max_input_tokens, confidence=confidence, analogy=analogy,
                              trust_model=trust_model)
    else:
        glosser = SentenceGlosser(decoder, tokenizer, task, prompts, max_input_tokens=max_input_tokens,
                          keep_raw=keep_raw, confidence=confidence, lexicon=lexicon, chooser=choose, analogy=analogy)
    return glosser, decoder


def default_beams(unit):
    """2 beams for sentences, as published; greedy for words: on the six SIGMORPHON dev sets,
    lexicon + analogy + models/sigmorphon lose next to nothing in MER for twice the words/s."""
    return 1 if unit == "word" else 2


main = entry_point(command)
